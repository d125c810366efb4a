package api_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestConsentJourney walks issue 2 end to end: staff set up an estate and
// publish a plan, a household reads it and votes, changes its vote, and the
// tally counts every household, voters or not.
func TestConsentJourney(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("建设", 4, 3)
		b1 := es.buildings[0]

		// Households come with a one-time code of 8 unambiguous characters.
		codeRE := regexp.MustCompile(`^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$`)
		for _, h := range b1.households {
			if !codeRE.MatchString(h.code) {
				t.Fatalf("household code %q is not 8 characters of the unambiguous alphabet", h.code)
			}
		}
		list := e.do("GET", fmt.Sprintf("/api/v1/buildings/%d/households", b1.id), e.staff, nil).want(200).items()
		if len(list) != 4 || list[0]["owner_masked"] != "王**" || list[0]["phone_masked"] != "138****5678" || list[0]["code"] != nil || list[0]["owner_name"] != nil {
			t.Fatalf("household list must mask owners and never show codes: %v", list[0])
		}

		// Before a plan is published the QR page says so and the tally is a clear 404.
		pub := e.do("GET", "/api/v1/public/buildings/"+b1.token, "", nil).want(200)
		if pub.get("plan") != nil || pub.str("community.name") != "建设小区" || pub.str("building.name") != "1号楼" {
			t.Fatalf("public building before publishing: %s", pub.body)
		}
		e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, nil).wantError(404, "no_published_plan")

		planID := e.publishPlan(es, "建设小区改造方案", 48*time.Hour)
		pub = e.do("GET", "/api/v1/public/buildings/"+b1.token, "", nil).want(200)
		if pub.str("plan.title") != "建设小区改造方案" || pub.str("plan.voting_status") != "open" || pub.str("district.name") != "建设区" {
			t.Fatalf("public building after publishing: %s", pub.body)
		}

		// The resident signs in with room and code (lower case and a hyphen are fine).
		h := b1.households[0]
		typed := strings.ToLower(h.code[:4] + "-" + h.code[4:])
		tok := e.do("POST", "/api/v1/auth/household", "", map[string]any{
			"building_token": b1.token, "room": " " + h.room + " ", "code": typed}).want(200).str("token")
		me := e.do("GET", "/api/v1/me", tok, nil).want(200)
		if me.str("household.room") != h.room || me.str("building.name") != "1号楼" || me.str("household.owner_masked") != "王**" {
			t.Fatalf("/me: %s", me.body)
		}

		// The whole plan: items with content and standard, budget, funding, mode, deadline.
		plan := e.do("GET", "/api/v1/me/plan", tok, nil).want(200)
		items := plan.get("items").([]any)
		first := items[0].(map[string]any)
		if len(items) != 2 || first["name_zh"] != "屋顶" || first["name_en"] != "Roof repair" ||
			first["standard"] != "屋顶维修符合相关标准要求，排水通畅。" || first["description"] != "屋顶防水翻新" || first["budget_yuan"] != 60000.0 {
			t.Fatalf("plan items: %v", items)
		}
		if plan.num("budget_total_yuan") != 100000.5 || plan.str("management_mode") != "professional" ||
			plan.num("threshold_percent") != 80 || plan.str("voting_status") != "open" || len(plan.get("funding").([]any)) != 2 {
			t.Fatalf("plan: %s", plan.body)
		}

		// No vote yet; then a vote and its receipt.
		e.do("GET", "/api/v1/me/ballot", tok, nil).wantError(404, "ballot_not_found")
		rec := e.do("PUT", "/api/v1/me/ballot", tok, vote(planID, "agree", "disagree", nil), "Idempotency-Key", "k1").want(200)
		if rec.str("plan_choice") != "agree" || rec.str("management_choice") != "disagree" || rec.str("channel") != "online" ||
			rec.num("revision") != 1 || rec.get("replaces") != nil || rec.str("changeable_until") != plan.str("voting_closes_at") {
			t.Fatalf("receipt: %s", rec.body)
		}
		if _, err := time.Parse(time.RFC3339, rec.str("recorded_at")); err != nil {
			t.Fatalf("recorded_at: %v", err)
		}
		first1 := rec.id("id")
		got := e.do("GET", "/api/v1/me/ballot", tok, nil).want(200)
		if got.id("id") != first1 {
			t.Fatalf("GET /me/ballot shows %d, want the receipt %d", got.id("id"), first1)
		}

		// Changing the vote names the receipt it replaces.
		rec2 := e.do("PUT", "/api/v1/me/ballot", tok, vote(planID, "agree", "agree", first1)).want(200)
		if rec2.num("revision") != 2 || rec2.id("replaces") != first1 {
			t.Fatalf("changed receipt: %s", rec2.body)
		}

		// The tally: 7 households eligible, 1 voted, per building, non-voters masked.
		tally := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, nil).want(200)
		if tally.num("eligible") != 7 || tally.num("voted") != 1 || tally.num("plan.agree") != 1 ||
			tally.num("management.agree") != 1 || tally.get("plan.reached") != false || tally.num("plan.needed") != 5 {
			t.Fatalf("tally: %s", tally.body)
		}
		bs := tally.get("buildings").([]any)
		if len(bs) != 2 || bs[0].(map[string]any)["eligible"] != 4.0 || bs[0].(map[string]any)["voted"] != 1.0 || bs[1].(map[string]any)["voted"] != 0.0 {
			t.Fatalf("per building: %v", bs)
		}
		nv := tally.get("non_voters").([]any)
		if len(nv) != 6 || nv[0].(map[string]any)["owner_masked"] != "王**" || strings.Contains(string(tally.body), "王建国") {
			t.Fatalf("non-voters must be listed with masked names: %v", nv)
		}

		// Staff can read the household's whole history.
		hist := e.do("GET", fmt.Sprintf("/api/v1/households/%d/ballots", h.id), e.staff, nil).want(200).items()
		if len(hist) != 2 || hist[0]["management_choice"] != "disagree" || hist[1]["management_choice"] != "agree" {
			t.Fatalf("history: %v", hist)
		}
		sig := e.do("GET", fmt.Sprintf("/api/v1/ballot-revisions/%d/signature.png", first1), e.staff, nil).want(200)
		if sig.header.Get("Content-Type") != "image/png" || len(sig.body) < 50 {
			t.Fatalf("signature image: %s %d bytes", sig.header.Get("Content-Type"), len(sig.body))
		}
		chain := e.do("GET", fmt.Sprintf("/api/v1/plans/%d/ballots/verify", planID), e.staff, nil).want(200)
		if chain.get("intact") != true || chain.num("tree_size") != 2 || chain.num("pending") != 0 || chain.get("broken_at_leaf") != nil {
			t.Fatalf("chain: %s", chain.body)
		}
	})
}

