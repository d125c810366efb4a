package api_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestVoteChangesAndReplays covers the order of votes: idempotent replays,
// stale changes and claims to be first.
func TestVoteChangesAndReplays(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("次序", 2)
		planID := e.publishPlan(es, "方案", time.Hour)
		b := es.buildings[0]
		tok := e.signIn(b, b.households[0])

		first := e.do("PUT", "/api/v1/me/ballot", tok, vote(planID, "agree", "agree", nil), "Idempotency-Key", "same").want(200)
		// The same key and body again (a retry after a lost answer) returns the same receipt.
		again := e.do("PUT", "/api/v1/me/ballot", tok, vote(planID, "agree", "agree", nil), "Idempotency-Key", "same").want(200)
		if again.id("id") != first.id("id") || again.num("revision") != 1 {
			t.Fatalf("replay must return the first receipt: %s vs %s", again.body, first.body)
		}
		// The same key with another vote is refused.
		e.do("PUT", "/api/v1/me/ballot", tok, vote(planID, "disagree", "agree", nil), "Idempotency-Key", "same").
			wantError(422, "idempotency_key_reused")

		// A phone that believes it votes first, while a vote exists, is asked again.
		stale := e.do("PUT", "/api/v1/me/ballot", tok, vote(planID, "disagree", "agree", nil)).wantError(409, "stale_ballot")
		if stale.id("error.details.current.id") != first.id("id") {
			t.Fatalf("a stale vote must carry the current receipt: %s", stale.body)
		}
		second := e.do("PUT", "/api/v1/me/ballot", tok, vote(planID, "disagree", "agree", first.id("id"))).want(200)
		// A late delivery that still names the first receipt never overwrites the newer vote.
		e.do("PUT", "/api/v1/me/ballot", tok, vote(planID, "abstain", "abstain", first.id("id"))).wantError(409, "stale_ballot")
		// Without "replaces", a client simply replaces what is there.
		third := e.do("PUT", "/api/v1/me/ballot", tok, map[string]any{"plan_id": planID, "plan_choice": "agree",
			"management_choice": "abstain", "signature": signature}).want(200)
		if third.id("replaces") != second.id("id") || third.num("revision") != 3 {
			t.Fatalf("third vote: %s", third.body)
		}
		tally := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, nil).want(200)
		if tally.num("voted") != 1 || tally.num("plan.agree") != 1 || tally.num("management.abstain") != 1 {
			t.Fatalf("only the last vote counts: %s", tally.body)
		}
	})
}

// TestAVoteChecksWhoVotes: the vote reads the household its token names in
// its own first statement; a token of a household given a new code, a staff
// token, or a household of another community records nothing, on the first
// vote of a plan and on later ones (PostgreSQL's two-round-trip path).
func TestAVoteChecksWhoVotes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("核验", 2)
		other := e.setupEstate("邻区", 1)
		planID := e.publishPlan(es, "方案", time.Hour)
		b := es.buildings[0]
		h0, h1 := b.households[0], b.households[1]
		old0, old1 := e.signIn(b, h0), e.signIn(b, h1)

		// h1's code is reissued before the plan's first vote (no log yet).
		e.do("POST", fmt.Sprintf("/api/v1/households/%d/code:reissue", h1.id), e.staff, nil).want(200)
		e.do("PUT", "/api/v1/me/ballot", old1, vote(planID, "agree", "agree")).wantError(401, "session_expired")

		first := e.do("PUT", "/api/v1/me/ballot", old0, vote(planID, "agree", "agree")).want(200)
		second := e.do("PUT", "/api/v1/me/ballot", old0, vote(planID, "disagree", "agree", first.id("id"))).want(200)
		if second.id("replaces") != first.id("id") || second.num("revision") != 2 || second.id("household_id") != h0.id {
			t.Fatalf("second vote: %s", second.body)
		}
		// Now with the plan's log in place: h0's code is reissued, its old
		// token records nothing, its new sign-in votes on.
		e.do("POST", fmt.Sprintf("/api/v1/households/%d/code:reissue", h0.id), e.staff, nil).want(200)
		e.do("PUT", "/api/v1/me/ballot", old0, vote(planID, "agree", "agree")).wantError(401, "session_expired")
		e.do("PUT", "/api/v1/me/ballot", old1, vote(planID, "agree", "agree")).wantError(401, "session_expired")
		e.do("PUT", "/api/v1/me/ballot", e.staff, vote(planID, "agree", "agree")).wantError(403, "forbidden")
		ob := other.buildings[0]
		e.do("PUT", "/api/v1/me/ballot", e.signIn(ob, ob.households[0]), vote(planID, "agree", "agree")).
			wantError(404, "plan_not_found")

		tally := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, nil).want(200)
		if tally.num("voted") != 1 || tally.num("plan.disagree") != 1 || tally.num("plan.agree") != 0 {
			t.Fatalf("only h0's second vote counts: %s", tally.body)
		}
		chk := e.do("GET", fmt.Sprintf("/api/v1/plans/%d/ballots/verify", planID), e.staff, nil).want(200)
		if chk.num("tree_size") != 2 || chk.get("intact") != true {
			t.Fatalf("the log holds the two accepted votes only: %s", chk.body)
		}
	})
}

