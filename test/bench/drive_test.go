//go:build bench

package bench_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// voter is one of the driver's goroutines: a signed-in household voting on
// its plan again and again.
type voter struct {
	planID, householdID int64
	token               string
	// bodies alternate, so that consecutive revisions differ; neither says
	// "replaces", which means "replace whatever is current": no vote is
	// refused as stale however the requests interleave.
	bodies [2][]byte
}

func newVoter(planID int64, h household) voter {
	v := voter{planID: planID, householdID: h.id, token: h.token}
	for i, choice := range [][2]string{{"agree", "agree"}, {"disagree", "abstain"}} {
		raw, err := json.Marshal(map[string]any{"plan_id": planID, "plan_choice": choice[0],
			"management_choice": choice[1], "signature": signature})
		if err != nil {
			panic(err)
		}
		v.bodies[i] = raw
	}
	return v
}

// outcome is what one run of the driver saw.
type outcome struct {
	name string
	// sent and ok count every request, the warm-up's included: the log must
	// hold one leaf per 200.
	sent, ok int
	okByPlan map[int64]int
	// badByPlan counts requests without a 200 (error answers and transport
	// failures): a request that timed out may still have been recorded.
	badByPlan map[int64]int
	voted     map[int64]bool // households that got at least one 200
	// measured counts the 200s that completed inside the measured window,
	// whose latencies give p50 and p99.
	measured int
	window   time.Duration
	// cpu is the processor time spent while the run lasted, per request
	// sent: by this process (driver and both servers) and by the rest of the
	// machine (PostgreSQL, mostly).
	cpuSelf, cpuRest time.Duration
	p50, p99         time.Duration
	firstFails       []string
	lat              []time.Duration // the measured latencies
	// cpuSelfAll and cpuRestAll are the run's processor time in all.
	cpuSelfAll, cpuRestAll time.Duration
}

func (o *outcome) perSecond() float64 { return float64(o.measured) / o.window.Seconds() }

func (o *outcome) failed() int { return o.sent - o.ok }

// drive has every voter PUT /api/v1/me/ballot on base in a loop, one
// request in flight each, for warm then measure. Only 200s that complete
// inside the measured window count towards the rate and the latencies.
func drive(name, base string, voters []voter, warm, measure time.Duration) *outcome {
	// One kept-alive connection per voter, as phones behind a proxy would
	// have; Go's default of 2 idle connections per host would redial.
	tr := &http.Transport{MaxIdleConnsPerHost: len(voters), DisableCompression: true}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	type tally struct {
		sent, ok, bad int
		lat           []time.Duration
		fails         []string
	}
	tallies := make([]tally, len(voters))
	self0, all0 := cpuTimes()
	begin := time.Now()
	from, until := begin.Add(warm), begin.Add(warm+measure)
	var wg sync.WaitGroup
	for i := range voters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, tl := &voters[i], &tallies[i]
			for n := 0; time.Now().Before(until); n++ {
				start := time.Now()
				status, body, err := put(cl, base, v, v.bodies[n%2])
				end := time.Now()
				tl.sent++
				if err == nil && status == http.StatusOK {
					tl.ok++
					if !start.Before(from) && !end.After(until) {
						tl.lat = append(tl.lat, end.Sub(start))
					}
					continue
				}
				tl.bad++
				if len(tl.fails) < 3 {
					if err != nil {
						tl.fails = append(tl.fails, err.Error())
					} else {
						tl.fails = append(tl.fails, fmt.Sprintf("%d %s", status, body))
					}
				}
			}
		}()
	}
	wg.Wait()
	self1, all1 := cpuTimes()

	o := &outcome{name: name, window: measure, okByPlan: map[int64]int{}, badByPlan: map[int64]int{}, voted: map[int64]bool{}}
	var lat []time.Duration
	for i, tl := range tallies {
		v := &voters[i]
		o.sent, o.ok = o.sent+tl.sent, o.ok+tl.ok
		o.okByPlan[v.planID] += tl.ok
		o.badByPlan[v.planID] += tl.bad
		if tl.ok > 0 {
			o.voted[v.householdID] = true
		}
		lat = append(lat, tl.lat...)
		if len(o.firstFails) < 5 {
			o.firstFails = append(o.firstFails, tl.fails...)
		}
	}
	o.cpuSelfAll, o.cpuRestAll, o.lat = self1-self0, all1-all0-(self1-self0), lat
	o.summarise()
	return o
}

// summarise computes the per-request processor time and the percentiles.
func (o *outcome) summarise() {
	if o.sent > 0 {
		o.cpuSelf = o.cpuSelfAll / time.Duration(o.sent)
		o.cpuRest = o.cpuRestAll / time.Duration(o.sent)
	}
	o.measured = len(o.lat)
	o.p50, o.p99 = percentile(o.lat, 0.50), percentile(o.lat, 0.99)
}