// TestThresholdBoundary is the rule of seed 002 on a real roll: 80 % of 7
// households is 5.6, so 5 agreeing is not enough and 6 is.
func TestThresholdBoundary(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("边界", 7)
		planID := e.publishPlan(es, "方案", time.Hour)
		b := es.buildings[0]
		tally := func() *resp {
			return e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, nil).want(200)
		}
		for i := 0; i < 5; i++ {
			e.do("PUT", "/api/v1/me/ballot", e.signIn(b, b.households[i]), vote(planID, "agree", "agree")).want(200)
		}
		r := tally()
		if r.get("plan.reached") != false || r.get("reached") != false || r.num("plan.needed") != 1 || r.num("plan.rate") != 0.7143 {
			t.Fatalf("5 of 7 must not reach 80%%: %s", r.body)
		}
		// A sixth household agrees to the plan but abstains on the management mode.
		e.do("PUT", "/api/v1/me/ballot", e.signIn(b, b.households[5]), vote(planID, "agree", "abstain")).want(200)
		r = tally()
		if r.get("plan.reached") != true || r.get("management.reached") != false || r.get("reached") != false {
			t.Fatalf("6 of 7 reach the plan, 5 of 7 not the mode: %s", r.body)
		}
		e.do("PUT", "/api/v1/me/ballot", e.signIn(b, b.households[6]), vote(planID, "disagree", "agree")).want(200)
		r = tally()
		if r.get("management.reached") != true || r.get("reached") != true || r.num("voted") != 7 || r.num("plan.disagree") != 1 {
			t.Fatalf("both questions reached: %s", r.body)
		}
	})
}
