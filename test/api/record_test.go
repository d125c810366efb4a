package api_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/formats/log"
	fnote "github.com/transparency-dev/formats/note"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
	"gorm.io/gorm"

	"anju/server/config"
	"anju/server/recount"
	"anju/server/store/storetest"
	"anju/server/votelog"
	"anju/server/witness"
)

// The public record (issue 10): every vote is a leaf of its plan's log, the
// household can prove its vote is in it, anyone can follow the signed
// checkpoints, and edits made with SQL behind the server's back are named.

// heldCheckpoint is what a phone, a witness or a printed notice keeps.
type heldCheckpoint struct {
	size uint64
	root []byte
}

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("base64 %q: %v", s, err)
	}
	return b
}

// logVerifier is the note verifier of the server's checkpoint key.
func (e *env) logVerifier() note.Verifier {
	e.t.Helper()
	vkey := e.do("GET", "/api/v1/public/log-key", "", nil).want(200).str("verifier_key")
	v, err := note.NewVerifier(vkey)
	if err != nil {
		e.t.Fatalf("verifier key %q: %v", vkey, err)
	}
	return v
}

// proofOf asks for the household's proof until the sequencer integrated its
// vote, and checks it as a phone would: the checkpoint's signature, the leaf
// hash and the inclusion path.
func (e *env) proofOf(token string, planID int64) (*resp, uint64) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := e.do("GET", fmt.Sprintf("/api/v1/me/ballot/proof?plan_id=%d", planID), token, nil)
		if r.status == 202 {
			if r.header.Get("Retry-After") != "1" || r.get("pending") != true {
				e.t.Fatalf("pending proof: %d %s %s", r.status, r.header.Get("Retry-After"), r.body)
			}
			if time.Now().After(deadline) {
				e.t.Fatal("the vote was not integrated within 10 s")
			}
			time.Sleep(100 * time.Millisecond)
			continue
		}
		r.want(200)
		leaf, leafHash := b64(e.t, r.str("leaf")), b64(e.t, r.str("leaf_hash"))
		if got := rfc6962.DefaultHasher.HashLeaf(leaf); string(got) != string(leafHash) {
			e.t.Fatalf("leaf hash %x is not SHA-256(0x00 ‖ leaf) %x", leafHash, got)
		}
		cp, _, _, err := log.ParseCheckpoint([]byte(r.str("checkpoint.note")), fmt.Sprintf("anju.example.cn/plans/%d", planID), e.logVerifier())
		if err != nil {
			e.t.Fatalf("checkpoint: %v\n%s", err, r.str("checkpoint.note"))
		}
		size, root := uint64(r.num("tree_size")), b64(e.t, r.str("root_hash"))
		if cp.Size != size || string(cp.Hash) != string(root) {
			e.t.Fatalf("the signed checkpoint says %d/%x, the answer %d/%x", cp.Size, cp.Hash, size, root)
		}
		var path [][]byte
		for _, p := range r.get("proof").([]any) {
			path = append(path, b64(e.t, p.(string)))
		}
		index := uint64(r.num("leaf_index"))
		if err := proof.VerifyInclusion(rfc6962.DefaultHasher, index, size, leafHash, path, root); err != nil {
			e.t.Fatalf("inclusion of leaf %d in %d: %v", index, size, err)
		}
		return r, index
	}
}

func (e *env) verifyPlan(planID int64) *resp {
	e.t.Helper()
	return e.do("GET", fmt.Sprintf("/api/v1/plans/%d/ballots/verify", planID), e.staff, nil).want(200)
}

// consistent tells whether the plan's log now extends a held checkpoint.
func (e *env) consistent(planID int64, held heldCheckpoint) error {
	e.t.Helper()
	now := e.do("GET", fmt.Sprintf("/api/v1/public/plans/%d/checkpoint", planID), "", nil).want(200)
	size, root := uint64(now.num("tree_size")), b64(e.t, now.str("root_hash"))
	r := e.do("GET", fmt.Sprintf("/api/v1/public/plans/%d/consistency?from=%d&to=%d", planID, held.size, size), "", nil)
	if r.status != 200 {
		return fmt.Errorf("no consistency proof from %d to %d: %d %s", held.size, size, r.status, r.body)
	}
	var path [][]byte
	for _, p := range r.get("proof").([]any) {
		path = append(path, b64(e.t, p.(string)))
	}
	return proof.VerifyConsistency(rfc6962.DefaultHasher, held.size, size, path, held.root, root)
}