// merge adds up the rounds of one series into one outcome.
func merge(rounds []*outcome) *outcome {
	o := &outcome{name: rounds[0].name, okByPlan: map[int64]int{}, badByPlan: map[int64]int{}, voted: map[int64]bool{}}
	for _, r := range rounds {
		o.sent, o.ok, o.window = o.sent+r.sent, o.ok+r.ok, o.window+r.window
		o.cpuSelfAll, o.cpuRestAll = o.cpuSelfAll+r.cpuSelfAll, o.cpuRestAll+r.cpuRestAll
		o.lat = append(o.lat, r.lat...)
		for p, n := range r.okByPlan {
			o.okByPlan[p] += n
		}
		for p, n := range r.badByPlan {
			o.badByPlan[p] += n
		}
		for h := range r.voted {
			o.voted[h] = true
		}
		if len(o.firstFails) < 5 {
			o.firstFails = append(o.firstFails, r.firstFails...)
		}
	}
	o.summarise()
	return o
}

// put sends one vote and returns the status and, for anything but a 200,
// the body.
func put(cl *http.Client, base string, v *voter, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPut, base+"/api/v1/me/ballot", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+v.token)
	req.Header.Set(householdHeader, strconv.FormatInt(v.householdID, 10))
	res, err := cl.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusOK {
		// Read to the end, so the connection is kept for the next vote.
		_, err = io.Copy(io.Discard, res.Body)
		return res.StatusCode, nil, err
	}
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, raw, err
}

// percentile is the nearest-rank q-quantile of d (0 when d is empty).
func percentile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[int(math.Ceil(q*float64(len(d))))-1]
}

// Goals of the vote benchmark (issue 10): Anju's rate against the bare
// server's measured in the same run, and its p99.
const (
	goalSpread = 0.50 // 40 plans: votes of different plans share nothing but the pool
	goalSingle = 0.30 // 1 plan: every vote takes the plan's lock shared
	goalP99    = 100 * time.Millisecond
)

// printTable prints the series in pairs, bare then Anju, with Anju's ratio
// (all rounds together) and the goals beside it, then the ratio of each
// round, which shows how noisy the machine was. It prints; it does not judge
// a noisy machine.
func printTable(pairs [][2]*outcome, goals []float64, rounds [][2][]*outcome) {
	fmt.Printf("\n%-28s %9s %10s %10s %8s %15s\n", "", "votes/s", "p50", "p99", "non-200", "cpu/vote go+pg")
	row := func(o *outcome) string {
		return fmt.Sprintf("%-28s %9s %10s %10s %8d %7s+%-7s", o.name, thousands(o.perSecond()), ms(o.p50), ms(o.p99), o.failed(),
			us(o.cpuSelf), us(o.cpuRest))
	}
	for i, p := range pairs {
		bare, anju := p[0], p[1]
		fmt.Println(row(bare))
		ratio := anju.perSecond() / bare.perSecond()
		fmt.Printf("%s   ratio %.2f (goal ≥ %.2f %s, p99 goal ≤ %s %s)\n", row(anju), ratio,
			goals[i], verdict(ratio >= goals[i]), ms(goalP99), verdict(anju.p99 <= goalP99))
		var each []string
		for r := range rounds[i][0] {
			each = append(each, fmt.Sprintf("%.2f", rounds[i][1][r].perSecond()/rounds[i][0][r].perSecond()))
		}
		fmt.Printf("%-28s ratio of each round: %s\n", "", strings.Join(each, " "))
	}
	fmt.Println()
}

func verdict(met bool) string {
	if met {
		return "PASS"
	}
	return "MISS"
}

func us(d time.Duration) string { return fmt.Sprintf("%dµs", d.Microseconds()) }

// cpuTimes is the processor time used so far by this process and by the
// whole machine, read from /proc (zero where there is none).
func cpuTimes() (self, all time.Duration) {
	const tick = 10 * time.Millisecond // USER_HZ is 100 on Linux
	if raw, err := os.ReadFile("/proc/self/stat"); err == nil {
		// Fields after the command's closing parenthesis; utime and stime
		// are the 14th and 15th of the whole line.
		if i := bytes.LastIndexByte(raw, ')'); i > 0 {
			f := strings.Fields(string(raw[i+1:]))
			if len(f) > 13 {
				u, _ := strconv.ParseInt(f[11], 10, 64)
				s, _ := strconv.ParseInt(f[12], 10, 64)
				self = time.Duration(u+s) * tick
			}
		}
	}
	if raw, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(raw), "\n")
		f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal
		for i, v := range f {
			if i == 0 || i == 4 || i == 5 || i > 8 {
				continue
			}
			n, _ := strconv.ParseInt(v, 10, 64)
			all += time.Duration(n) * tick
		}
	}
	return self, all
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// thousands formats a rate with a thousands separator: 4812.3 → "4,812".
func thousands(x float64) string {
	s := strconv.FormatInt(int64(math.Round(x)), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