// TestConcurrentVotesLeaveOneBallot: 100 simultaneous PUTs from one household
// leave exactly one current ballot, every accepted change in the history and an
// intact hash chain.
func TestConcurrentVotesLeaveOneBallot(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("并发", 1)
		planID := e.publishPlan(es, "方案", time.Hour)
		b := es.buildings[0]
		tok := e.signIn(b, b.households[0])
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, sameKey := 0, map[int64]bool{}
		for i := 0; i < 100; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				choice := []string{"agree", "disagree", "abstain"}[i%3]
				key := fmt.Sprintf("key-%d", i)
				if i%10 == 0 {
					key, choice = "shared", "agree" // ten replays of one request
				}
				r := e.do("PUT", "/api/v1/me/ballot", tok, map[string]any{"plan_id": planID, "plan_choice": choice,
					"management_choice": "agree", "signature": signature}, "Idempotency-Key", key)
				mu.Lock()
				defer mu.Unlock()
				if r.status != 200 {
					t.Errorf("vote %d: %d %s", i, r.status, r.body)
					return
				}
				ok++
				if key == "shared" {
					sameKey[r.id("id")] = true
				}
			}(i)
		}
		wg.Wait()
		if ok != 100 || len(sameKey) != 1 {
			t.Fatalf("%d of 100 accepted; the shared key gave %d different receipts", ok, len(sameKey))
		}
		var ballots, revisions int64
		db := e.app.DB.WithContext(context.Background())
		if err := db.Table("ballots").Where("plan_id = ?", planID).Count(&ballots).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Table("ballot_revisions").Where("plan_id = ?", planID).Count(&revisions).Error; err != nil {
			t.Fatal(err)
		}
		if ballots != 1 || revisions != 91 {
			t.Fatalf("want 1 current ballot and 91 revisions (90 keys + 1 shared), got %d and %d", ballots, revisions)
		}
		chain := e.do("GET", fmt.Sprintf("/api/v1/plans/%d/ballots/verify", planID), e.staff, nil).want(200)
		if chain.get("intact") != true || chain.num("tree_size") != 91 {
			t.Fatalf("chain: %s", chain.body)
		}
		hist := e.do("GET", fmt.Sprintf("/api/v1/households/%d/ballots", b.households[0].id), e.staff, nil).want(200).items()
		for i, h := range hist {
			if h["revision"] != float64(i+1) {
				t.Fatalf("revisions must run 1..91 in order; entry %d is %v", i, h["revision"])
			}
		}
	})
}

