// Command load drives a running Anju server the way a whole community votes:
// it creates its own fresh data through the API, signs every household in,
// has each one vote and change its vote, replays some requests, and then
// checks the tally and the ballot hash chain against what it sent.
//
// Usage (the server must allow many sign-ins from one address, e.g.
// ANJU_LOGIN_RATE_PER_MINUTE=1000000):
//
//	go run ./test/load -url http://127.0.0.1:8080 -username U -password P \
//	    -households 500 -concurrency 50 -changes 2 [-per-building 24] [-replay 100] [-seed 1]
//
// U/P is a city staff account (`anju admin create`). Each run makes a new
// district and community (names carry a timestamp), so runs never collide.
// Phases, each timed separately:
//
//	setup        create the N households (each returns its one-time code)
//	sign-in      POST /api/v1/auth/household for every household
//	vote         PUT /api/v1/me/ballot: one first vote (replaces: null) and
//	             -changes changes per household, each naming the previous receipt
//	replay       a sample re-sends its last vote with the same Idempotency-Key
//	             and must get the same receipt back
//
// Then it reads GET /api/v1/projects/{id}/consent and
// GET /api/v1/plans/{id}/ballots/verify as staff and checks that every household
// counts as voted, that the agree/disagree/abstain counts match each household's
// last vote, and that the plan's vote log is intact with N×(1+changes) leaves.
//
// Choices are drawn from -seed (agree 70 %, disagree 20 %, abstain 10 %), so a
// run is repeatable. Throughput counts successful requests per second of the
// phase's wall time; latency is per request, in milliseconds. The exit status
// is 1 when any request failed or any check did not hold.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

type options struct {
	url, username, password          string
	households, concurrency, changes int
	perBuilding, replay              int
	seed                             uint64
	timeout                          time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.url, "url", "http://127.0.0.1:8080", "base URL of the Anju server")
	flag.StringVar(&o.username, "username", "", "city staff username")
	flag.StringVar(&o.password, "password", "", "city staff password")
	flag.IntVar(&o.households, "households", 500, "households to create, sign in and vote")
	flag.IntVar(&o.concurrency, "concurrency", 50, "requests in flight at once")
	flag.IntVar(&o.changes, "changes", 2, "times each household changes its vote after the first")
	flag.IntVar(&o.perBuilding, "per-building", 24, "households per building")
	flag.IntVar(&o.replay, "replay", 100, "households that replay their last vote (capped at -households)")
	flag.Uint64Var(&o.seed, "seed", 1, "seed for the vote choices")
	flag.DurationVar(&o.timeout, "timeout", time.Minute, "timeout of one request")
	flag.Parse()
	if o.username == "" || o.password == "" || o.households < 1 || o.concurrency < 1 || o.changes < 0 || o.perBuilding < 1 {
		fmt.Fprintln(os.Stderr, "load: -username and -password are required; -households, -concurrency and -per-building must be positive, -changes not negative")
		flag.Usage()
		os.Exit(2)
	}
	o.replay = min(max(o.replay, 0), o.households)
	ok, err := run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

var choicesByWeight = []string{"agree", "agree", "agree", "agree", "agree", "agree", "agree", "disagree", "disagree", "abstain"}

// vote is one household's choices for one revision.
type vote struct{ plan, management string }

type ballotBody struct {
	PlanID           int64  `json:"plan_id"`
	PlanChoice       string `json:"plan_choice"`
	ManagementChoice string `json:"management_choice"`
	Signature        string `json:"signature"`
	Replaces         *int64 `json:"replaces"`
}

type receipt struct {
	ID               int64  `json:"id"`
	PlanID           int64  `json:"plan_id"`
	HouseholdID      int64  `json:"household_id"`
	Revision         int    `json:"revision"`
	PlanChoice       string `json:"plan_choice"`
	ManagementChoice string `json:"management_choice"`
	Replaces         *int64 `json:"replaces"`
}

type question struct {
	Agree    int `json:"agree"`
	Disagree int `json:"disagree"`
	Abstain  int `json:"abstain"`
}

// lastSent is a household's last successful vote request, kept for the replay.
type lastSent struct {
	body      []byte
	key       string
	receiptID int64
}

// report collects check outcomes and a few failure messages.
type report struct {
	mu       sync.Mutex
	checks   []string
	failed   bool
	messages []string
}

func (r *report) check(ok bool, format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	mark := "ok  "
	if !ok {
		mark, r.failed = "FAIL", true
	}
	r.checks = append(r.checks, mark+" "+fmt.Sprintf(format, args...))
}

// note keeps the first few failure messages for the output.
func (r *report) note(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.messages) < 5 {
		r.messages = append(r.messages, err.Error())
	}
}

