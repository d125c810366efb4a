package api_test

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestVotesArrivingTogetherAreAnsweredEachOnItsOwn sends, all at once, the
// votes of households of three plans — on PostgreSQL they share batches —
// with, among them, a household voting twice at once, a replayed request, a
// vote on another estate's plan and a vote naming a receipt that is not
// current. Each must get its own answer, as if it had come alone: the common
// votes 200, the replay the first receipt, the others their refusal; and
// every plan's log must hold exactly the votes answered 200.
func TestVotesArrivingTogetherAreAnsweredEachOnItsOwn(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		type voter struct {
			estate int
			tok    string
		}
		var plans []int64
		var voters []voter
		for i := 0; i < 3; i++ {
			es := e.setupEstate(fmt.Sprintf("批次%d", i), 6)
			plans = append(plans, e.publishPlan(es, "方案", time.Hour))
			for _, h := range es.buildings[0].households {
				voters = append(voters, voter{estate: i, tok: e.signIn(es.buildings[0], h)})
			}
		}
		type request struct {
			v       voter
			planID  int64
			key     string
			replace any
			want    int
		}
		var reqs []request
		for n, v := range voters {
			own := plans[v.estate]
			reqs = append(reqs, request{v: v, planID: own, key: fmt.Sprintf("a-%d", n), want: 200})
			switch n % 6 {
			case 0: // a second vote at once
				reqs = append(reqs, request{v: v, planID: own, key: fmt.Sprintf("b-%d", n), want: 200})
			case 1: // another estate's plan
				reqs = append(reqs, request{v: v, planID: plans[(v.estate+1)%3], key: fmt.Sprintf("c-%d", n), want: 404})
			case 2: // a receipt that is not the current one
				reqs = append(reqs, request{v: v, planID: own, key: fmt.Sprintf("d-%d", n), replace: 99999999, want: 409})
			case 3: // the same request twice
				reqs = append(reqs, request{v: v, planID: own, key: fmt.Sprintf("a-%d", n), want: 200})
			}
		}
		receipts := make([]*resp, len(reqs))
		var start, wg sync.WaitGroup
		start.Add(1)
		for i, r := range reqs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start.Wait()
				body := map[string]any{"plan_id": r.planID, "plan_choice": "agree", "management_choice": "agree",
					"signature": signature}
				if r.replace != nil {
					body["replaces"] = r.replace
				}
				receipts[i] = e.do("PUT", "/api/v1/me/ballot", r.v.tok, body, "Idempotency-Key", r.key)
			}()
		}
		start.Done()
		wg.Wait()

		okByPlan := map[int64]int{}
		byKey := map[string]int64{}
		for i, r := range reqs {
			got := receipts[i]
			if got.status != r.want {
				t.Errorf("request %d (key %s, plan %d): %d %s, want %d", i, r.key, r.planID, got.status, got.body, r.want)
				continue
			}
			switch r.want {
			case 404:
				got.wantError(404, "plan_not_found")
			case 409:
				got.wantError(409, "stale_ballot")
			case 200:
				id := got.id("id")
				if prior, ok := byKey[r.key]; ok {
					if prior != id {
						t.Errorf("key %s answered receipts %d and %d; a replay must get the first", r.key, prior, id)
					}
					continue
				}
				byKey[r.key] = id
				okByPlan[r.planID]++
			}
		}
		if t.Failed() {
			return
		}
		for _, p := range plans {
			chk := e.do("GET", fmt.Sprintf("/api/v1/plans/%d/ballots/verify", p), e.staff, nil).want(200)
			if chk.get("intact") != true || int(chk.num("tree_size")) != okByPlan[p] {
				t.Errorf("plan %d: %d votes recorded, its log says %s", p, okByPlan[p], chk.body)
			}
		}
	})
}
