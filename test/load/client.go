package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// client talks JSON to the Anju API and times every request into a phase.
type client struct {
	base string
	http *http.Client
}

func newClient(base string, concurrency int, timeout time.Duration) *client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        concurrency * 2,
		MaxIdleConnsPerHost: concurrency,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   false,
	}
	return &client{base: strings.TrimRight(base, "/"), http: &http.Client{Transport: tr, Timeout: timeout}}
}

// call is one API request.
type call struct {
	method, path string
	token        string // bearer token, if any
	body         []byte // JSON body, if any
	idemKey      string // Idempotency-Key header, if any
	want         int    // expected status; 0 means any 2xx
}

// result is what came back.
type result struct {
	status int // 0 when the request failed before a response arrived
	body   []byte
	err    error
}

func (r result) decode(dst any) error {
	if err := json.Unmarshal(r.body, dst); err != nil {
		return fmt.Errorf("decode %d answer: %w (body %.200q)", r.status, err, r.body)
	}
	return nil
}

// do sends c, records its latency and outcome in ph (when not nil) and
// returns an error for a transport failure or an unexpected status.
func (cl *client) do(ph *phase, c call) (result, error) {
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, cl.base+c.path, body)
	if err != nil {
		return result{}, err
	}
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.idemKey != "" {
		req.Header.Set("Idempotency-Key", c.idemKey)
	}
	start := time.Now()
	resp, err := cl.http.Do(req)
	var res result
	if err == nil {
		res.status = resp.StatusCode
		res.body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	elapsed := time.Since(start)
	ok := err == nil && (c.want == 0 && res.status/100 == 2 || c.want != 0 && res.status == c.want)
	if ph != nil {
		ph.record(elapsed, res.status, ok)
	}
	switch {
	case err != nil:
		res.err = fmt.Errorf("%s %s: %w", c.method, c.path, err)
	case !ok:
		res.err = fmt.Errorf("%s %s: status %d: %.300s", c.method, c.path, res.status, res.body)
	}
	return res, res.err
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// phase collects the latencies and failures of one part of the run.
type phase struct {
	name, unit string // unit names the throughput: "req/s", "votes/s"

	mu        sync.Mutex
	latencies []time.Duration
	errors    map[string]int // by status code ("transport" for no answer)
	ok        int
	wall      time.Duration
}

func newPhase(name, unit string) *phase {
	return &phase{name: name, unit: unit, errors: map[string]int{}}
}

func (p *phase) record(d time.Duration, status int, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latencies = append(p.latencies, d)
	switch {
	case ok:
		p.ok++
	case status == 0:
		p.errors["transport"]++
	default:
		p.errors[strconv.Itoa(status)]++
	}
}

func (p *phase) errorCount() int {
	n := 0
	for _, c := range p.errors {
		n += c
	}
	return n
}

// errorText lists failures by status, e.g. "409×3 500×1", or "0".
func (p *phase) errorText() string {
	if len(p.errors) == 0 {
		return "0"
	}
	keys := make([]string, 0, len(p.errors))
	for k := range p.errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, p.errors[k])
	}
	return strings.Join(parts, " ")
}

// percentile is the nearest-rank percentile of sorted durations, in ms.
func percentile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	i = min(max(i, 0), len(sorted)-1)
	return float64(sorted[i].Microseconds()) / 1000
}

// runPool calls fn(0..n-1) on `concurrency` workers and records the wall time in ph.
func runPool(ph *phase, n, concurrency int, fn func(i int)) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < min(concurrency, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	ph.wall = time.Since(start)
}