func run(o options) (bool, error) {
	cl := newClient(o.url, o.concurrency, o.timeout)
	rep := &report{}
	suffix := time.Now().Format("20060102-150405.000")
	n := o.households

	staff, err := signIn(cl, o.username, o.password)
	if err != nil {
		return false, err
	}
	setupPh := newPhase("setup", "req/s")
	fx, err := setUp(cl, setupPh, staff, suffix, n, o.perBuilding, o.concurrency)
	if err != nil {
		return false, fmt.Errorf("set-up: %w", err)
	}

	// Every household's choices for every revision, drawn up front so they
	// depend on the seed only, not on scheduling.
	rng := rand.New(rand.NewPCG(o.seed, 0x616e6a75))
	plan := make([][]vote, n)
	for i := range plan {
		plan[i] = make([]vote, 1+o.changes)
		for r := range plan[i] {
			plan[i][r] = vote{choicesByWeight[rng.IntN(len(choicesByWeight))], choicesByWeight[rng.IntN(len(choicesByWeight))]}
		}
	}
	sample := rng.Perm(n)[:o.replay]
	signature := signatureDataURL()

	// Phase: sign-in.
	signPh := newPhase("sign-in", "req/s")
	runPool(signPh, n, o.concurrency, func(i int) {
		h := &fx.households[i]
		res, err := cl.do(signPh, call{method: "POST", path: "/api/v1/auth/household", want: 200,
			body: mustJSON(map[string]string{"building_token": fx.buildings[h.building].token, "room": h.room, "code": h.code})})
		if err != nil {
			rep.note(err)
			return
		}
		var out struct {
			Token     string `json:"token"`
			Household struct {
				ID int64 `json:"id"`
			} `json:"household"`
		}
		if err := res.decode(&out); err != nil || out.Household.ID != h.id {
			rep.note(fmt.Errorf("sign-in of household %d answered household %d (%v)", h.id, out.Household.ID, err))
			return
		}
		h.token = out.Token
	})

	// Phase: vote, then change the vote o.changes times.
	votePh := newPhase("vote", "votes/s")
	last := make([]*lastSent, n)
	var badReceipts atomic.Int64
	runPool(votePh, n, o.concurrency, func(i int) {
		h := &fx.households[i]
		if h.token == "" {
			return // its sign-in failed and was counted there
		}
		var prev *int64
		for r, v := range plan[i] {
			body := mustJSON(ballotBody{PlanID: fx.planID, PlanChoice: v.plan, ManagementChoice: v.management,
				Signature: signature, Replaces: prev})
			key := fmt.Sprintf("load-%s-%d-%d", suffix, h.id, r)
			res, err := cl.do(votePh, call{method: "PUT", path: "/api/v1/me/ballot", token: h.token,
				body: body, idemKey: key, want: 200})
			if err != nil {
				rep.note(err)
				return
			}
			var rc receipt
			if err := res.decode(&rc); err != nil {
				rep.note(err)
				return
			}
			if rc.PlanID != fx.planID || rc.HouseholdID != h.id || rc.Revision != r+1 ||
				rc.PlanChoice != v.plan || rc.ManagementChoice != v.management || !sameRef(rc.Replaces, prev) {
				badReceipts.Add(1)
				rep.note(fmt.Errorf("household %d revision %d: unexpected receipt %s", h.id, r+1, res.body))
			}
			id := rc.ID
			prev = &id
			last[i] = &lastSent{body: body, key: key, receiptID: rc.ID}
		}
	})
	rep.check(badReceipts.Load() == 0, "every vote receipt echoes its request (household, revision, choices, replaces): %d mismatches", badReceipts.Load())

	// Phase: idempotent replay of the last vote.
	replayPh := newPhase("replay", "req/s")
	var replayMismatch atomic.Int64
	runPool(replayPh, len(sample), o.concurrency, func(j int) {
		i := sample[j]
		h, l := &fx.households[i], last[i]
		if l == nil {
			return
		}
		res, err := cl.do(replayPh, call{method: "PUT", path: "/api/v1/me/ballot", token: h.token,
			body: l.body, idemKey: l.key, want: 200})
		if err != nil {
			rep.note(err)
			return
		}
		var rc receipt
		if err := res.decode(&rc); err != nil || rc.ID != l.receiptID {
			replayMismatch.Add(1)
			rep.note(fmt.Errorf("replay for household %d: receipt %d, first answer was %d (%v)", h.id, rc.ID, l.receiptID, err))
		}
	})
	rep.check(replayMismatch.Load() == 0, "replayed Idempotency-Key returns the same receipt id: %d of %d differ",
		replayMismatch.Load(), len(sample))

	// Final checks, as staff.
	var wantPlan, wantMgmt question
	for _, votes := range plan {
		v := votes[len(votes)-1]
		count(&wantPlan, v.plan)
		count(&wantMgmt, v.management)
	}
	tallyChecks(cl, rep, staff, fx, n, wantPlan, wantMgmt)
	revisions := n * (1 + o.changes)
	res, err := cl.do(nil, call{method: "GET", path: fmt.Sprintf("/api/v1/plans/%d/ballots/verify", fx.planID), token: staff, want: 200})
	var chain struct {
		TreeSize int    `json:"tree_size"`
		Intact   bool   `json:"intact"`
		BrokenAt *int64 `json:"broken_at_leaf"`
		Problem  string `json:"problem"`
	}
	if err == nil {
		err = res.decode(&chain)
	}
	if err != nil {
		rep.check(false, "ballots/verify: %v", err)
	} else {
		rep.check(chain.Intact, "vote log intact: %v (broken at leaf %v: %s)", chain.Intact, deref(chain.BrokenAt), chain.Problem)
		rep.check(chain.TreeSize == revisions, "vote log leaves = %d (want %d = %d × (1 + %d))", chain.TreeSize, revisions, n, o.changes)
	}

	phases := []*phase{setupPh, signPh, votePh, replayPh}
	printReport(o, fx, suffix, phases, rep)
	for _, p := range phases {
		if p.errorCount() > 0 {
			return false, nil
		}
	}
	return !rep.failed, nil
}