func TestEveryVoteIsAProvableLeaf(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("记录", 3)
		b := es.buildings[0]
		planID := e.publishPlan(es, "记录方案", 48*time.Hour)
		empty := e.do("GET", fmt.Sprintf("/api/v1/public/plans/%d/checkpoint", planID), "", nil).want(200)
		if empty.num("tree_size") != 0 || empty.str("origin") != fmt.Sprintf("anju.example.cn/plans/%d", planID) {
			t.Fatalf("a plan nobody voted on: %s", empty.body)
		}
		tokens := make([]string, 3)
		for i, h := range b.households {
			tokens[i] = e.signIn(b, h)
			e.do("PUT", "/api/v1/me/ballot", tokens[i], vote(planID, "agree", "agree")).want(200)
		}
		first, idx := e.proofOf(tokens[0], planID)
		v, err := votelog.Decode(b64(t, first.str("leaf")))
		if err != nil || v.HouseholdID != b.households[0].id || v.PlanID != planID || v.PlanChoice != "agree" || v.Channel != "online" {
			t.Fatalf("leaf %d: %+v %v", idx, v, err)
		}
		held := heldCheckpoint{size: uint64(first.num("tree_size")), root: b64(t, first.str("root_hash"))}
		// The household changes its vote: the new leaf chains to the old one.
		rec := e.do("GET", fmt.Sprintf("/api/v1/me/ballot?plan_id=%d", planID), tokens[0], nil).want(200)
		changed := e.do("PUT", "/api/v1/me/ballot", tokens[0], vote(planID, "disagree", "agree", rec.id("id"))).want(200)
		second, _ := e.proofOf(tokens[0], planID)
		v2, err := votelog.Decode(b64(t, second.str("leaf")))
		if err != nil || v2.Revision != 2 || v2.PlanChoice != "disagree" || v2.Replaces != hex.EncodeToString(b64(t, first.str("leaf_hash"))) {
			t.Fatalf("the changed vote's leaf: %+v %v", v2, err)
		}
		if changed.str("hash") != hex.EncodeToString(b64(t, second.str("leaf_hash"))) {
			t.Fatalf("the receipt's hash %s is not the leaf hash", changed.str("hash"))
		}
		if err := e.consistent(planID, held); err != nil {
			t.Fatalf("the log does not extend the checkpoint the phone held: %v", err)
		}
		// The public sees checkpoints and proofs, never a vote's contents.
		history := e.do("GET", fmt.Sprintf("/api/v1/public/plans/%d/checkpoints", planID), "", nil).want(200)
		items := history.items()
		if len(items) < 2 || items[0]["tree_size"] != float64(0) {
			t.Fatalf("checkpoint history: %s", history.body)
		}
		for i := 1; i < len(items); i++ {
			if items[i]["tree_size"].(float64) <= items[i-1]["tree_size"].(float64) {
				t.Fatalf("checkpoints not oldest first: %s", history.body)
			}
		}
		if body := string(history.body); strings.Contains(body, "choice") || strings.Contains(body, "household") || strings.Contains(body, "anju/ballot") {
			t.Fatalf("a vote's contents are public: %s", history.body)
		}
		chk := e.verifyPlan(planID)
		if chk.get("intact") != true || chk.num("tree_size") != 4 || chk.get("broken_at_leaf") != nil {
			t.Fatalf("verify: %s", chk.body)
		}
		// Bad input is a 4xx a person can act on.
		e.do("GET", fmt.Sprintf("/api/v1/public/plans/%d/consistency?from=3&to=1", planID), "", nil).wantError(400, "invalid_range")
		e.do("GET", fmt.Sprintf("/api/v1/public/plans/%d/consistency?from=1&to=99", planID), "", nil).wantError(404, "tree_size_unknown")
		e.do("GET", fmt.Sprintf("/api/v1/public/plans/%d/consistency", planID), "", nil).wantError(400, "invalid_range")
		e.do("GET", "/api/v1/public/plans/999999/checkpoint", "", nil).wantError(404, "plan_not_found")
	})
}

