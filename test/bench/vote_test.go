//go:build bench

package bench_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"anju/server/config"
)

const (
	voterCount  = 64 // goroutines in flight
	spreadPlans = 40 // communities of 2 households, one plan each
	warmUp      = 500 * time.Millisecond
	rounds      = 5                      // turns of the four series
	settle      = 500 * time.Millisecond // pause after each turn
)

// TestVoteThroughput (make bench-vote) drives PUT /api/v1/me/ballot with 64
// households in flight against Anju and against a bare Echo + pgx server
// that only INSERTs, both started here on the same PostgreSQL, and prints
// Anju's rate as a ratio of the bare server's: on 40 plans and on one plan.
// Then it checks that every acknowledged vote is in its plan's log and the
// tally, and times the verification of a 100,000-leaf log. It fails on
// errors only, never on a missed goal: a shared machine is noisy.
func TestVoteThroughput(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Fatal("the vote benchmark needs TEST_DATABASE_URL naming a PostgreSQL database (make bench-vote sets it)")
	}
	measure := benchSeconds(t)
	a, srv := startAnju(t, freshSchema(t, base), func(cfg *config.Config) {
		cfg.LoginRatePerMinute = 1_000_000 // 144 sign-ins from one address
	})
	c := &client{t: t, base: srv.URL, staff: login(t, srv.URL, "bench-city")}

	began := time.Now()
	district := num(t, c.call("POST", "/api/v1/districts", c.staff, map[string]any{"name": "压测区"}, 201), "id")
	single := c.newCommunity(district, "千户", voterCount)
	spread := make([]*community, spreadPlans)
	for i := range spread {
		spread[i] = c.newCommunity(district, fmt.Sprintf("双户%02d", i+1), 2)
	}
	t.Logf("set up %d communities, %d households signed in, in %s", spreadPlans+1, voterCount+2*spreadPlans,
		time.Since(began).Round(100*time.Millisecond))

	// The baseline's pool is as large as Anju's, read from Anju itself.
	sqlDB, err := a.DB.DB.DB()
	if err != nil {
		t.Fatal(err)
	}
	poolSize := sqlDB.Stats().MaxOpenConnections
	bare := startBare(t, freshSchema(t, base), poolSize)

	// The 64 voters over 40 plans: plan k gets household k, then plans
	// 1–24 their second household too.
	var spreadVoters, singleVoters []voter
	for i := 0; i < voterCount; i++ {
		com := spread[i%spreadPlans]
		spreadVoters = append(spreadVoters, newVoter(com.planID, com.households[i/spreadPlans]))
		singleVoters = append(singleVoters, newVoter(single.planID, single.households[i]))
	}
	fmt.Printf("\n%d voters in flight; each series measured %s in all, in %d rounds of %s (after %s of warm-up each),\n"+
		"the four series taking turns so that a slower or faster spell of a shared machine falls on all of them;\n"+
		"both servers on PostgreSQL with a pool of %d\n", voterCount, measure, rounds, measure/rounds, warmUp, poolSize)
	series := []struct {
		name, url string
		voters    []voter
	}{
		{fmt.Sprintf("bare echo+pgx (%d plans)", spreadPlans), bare.URL, spreadVoters},
		{fmt.Sprintf("anju (%d plans)", spreadPlans), srv.URL, spreadVoters},
		{"bare echo+pgx (1 plan)", bare.URL, singleVoters},
		{"anju (1 plan)", srv.URL, singleVoters},
	}
	byRound := make([][]*outcome, len(series))
	for r := 1; r <= rounds; r++ {
		for i, sr := range series {
			stop := profileRun(t, fmt.Sprintf("%s round %d", sr.name, r))
			o := drive(sr.name, sr.url, sr.voters, warmUp, measure/rounds)
			stop()
			byRound[i] = append(byRound[i], o)
			// Let the server finish what the run left (the sequencer's last
			// batches, the pool's idle work) before the next series starts.
			time.Sleep(settle)
		}
	}
	out := make([]*outcome, len(series))
	for i := range series {
		out[i] = merge(byRound[i])
		t.Logf("%s: %d requests, %d answered 200", out[i].name, out[i].sent, out[i].ok)
	}
	printTable([][2]*outcome{{out[0], out[1]}, {out[2], out[3]}}, []float64{goalSpread, goalSingle},
		[][2][]*outcome{{byRound[0], byRound[1]}, {byRound[2], byRound[3]}})
	for _, o := range out {
		// At most 0.1 % may fail: a timeout on a busy machine is not a bug,
		// a steady trickle of errors is.
		if o.sent == 0 || o.failed()*1000 > o.sent {
			t.Errorf("%s: %d of %d requests were not answered 200; the first: %q", o.name, o.failed(), o.sent, o.firstFails)
		}
	}

	checkRecord(t, c, append(spread, single), out[1], out[3])
	timeLargeVerify(t, a)
}