func tallyChecks(cl *client, rep *report, staff string, fx *fixture, n int, wantPlan, wantMgmt question) {
	res, err := cl.do(nil, call{method: "GET", path: fmt.Sprintf("/api/v1/projects/%d/consent", fx.projectID), token: staff, want: 200})
	var t struct {
		PlanID     int64    `json:"plan_id"`
		Eligible   int      `json:"eligible"`
		Voted      int      `json:"voted"`
		Plan       question `json:"plan"`
		Management question `json:"management"`
		Buildings  []struct {
			Eligible int `json:"eligible"`
			Voted    int `json:"voted"`
		} `json:"buildings"`
		NonVoters []struct{} `json:"non_voters"`
	}
	if err == nil {
		err = res.decode(&t)
	}
	if err != nil {
		rep.check(false, "consent tally: %v", err)
		return
	}
	sumE, sumV := 0, 0
	for _, b := range t.Buildings {
		sumE, sumV = sumE+b.Eligible, sumV+b.Voted
	}
	rep.check(t.PlanID == fx.planID, "tally is of plan %d (want %d)", t.PlanID, fx.planID)
	rep.check(t.Eligible == n, "tally eligible = %d (want %d)", t.Eligible, n)
	rep.check(t.Voted == n, "tally voted = %d (want %d)", t.Voted, n)
	rep.check(len(t.NonVoters) == 0, "tally non_voters = %d (want 0)", len(t.NonVoters))
	rep.check(sumE == n && sumV == n && len(t.Buildings) == len(fx.buildings),
		"per-building tallies add up: %d buildings, eligible %d, voted %d", len(t.Buildings), sumE, sumV)
	rep.check(t.Plan == wantPlan, "plan agree/disagree/abstain = %s (want %s, each household's last vote)", t.Plan, wantPlan)
	rep.check(t.Management == wantMgmt, "management agree/disagree/abstain = %s (want %s)", t.Management, wantMgmt)
}

func (q question) String() string { return fmt.Sprintf("%d/%d/%d", q.Agree, q.Disagree, q.Abstain) }

func count(q *question, choice string) {
	switch choice {
	case "agree":
		q.Agree++
	case "disagree":
		q.Disagree++
	default:
		q.Abstain++
	}
}

func sameRef(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func deref(p *int64) any {
	if p == nil {
		return "none"
	}
	return *p
}

func printReport(o options, fx *fixture, suffix string, phases []*phase, rep *report) {
	fmt.Printf("Anju load test  %s  (run %s)\n", o.url, suffix)
	fmt.Printf("households %d in %d buildings, concurrency %d, changes %d, replay %d, seed %d, generator GOMAXPROCS %d\n",
		o.households, len(fx.buildings), o.concurrency, o.changes, o.replay, o.seed, runtime.GOMAXPROCS(0))
	fmt.Printf("district %d, community %d, project %d, plan %d\n\n", fx.districtID, fx.communityID, fx.projectID, fx.planID)
	fmt.Printf("%-8s %8s %8s %16s %8s %8s %8s %8s %8s\n", "phase", "requests", "errors", "throughput", "p50 ms", "p90 ms", "p99 ms", "max ms", "wall s")
	for _, p := range phases {
		lat := slices.Clone(p.latencies)
		slices.Sort(lat)
		rate := 0.0
		if p.wall > 0 {
			rate = float64(p.ok) / p.wall.Seconds()
		}
		fmt.Printf("%-8s %8d %8d %16s %8.1f %8.1f %8.1f %8.1f %8.2f\n", p.name, len(lat), p.errorCount(),
			fmt.Sprintf("%.1f %s", rate, p.unit), percentile(lat, 0.50), percentile(lat, 0.90),
			percentile(lat, 0.99), percentile(lat, 1), p.wall.Seconds())
	}
	fmt.Print("errors by status:")
	none := true
	for _, p := range phases {
		if p.errorCount() > 0 {
			fmt.Printf("  %s %s", p.name, p.errorText())
			none = false
		}
	}
	if none {
		fmt.Print(" none")
	}
	fmt.Println()
	fmt.Println("\nchecks:")
	for _, c := range rep.checks {
		fmt.Println("  " + c)
	}
	if len(rep.messages) > 0 {
		fmt.Println("\nfirst failures:")
		for _, m := range rep.messages {
			fmt.Println("  " + m)
		}
	}
	failed := rep.failed
	for _, p := range phases {
		failed = failed || p.errorCount() > 0
	}
	if failed {
		fmt.Println("\nFAIL")
	} else {
		fmt.Println("\nPASS")
	}
}