// TestVotingWindow: before the window 409, after it 409 and read-only.
func TestVotingWindow(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("窗口", 1)
		b := es.buildings[0]
		tok := e.signIn(b, b.households[0])

		body := planBody("公示中", 48*time.Hour)
		body["voting_opens_at"] = time.Now().UTC().Add(24 * time.Hour).Format(time.RFC3339)
		id := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/plans", es.projectID), e.staff, body).want(201).id("id")
		e.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", id), e.staff, nil).want(200)
		if s := e.do("GET", "/api/v1/me/plan", tok, nil).want(200).str("voting_status"); s != "not_started" {
			t.Fatalf("voting_status %q, want not_started", s)
		}
		e.do("PUT", "/api/v1/me/ballot", tok, vote(id, "agree", "agree")).wantError(409, "voting_not_open")

		id2 := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/plans", es.projectID), e.staff, planBody("马上截止", 2*time.Second)).want(201).id("id")
		e.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", id2), e.staff, nil).want(200)
		e.do("PUT", "/api/v1/me/ballot", tok, vote(id2, "agree", "agree")).want(200)
		time.Sleep(2100 * time.Millisecond)
		if s := e.do("GET", "/api/v1/me/plan", tok, nil).want(200).str("voting_status"); s != "closed" {
			t.Fatalf("voting_status %q, want closed", s)
		}
		e.do("PUT", "/api/v1/me/ballot", tok, vote(id2, "disagree", "agree")).wantError(409, "voting_closed")
		if got := e.do("GET", "/api/v1/me/ballot", tok, nil).want(200).str("plan_choice"); got != "agree" {
			t.Fatalf("the vote cast in time must stand, got %q", got)
		}
	})
}

// TestNewVersionStartsNewVote: a published plan never changes; a new version
// supersedes it, its vote ends and the tally starts again.
func TestNewVersionStartsNewVote(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("版本", 2)
		b := es.buildings[0]
		v1 := e.publishPlan(es, "第一版", time.Hour)
		tok := e.signIn(b, b.households[0])
		e.do("PUT", "/api/v1/me/ballot", tok, vote(v1, "agree", "agree")).want(200)

		e.do("PUT", fmt.Sprintf("/api/v1/plans/%d", v1), e.staff, planBody("改一下", time.Hour)).wantError(409, "plan_published")
		e.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", v1), e.staff, nil).wantError(409, "plan_published")

		// A draft can be edited until it is published.
		v2 := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/plans", es.projectID), e.staff, planBody("第二版草稿", time.Hour)).want(201)
		if v2.num("version") != 2 || v2.str("status") != "draft" {
			t.Fatalf("new version: %s", v2.body)
		}
		edited := e.do("PUT", fmt.Sprintf("/api/v1/plans/%d", v2.id("id")), e.staff, planBody("第二版", time.Hour)).want(200)
		if edited.str("title") != "第二版" || len(edited.get("items").([]any)) != 2 {
			t.Fatalf("edited draft: %s", edited.body)
		}
		// Residents never see drafts.
		if title := e.do("GET", "/api/v1/me/plan", tok, nil).want(200).str("title"); title != "第一版" {
			t.Fatalf("residents see %q while v2 is a draft", title)
		}
		e.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", v2.id("id")), e.staff, nil).want(200)

		plans := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/plans", es.projectID), e.staff, nil).want(200).items()
		if plans[0]["status"] != "published" || plans[1]["status"] != "superseded" || plans[1]["voting_status"] != "closed" {
			t.Fatalf("versions: %v", plans)
		}
		e.do("PUT", "/api/v1/me/ballot", tok, vote(v1, "disagree", "agree")).wantError(409, "plan_not_current")
		tally := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, nil).want(200)
		if tally.id("plan_id") != v2.id("id") || tally.num("voted") != 0 {
			t.Fatalf("the tally must start again on v2: %s", tally.body)
		}
		e.do("GET", "/api/v1/me/ballot", tok, nil).wantError(404, "ballot_not_found")
		if old := e.do("GET", fmt.Sprintf("/api/v1/me/ballot?plan_id=%d", v1), tok, nil).want(200); old.str("plan_choice") != "agree" {
			t.Fatalf("the vote on v1 is kept: %s", old.body)
		}
	})
}