// profileRun writes a CPU profile of one run into the folder
// ANJU_BENCH_PROFILES names, if it names one: go tool pprof FILE shows where
// a vote's time goes, without the set-up's sign-ins in the way.
func profileRun(t *testing.T, name string) (stop func()) {
	dir := os.Getenv("ANJU_BENCH_PROFILES")
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, strings.NewReplacer(" ", "-", "(", "", ")", "", "+", "-").Replace(name)+".pprof"))
	if err != nil {
		t.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }
}

// benchSeconds is the measured time per run: ANJU_BENCH_SECONDS, 10 by default.
func benchSeconds(t *testing.T) time.Duration {
	s := os.Getenv("ANJU_BENCH_SECONDS")
	if s == "" {
		return 10 * time.Second
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		t.Fatalf("ANJU_BENCH_SECONDS=%q: want a positive number of seconds", s)
	}
	return time.Duration(n * float64(time.Second))
}

// checkRecord asks Anju, as staff would, whether every plan's log holds
// exactly the votes it acknowledged (the plans of the two Anju runs are
// distinct) and whether the tally counts every household that voted.
func checkRecord(t *testing.T, c *client, coms []*community, runs ...*outcome) {
	okByPlan, badByPlan, voted := map[int64]int{}, map[int64]int{}, map[int64]bool{}
	for _, o := range runs {
		for p, n := range o.okByPlan {
			okByPlan[p] += n
		}
		for p, n := range o.badByPlan {
			badByPlan[p] += n
		}
		for h := range o.voted {
			voted[h] = true
		}
	}
	leaves := 0
	for _, com := range coms {
		chk := c.call("GET", fmt.Sprintf("/api/v1/plans/%d/ballots/verify", com.planID), c.staff, nil, 200)
		size, want, bad := int(num(t, chk, "tree_size")), okByPlan[com.planID], badByPlan[com.planID]
		// A request that failed on the client's side (a timeout) may still
		// have been recorded: then the log may hold up to that many more.
		if intact, _ := chk["intact"].(bool); !intact || size < want || size > want+bad || num(t, chk, "pending") != 0 {
			t.Errorf("plan %d: %d votes acknowledged (%d more unanswered), its log says %v", com.planID, want, bad, chk)
		}
		leaves += size

		tally := c.call("GET", fmt.Sprintf("/api/v1/projects/%d/consent", com.projectID), c.staff, nil, 200)
		var wantVoted, wantAbsent []int64
		for _, h := range com.households {
			if voted[h.id] {
				wantVoted = append(wantVoted, h.id)
			} else {
				wantAbsent = append(wantAbsent, h.id)
			}
		}
		var absent []int64
		nonVoters, _ := tally["non_voters"].([]any)
		for _, nv := range nonVoters {
			m, _ := nv.(map[string]any)
			absent = append(absent, num(t, m, "household_id"))
		}
		slices.Sort(absent)
		slices.Sort(wantAbsent)
		if num(t, tally, "eligible") != int64(len(com.households)) || num(t, tally, "voted") != int64(len(wantVoted)) ||
			!slices.Equal(absent, wantAbsent) {
			t.Errorf("project %d: households %v voted, %v did not; the tally says voted %v, not yet %v",
				com.projectID, wantVoted, wantAbsent, tally["voted"], absent)
		}
	}
	if t.Failed() {
		return
	}
	fmt.Printf("record: %d plans verified intact, %d leaves, each equal to the votes answered 200; every tally counts exactly the households that voted\n",
		len(coms), leaves)
}