// tamper runs SQL behind the server's back (storetest.Tamper).
func (e *env) tamper(stmts ...string) {
	e.t.Helper()
	storetest.Tamper(e.t, e.app.DB, stmts...)
}

// votedPlan is a plan with six votes from six households, all integrated.
func votedPlan(t *testing.T, e *env) (planID int64, revisions []int64, held heldCheckpoint) {
	t.Helper()
	es := e.setupEstate(fmt.Sprintf("篡改%d", time.Now().UnixNano()%100000), 6)
	b := es.buildings[0]
	planID = e.publishPlan(es, "篡改方案", 48*time.Hour)
	var last string
	for i, h := range b.households {
		last = e.signIn(b, h)
		choice := "agree"
		if i%3 == 2 {
			choice = "disagree"
		}
		revisions = append(revisions, e.do("PUT", "/api/v1/me/ballot", last, vote(planID, choice, "agree")).want(200).id("id"))
	}
	p, _ := e.proofOf(last, planID)
	if e.verifyPlan(planID).get("intact") != true {
		t.Fatal("the untouched log does not verify")
	}
	return planID, revisions, heldCheckpoint{size: uint64(p.num("tree_size")), root: b64(t, p.str("root_hash"))}
}

func TestTamperingIsDetected(t *testing.T) {
	type outcome struct {
		leaf  float64 // the leaf verify names; -1: verify cannot see it, a held checkpoint must
		words string
	}
	cases := []struct {
		name string
		edit func(e *env, planID int64, revs []int64) []string
		want outcome
	}{
		{"a revision's choice edited", func(e *env, planID int64, revs []int64) []string {
			return []string{fmt.Sprintf("UPDATE ballot_revisions SET plan_choice = 'agree' WHERE id = %d", revs[2])}
		}, outcome{2, "differs from its leaf"}},
		{"a leaf's bytes edited", func(e *env, planID int64, revs []int64) []string {
			return []string{fmt.Sprintf("UPDATE tlog_leaves SET leaf = %s WHERE ref = %d AND log_id = (SELECT id FROM tlog_logs WHERE subject = 'plan/%d')",
				sqlBytes(e, []byte("forged")), revs[4], planID)}
		}, outcome{4, "do not hash"}},
		{"a revision deleted from the middle", func(e *env, planID int64, revs []int64) []string {
			return []string{fmt.Sprintf("DELETE FROM ballot_revisions WHERE id = %d", revs[3])}
		}, outcome{3, "missing"}},
		{"rows of the current-ballot table flipped", func(e *env, planID int64, revs []int64) []string {
			return []string{fmt.Sprintf("UPDATE ballots SET plan_choice = 'agree' WHERE plan_id = %d AND plan_choice = 'disagree'", planID)}
		}, outcome{2, "current vote differs"}},
		{"the tail truncated", func(e *env, planID int64, revs []int64) []string {
			logID := fmt.Sprintf("(SELECT id FROM tlog_logs WHERE subject = 'plan/%d')", planID)
			return []string{
				fmt.Sprintf("DELETE FROM tlog_checkpoints WHERE log_id = %s AND size > 4", logID),
				fmt.Sprintf("DELETE FROM tlog_nodes WHERE log_id = %s AND (idx + 1) * (1 << level) > 4", logID),
				fmt.Sprintf("DELETE FROM tlog_leaves WHERE log_id = %s AND ref IN (%d, %d)", logID, revs[4], revs[5]),
				fmt.Sprintf("UPDATE ballots SET current_revision_id = NULL WHERE current_revision_id IN (%d, %d)", revs[4], revs[5]),
				fmt.Sprintf("DELETE FROM ballot_revisions WHERE id IN (%d, %d)", revs[4], revs[5]),
				"DELETE FROM ballots WHERE current_revision_id IS NULL",
			}
		}, outcome{-1, ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				planID, revs, held := votedPlan(t, e)
				e.tamper(c.edit(e, planID, revs)...)
				chk := e.verifyPlan(planID)
				if c.want.leaf < 0 {
					if chk.get("intact") != true {
						t.Fatalf("this rewrite is consistent; verify alone cannot see it, yet said %s", chk.body)
					}
					if err := e.consistent(planID, held); err == nil {
						t.Fatal("the checkpoint a phone held was proven consistent with the truncated log")
					}
					return
				}
				if chk.get("intact") != false || chk.get("broken_at_leaf") != c.want.leaf || !strings.Contains(chk.str("problem"), c.want.words) {
					t.Fatalf("want leaf %v named (%q), got %s", c.want.leaf, c.want.words, chk.body)
				}
			})
		})
	}
}

