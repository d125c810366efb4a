package api_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"anju/server/votelog"
)

// A way to vote without drawing (issue 11): a household that cannot draw
// confirms its vote by typing its household code again. The vote's leaf
// says so, the committee sees who did, and a wrong code records nothing and
// counts against the room's guess limits like a sign-in.

func codeVote(planID int64, code string, replaces ...any) map[string]any {
	b := map[string]any{"plan_id": planID, "plan_choice": "agree", "management_choice": "disagree",
		"evidence": "household_code", "household_code": code}
	if len(replaces) > 0 {
		b["replaces"] = replaces[0]
	}
	return b
}

func TestAVoteConfirmedByTheHouseholdCode(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("户码", 3)
		planID := e.publishPlan(es, "方案", time.Hour)
		b := es.buildings[0]
		byCode, signed, other := b.households[0], b.households[1], b.households[2]
		tok := e.signIn(b, byCode)

		// The code as printed or typed loosely (lower case, a space, a dash) is the code.
		typed := strings.ToLower(byCode.code[:4]) + " -" + byCode.code[4:]
		first := e.do("PUT", "/api/v1/me/ballot", tok, codeVote(planID, typed), "Idempotency-Key", "k1").want(200)
		if first.str("evidence") != "household_code" || first.str("channel") != "online" || first.num("revision") != 1 {
			t.Fatalf("receipt: %s", first.body)
		}
		// A replay is the same vote; the same key with a signature is another.
		if again := e.do("PUT", "/api/v1/me/ballot", tok, codeVote(planID, byCode.code), "Idempotency-Key", "k1").want(200); again.id("id") != first.id("id") {
			t.Fatalf("replay: %s", again.body)
		}
		e.do("PUT", "/api/v1/me/ballot", tok, vote(planID, "agree", "disagree"), "Idempotency-Key", "k1").
			wantError(422, "idempotency_key_reused")

		signedReceipt := e.do("PUT", "/api/v1/me/ballot", e.signIn(b, signed), vote(planID, "agree", "agree")).want(200)
		if signedReceipt.str("evidence") != "signature" {
			t.Fatalf("a drawn vote's receipt: %s", signedReceipt.body)
		}

		// The leaf records the evidence, and no signature image.
		r, _ := e.proofOf(tok, planID)
		leaf := string(b64(t, r.str("leaf")))
		if !strings.HasPrefix(leaf, votelog.Format+"\n") || !strings.Contains(leaf, "\nevidence household_code\nsignature_sha256 -\n") {
			t.Fatalf("leaf:\n%s", leaf)
		}

		// The committee sees how many and which households confirmed by code.
		tally := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, nil).want(200)
		list := tally.get("confirmed_by_code").([]any)
		if tally.num("by_code") != 1 || tally.num("voted") != 2 || len(list) != 1 ||
			int64(list[0].(map[string]any)["household_id"].(float64)) != byCode.id ||
			tally.get("buildings").([]any)[0].(map[string]any)["by_code"] != 1.0 {
			t.Fatalf("tally: %s", tally.body)
		}
		roll := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent/roll.xlsx", es.projectID), e.staff, nil).want(200)
		f, err := excelize.OpenReader(bytes.NewReader(roll.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("表决名册")
		if err != nil {
			t.Fatal(err)
		}
		evidence := map[string]string{}
		for _, row := range rows[2:] {
			if len(row) > 10 {
				evidence[row[3]] = row[10]
			}
		}
		if evidence[byCode.room] != "输入户码确认（无手写签名）" || evidence[signed.room] != "手写签名" || evidence[other.room] != "" {
			t.Fatalf("the roll's evidence column: %v", evidence)
		}

		// Changing the vote by drawing moves the household off the list.
		e.do("PUT", "/api/v1/me/ballot", tok, vote(planID, "agree", "agree", first.id("id"))).want(200)
		tally = e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, nil).want(200)
		if tally.num("by_code") != 0 || len(tally.get("confirmed_by_code").([]any)) != 0 {
			t.Fatalf("after a drawn change: %s", tally.body)
		}
		if v := e.verifyPlan(planID); v.get("intact") != true {
			t.Fatalf("verify: %s", v.body)
		}
	})
}

func TestAWrongConfirmationCodeRecordsNothingAndCountsAsAGuess(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("错码", 2)
		planID := e.publishPlan(es, "方案", time.Hour)
		b := es.buildings[0]
		h := b.households[0]
		tok := e.signIn(b, h)
		wrong := strings.Repeat("A", 8)
		if wrong == h.code {
			wrong = strings.Repeat("B", 8)
		}

		// Bad requests say what to fix and count nothing.
		for name, body := range map[string]map[string]any{
			"no code": {"plan_id": planID, "plan_choice": "agree", "management_choice": "agree", "evidence": "household_code"},
			"a code and a drawing": {"plan_id": planID, "plan_choice": "agree", "management_choice": "agree", "evidence": "household_code",
				"household_code": h.code, "signature": signature},
			"a code without saying so": {"plan_id": planID, "plan_choice": "agree", "management_choice": "agree", "household_code": h.code,
				"signature": signature},
			"an unknown evidence":  {"plan_id": planID, "plan_choice": "agree", "management_choice": "agree", "evidence": "fingerprint"},
			"a code of 7":          codeVote(planID, h.code[:7]),
			"a letter no code has": codeVote(planID, "0"+h.code[1:]),
		} {
			r := e.do("PUT", "/api/v1/me/ballot", tok, body)
			if r.status != 400 || !strings.Contains(r.str("error.message"), "evidence") && !strings.Contains(r.str("error.message"), "household_code") &&
				!strings.Contains(r.str("error.message"), "signature") {
				t.Errorf("%s: %d %s", name, r.status, r.body)
			}
		}

		// Five wrong codes from one address are the room's allowance ...
		for i := 0; i < 5; i++ {
			r := e.do("PUT", "/api/v1/me/ballot", tok, codeVote(planID, wrong)).wantError(422, "wrong_household_code")
			if r.str("error.details.field") != "household_code" {
				t.Fatalf("the error names the field: %s", r.body)
			}
		}
		// ... then the room is refused, here and at sign-in alike, even the right code.
		e.do("PUT", "/api/v1/me/ballot", tok, codeVote(planID, h.code)).wantError(429, "too_many_guesses")
		e.do("POST", "/api/v1/auth/household", "", map[string]any{"building_token": b.token, "room": h.room, "code": h.code}).
			wantError(429, "too_many_guesses")
		// Nothing was recorded; drawing still works.
		tally := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, nil).want(200)
		if tally.num("voted") != 0 {
			t.Fatalf("a refused vote was counted: %s", tally.body)
		}
		e.do("PUT", "/api/v1/me/ballot", tok, vote(planID, "agree", "agree")).want(200)

		// Another household's correct code is a wrong code for this one.
		other := es.buildings[0].households[1]
		otherTok := e.signIn(b, other)
		e.do("PUT", "/api/v1/me/ballot", otherTok, codeVote(planID, h.code)).wantError(422, "wrong_household_code")
		e.do("PUT", "/api/v1/me/ballot", otherTok, codeVote(planID, other.code)).want(200)
	})
}