func sqlBytes(e *env, b []byte) string {
	if e.dialect == "postgres" {
		return "'\\x" + hex.EncodeToString(b) + "'::bytea"
	}
	return "x'" + hex.EncodeToString(b) + "'"
}

func TestTheRecordRefusesEditsAtTheDatabase(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		planID, revs, _ := votedPlan(t, e)
		for _, stmt := range []string{
			fmt.Sprintf("UPDATE ballot_revisions SET plan_choice = 'agree' WHERE id = %d", revs[2]),
			fmt.Sprintf("DELETE FROM ballot_revisions WHERE id = %d", revs[5]),
			fmt.Sprintf("DELETE FROM tlog_checkpoints WHERE log_id = (SELECT id FROM tlog_logs WHERE subject = 'plan/%d')", planID),
			"UPDATE audit_events SET actor = 'someone'",
		} {
			if err := e.app.DB.Exec(stmt).Error; err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v", stmt, err)
			}
		}
	})
}

// Chains recorded before the log existed move into it on start, in order,
// each leaf keeping the old chain hash, and the log then verifies.
func TestOldChainsMoveIntoTheLog(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		planID, revs, _ := votedPlan(t, e)
		// Back to how an earlier release left it: no log for the plan.
		logID := fmt.Sprintf("(SELECT id FROM tlog_logs WHERE subject = 'plan/%d')", planID)
		e.tamper(
			fmt.Sprintf("DELETE FROM tlog_cosignatures WHERE checkpoint_id IN (SELECT id FROM tlog_checkpoints WHERE log_id = %s)", logID),
			fmt.Sprintf("DELETE FROM tlog_checkpoints WHERE log_id = %s", logID),
			fmt.Sprintf("DELETE FROM tlog_nodes WHERE log_id = %s", logID),
			fmt.Sprintf("DELETE FROM tlog_pending WHERE log_id = %s", logID),
			fmt.Sprintf("DELETE FROM tlog_leaves WHERE log_id = %s", logID),
			fmt.Sprintf("DELETE FROM tlog_logs WHERE subject = 'plan/%d'", planID),
			// and the audit log, as if the events came from an earlier release
			"DELETE FROM tlog_cosignatures WHERE checkpoint_id IN (SELECT id FROM tlog_checkpoints WHERE log_id = (SELECT id FROM tlog_logs WHERE subject = 'audit'))",
			"DELETE FROM tlog_checkpoints WHERE log_id = (SELECT id FROM tlog_logs WHERE subject = 'audit')",
			"DELETE FROM tlog_nodes WHERE log_id = (SELECT id FROM tlog_logs WHERE subject = 'audit')",
			"DELETE FROM tlog_pending WHERE log_id = (SELECT id FROM tlog_logs WHERE subject = 'audit')",
			"DELETE FROM tlog_leaves WHERE log_id = (SELECT id FROM tlog_logs WHERE subject = 'audit')",
			"DELETE FROM tlog_logs WHERE subject = 'audit'",
		)
		restarted := startServer(t, e.dialect, e.app.Config) // the next start migrates
		restarted.staff = e.staff
		chk := restarted.verifyPlan(planID)
		if chk.get("intact") != true || chk.num("tree_size") != float64(len(revs)) {
			t.Fatalf("after the move: %s", chk.body)
		}
		var events int64
		if err := restarted.app.DB.Raw("SELECT COUNT(*) FROM audit_events").Scan(&events).Error; err != nil {
			t.Fatal(err)
		}
		if a := restarted.do("GET", "/api/v1/audit/verify", e.staff, nil).want(200); a.get("intact") != true || a.num("tree_size") != float64(events) {
			t.Fatalf("the audit log after the move (%d events): %s", events, a.body)
		}
		var leaves [][]byte
		if err := restarted.app.DB.Raw("SELECT leaf FROM tlog_leaves l JOIN tlog_logs g ON g.id = l.log_id WHERE g.subject = ? ORDER BY l.id",
			fmt.Sprintf("plan/%d", planID)).Scan(&leaves).Error; err != nil {
			t.Fatal(err)
		}
		var hashes []string
		if err := restarted.app.DB.Raw("SELECT hash FROM ballot_revisions WHERE plan_id = ? ORDER BY id", planID).Scan(&hashes).Error; err != nil {
			t.Fatal(err)
		}
		for i, l := range leaves {
			v, err := votelog.Decode(l)
			if err != nil || v.ChainHash != hashes[i] {
				t.Fatalf("leaf %d keeps chain hash %q, the revision's is %q (%v)", i, v.ChainHash, hashes[i], err)
			}
		}
	})
}

// Staff actions are leaves of one audit log; an edited or removed event is
// named by /audit/verify.
func TestTheAuditLogIsVerifiable(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		votedPlan(t, e) // registers, imports, publishes: a few dozen staff actions
		var events int64
		if err := e.app.DB.Raw("SELECT COUNT(*) FROM audit_events").Scan(&events).Error; err != nil {
			t.Fatal(err)
		}
		chk := e.do("GET", "/api/v1/audit/verify", e.staff, nil).want(200)
		if chk.get("intact") != true || chk.num("tree_size") != float64(events) || events < 5 {
			t.Fatalf("%d events; verify: %s", events, chk.body)
		}
		var third int64
		if err := e.app.DB.Raw("SELECT ref FROM tlog_leaves l JOIN tlog_nodes n ON n.leaf_id = l.id JOIN tlog_logs g ON g.id = l.log_id WHERE g.subject = 'audit' AND n.level = 0 AND n.idx = 2").
			Scan(&third).Error; err != nil || third == 0 {
			t.Fatalf("the third audit leaf: %d %v", third, err)
		}
		e.tamper(fmt.Sprintf("UPDATE audit_events SET actor = 'staff:999' WHERE id = %d", third))
		chk = e.do("GET", "/api/v1/audit/verify", e.staff, nil).want(200)
		if chk.get("intact") != false || chk.num("broken_at_leaf") != 2 || !strings.Contains(chk.str("problem"), "differs from its leaf") {
			t.Fatalf("an edited audit event: %s", chk.body)
		}
		var communityID int64
		if err := e.app.DB.Raw("SELECT id FROM communities LIMIT 1").Scan(&communityID).Error; err != nil {
			t.Fatal(err)
		}
		committee := e.createStaff("audit-committee", "committee", 0, communityID)
		e.do("GET", "/api/v1/audit/verify", committee, nil).want(403)
	})
}

// The count comes from the log: flipping rows of the ballots table changes
// neither the tally, nor the dashboard, nor what the monthly report counts.
func TestTheCountComesFromTheLog(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		planID, _, _ := votedPlan(t, e)
		var projectID int64
		if err := e.app.DB.Raw("SELECT project_id FROM plans WHERE id = ?", planID).Scan(&projectID).Error; err != nil {
			t.Fatal(err)
		}
		before := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", projectID), e.staff, nil).want(200)
		dashBefore := e.do("GET", "/api/v1/dashboard?year=2026", e.staff, nil).want(200)
		e.tamper(fmt.Sprintf("UPDATE ballots SET plan_choice = 'agree', management_choice = 'agree' WHERE plan_id = %d", planID))
		after := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", projectID), e.staff, nil).want(200)
		if before.num("plan.agree") != 4 || after.num("plan.agree") != 4 || after.num("plan.disagree") != 2 || after.get("reached") != false {
			t.Fatalf("flipped ballots moved the tally: before %v agree, after %s", before.num("plan.agree"), after.body)
		}
		dashAfter := e.do("GET", "/api/v1/dashboard?year=2026", e.staff, nil).want(200)
		if dashAfter.num("consent.reached") != dashBefore.num("consent.reached") {
			t.Fatalf("flipped ballots moved the dashboard: %v → %v", dashBefore.num("consent.reached"), dashAfter.num("consent.reached"))
		}
	})
}

// An auditor recounts a closed vote from its bundle with no server and no
// database (recount.Check is what `anju verify --bundle` runs), beside the
// preliminary notice; a changed bundle or a rewritten log is caught.
func TestAnAuditorRecountsFromTheBundle(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		planID, revs, _ := votedPlan(t, e)
		var projectID int64
		if err := e.app.DB.Raw("SELECT project_id FROM plans WHERE id = ?", planID).Scan(&projectID).Error; err != nil {
			t.Fatal(err)
		}
		e.do("GET", fmt.Sprintf("/api/v1/plans/%d/audit-bundle", planID), e.staff, nil).wantError(409, "voting_open")
		e.do("POST", fmt.Sprintf("/api/v1/projects/%d/consent/close", projectID), e.staff, nil).want(200)
		notice := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/consent/notices", projectID), e.staff, map[string]any{"kind": "preliminary"}).want(201)
		if notice.num("result.record.tree_size") != float64(len(revs)) || notice.str("result.record.root_hash") == "" {
			t.Fatalf("the notice does not pin the count: %s", notice.body)
		}
		raw := e.do("GET", fmt.Sprintf("/api/v1/plans/%d/audit-bundle", planID), e.staff, nil).want(200)
		if !strings.Contains(raw.header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("the bundle is not a download: %q", raw.header.Get("Content-Disposition"))
		}
		b, err := recount.Read(raw.body)
		if err != nil {
			t.Fatal(err)
		}
		n, err := recount.ReadNotice(notice.body)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := recount.Check(b, n)
		if err != nil || !rep.OK() || rep.Result.Plan.Agree != 4 || rep.Result.Eligible != 6 || rep.TreeSize != uint64(len(revs)) {
			t.Fatalf("recount: %+v %v", rep, err)
		}
		var out strings.Builder
		recount.Print(&out, b, rep, n)
		if !strings.Contains(out.String(), "OK: every signature verifies") || !strings.Contains(out.String(), "4/2/0") {
			t.Fatalf("printed:\n%s", out.String())
		}
		// A leaf changed in the bundle is named; so is a notice that
		// disagrees; and a bundle of a log rewritten after the notice was
		// printed does not rebuild the notice's root.
		forged, _ := recount.Read(raw.body)
		forged.Leaves[2].Leaf = []byte(strings.Replace(string(forged.Leaves[2].Leaf), "plan_choice disagree", "plan_choice agree", 1))
		if rep, _ := recount.Check(forged, n); rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), "leaf 2") {
			t.Fatalf("a forged leaf: %v", rep.Problems)
		}
		wrong := *n
		wrong.Result.Plan.Agree = 5
		if rep, _ := recount.Check(b, &wrong); rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), "plan agree 5, the recount 4") {
			t.Fatalf("a notice that disagrees: %v", rep.Problems)
		}
		rewritten, _ := recount.Read(raw.body)
		rewritten.Leaves = rewritten.Leaves[:3]
		rewritten.Checkpoints = rewritten.Checkpoints[:1]
		if rep, _ := recount.Check(rewritten, n); rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), "beyond the bundle") {
			t.Fatalf("a truncated log against the printed notice: %v", rep.Problems)
		}
		committee := e.do("GET", fmt.Sprintf("/api/v1/plans/%d/audit-bundle", planID), e.createStaff("bundle-committee", "committee", 0, communityOf(t, e, projectID)), nil)
		committee.want(403)
	})
}

func communityOf(t *testing.T, e *env, projectID int64) int64 {
	t.Helper()
	var id int64
	if err := e.app.DB.Raw("SELECT community_id FROM projects WHERE id = ?", projectID).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

// A witness (the street office) cosigns each new checkpoint once the log is
// shown to extend the one it cosigned before; the board shows who cosigned;
// after a rewrite, even one re-signed with the server's own key, the witness
// refuses and signs nothing.
func TestAWitnessCosignsAndCatchesARewrite(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			skey, vkey, err := witness.NewKey("street-office.example.cn")
			if err != nil {
				t.Fatal(err)
			}
			e := newEnv(t, d, func(c *config.Config) { c.Witnesses = []string{vkey} })
			planID, _, _ := votedPlan(t, e)
			var out strings.Builder
			opts := witness.Options{Server: e.srv.URL, Plans: []int64{planID}, SignerKey: skey,
				StatePath: filepath.Join(t.TempDir(), "witness.json"), Out: &out}
			if err := witness.Run(context.Background(), opts); err != nil {
				t.Fatalf("witness: %v\n%s", err, out.String())
			}
			cp := e.do("GET", fmt.Sprintf("/api/v1/public/plans/%d/checkpoint", planID), "", nil).want(200)
			wv, err := fnote.NewVerifierForCosignatureV1(vkey)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := log.ParseCheckpoint([]byte(cp.str("note")), cp.str("origin"), e.logVerifier(), wv); err != nil {
				t.Fatalf("the cosigned note: %v\n%s", err, cp.str("note"))
			}
			if w := cp.get("witnesses").([]any); len(w) != 1 || w[0] != "street-office.example.cn" {
				t.Fatalf("witnesses shown: %s", cp.body)
			}
			// The witness runs again on a log that did not change: it cosigns
			// the same checkpoint, its state unchanged.
			if err := witness.Run(context.Background(), opts); err != nil {
				t.Fatalf("second run: %v\n%s", err, out.String())
			}
			// A stranger's cosignature is refused.
			strangerKey, _, _ := witness.NewKey("stranger")
			signer, _ := fnote.NewSignerForCosignatureV1(strangerKey)
			body := cp.str("note")[:strings.Index(cp.str("note"), "\n\n")+1]
			forged, _ := note.Sign(&note.Note{Text: body}, signer)
			e.do("POST", fmt.Sprintf("/api/v1/public/plans/%d/cosignatures", planID), "", map[string]any{"note": string(forged)}).wantError(403, "forbidden")
			// Rewrite the whole log with the server's own key: the first vote
			// left out, the others re-integrated, two forged votes added, every
			// checkpoint signed again. The new log is longer than the one the
			// witness cosigned, and signed by the right key; only consistency
			// gives it away.
			logID := fmt.Sprintf("(SELECT id FROM tlog_logs WHERE subject = 'plan/%d')", planID)
			e.tamper(
				fmt.Sprintf("DELETE FROM tlog_cosignatures WHERE checkpoint_id IN (SELECT id FROM tlog_checkpoints WHERE log_id = %s)", logID),
				fmt.Sprintf("DELETE FROM tlog_checkpoints WHERE log_id = %s AND size > 0", logID),
				fmt.Sprintf("DELETE FROM tlog_nodes WHERE log_id = %s", logID),
				fmt.Sprintf("INSERT INTO tlog_pending (leaf_id, log_id) SELECT id, log_id FROM tlog_leaves WHERE log_id = %s AND id > (SELECT MIN(id) FROM tlog_leaves WHERE log_id = %s)", logID, logID),
			)
			var id int64
			if err := e.app.DB.Raw("SELECT id FROM tlog_logs WHERE subject = ?", fmt.Sprintf("plan/%d", planID)).Scan(&id).Error; err != nil {
				t.Fatal(err)
			}
			for i := int64(1); i <= 2; i++ {
				if err := e.app.DB.Transaction(func(tx *gorm.DB) error {
					_, err := e.app.Logs.Append(tx, id, 1_000_000+i, []byte(fmt.Sprintf("forged %d", i)))
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := e.app.Logs.Integrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			out.Reset()
			err = witness.Run(context.Background(), opts)
			if err == nil || !strings.Contains(out.String(), "REFUSED") {
				t.Fatalf("the witness cosigned a rewritten log: %v\n%s", err, out.String())
			}
			after := e.do("GET", fmt.Sprintf("/api/v1/public/plans/%d/checkpoint", planID), "", nil).want(200)
			if w := after.get("witnesses").([]any); len(w) != 0 {
				t.Fatalf("the rewritten checkpoint carries a cosignature: %s", after.body)
			}
		})
	}
}
