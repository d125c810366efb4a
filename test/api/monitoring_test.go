package api_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// raw sends a request and returns status, headers and body, whatever the status.
func (e *env) raw(method, path, token, contentType string, body []byte) (int, http.Header, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

// metric reads one series' value from the /metrics text (0 when absent).
func metric(text, name string, labels map[string]string) float64 {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, labels[k])
	}
	series := name + "{" + strings.Join(parts, ",") + "} "
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, series); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}

var logStatus = regexp.MustCompile(`msg=request method=(\S+) path=\S+ route=(\S+) status=(\d+)`)

// TestMonitoringCountsTheStatusTheClientGot: a 401, 403, 404, 429 and 500 each
// appear under their own status in /metrics and in the request log, with the
// sign-in, lock-out, throttling and scoped-denial counters agreeing with what
// the client was answered.
func TestMonitoringCountsTheStatusTheClientGot(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			cfg := testConfig(t, freshDatabase(t, d))
			cfg.LoginRatePerMinute = 60
			e, logs := startLogged(t, d, cfg)
			e.staff = e.createStaff("admin", "city", 0, 0)
			es := e.setupEstate("监测", 2)
			b := es.buildings[0]
			hh := e.signIn(b, b.households[1])

			// The tallies of what the client was told, to compare with /metrics.
			statuses := map[string]int{} // "METHOD route status"
			lockouts, throttled := map[string]int{}, map[string]int{}
			note := func(method, route string, r *resp) *resp {
				statuses[fmt.Sprintf("%s %s %d", method, route, r.status)]++
				if r.status == 429 {
					throttled[route+" "+r.errorCode()]++
					if c := r.errorCode(); c == "household_locked" || c == "too_many_guesses" || strings.HasSuffix(c, "_locked") {
						lockouts[route+" "+c]++
					}
				}
				return r
			}
			const login, hhLogin = "/api/v1/auth/login", "/api/v1/auth/household"
			staffFails := 0
			for range 2 {
				note("POST", login, e.do("POST", login, "", map[string]any{"username": "admin", "password": "wrong-password"})).want(401)
				staffFails++
			}
			hhFails := 0
			for range 25 { // wrong codes for one room until sign-in is paused
				r := note("POST", hhLogin, e.do("POST", hhLogin, "", map[string]any{
					"building_token": b.token, "room": b.households[0].room, "code": "AAAAAAAA"}))
				if r.status == 429 {
					break
				}
				r.want(401)
				hhFails++
			}
			const consent = "/api/v1/projects/:id/consent"
			note("GET", consent, e.do("GET", "/api/v1/projects/999999/consent", e.staff, nil)).want(404)
			note("GET", consent, e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), hh, nil)).want(403)
			for range 80 { // the per-address sign-in limit, reached cheaply with bodies that fail before any hashing
				if r := note("POST", login, e.do("POST", login, "", `{`)); r.status == 429 {
					break
				}
			}
			if throttled[login+" rate_limited"] == 0 || len(lockouts) == 0 {
				t.Fatalf("no 429 provoked: throttled %v, lockouts %v", throttled, lockouts)
			}

			// A real fault: the database handle is closed under the server.
			if err := e.app.DB.Close(); err != nil {
				t.Fatal(err)
			}
			status, _, body := e.raw("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, "", nil)
			if status != 500 || !bytes.HasPrefix(body, []byte(`{"error":{"code":"internal"`)) || bytes.Count(body, []byte(`"error"`)) != 1 {
				t.Fatalf("closed database: %d %s, want one 500 envelope", status, body)
			}
			statuses["GET "+consent+" 500"]++

			_, _, text := e.raw("GET", "/metrics", "", "", nil)
			for key, n := range statuses {
				f := strings.Fields(key)
				got := metric(string(text), "anju_http_requests_total", map[string]string{"method": f[0], "route": f[1], "status": f[2]})
				if int(got) != n {
					t.Errorf("anju_http_requests_total{%s} = %v, the client got it %d times", key, got, n)
				}
			}
			for kind, n := range map[string]int{"staff": staffFails, "household": hhFails} {
				if got := metric(string(text), "anju_signin_failures_total", map[string]string{"kind": kind}); int(got) != n {
					t.Errorf("sign-in failures of %s = %v, want %d", kind, got, n)
				}
			}
			for key, n := range throttled {
				f := strings.Fields(key)
				if got := metric(string(text), "anju_http_throttled_total", map[string]string{"route": f[0], "code": f[1]}); int(got) != n {
					t.Errorf("throttled %s = %v, want %d", key, got, n)
				}
			}
			for key, n := range lockouts {
				f := strings.Fields(key)
				if got := metric(string(text), "anju_signin_lockouts_total", map[string]string{"route": f[0], "code": f[1]}); int(got) != n {
					t.Errorf("lockouts %s = %v, want %d", key, got, n)
				}
			}
			for _, st := range []string{"403", "404"} {
				if got := metric(string(text), "anju_scoped_denials_total", map[string]string{"method": "GET", "route": consent, "status": st}); got != 1 {
					t.Errorf("scoped denials %s = %v, want 1", st, got)
				}
			}

			logged := map[string]int{}
			failed := 0
			for _, line := range logs.lines() {
				if m := logStatus.FindStringSubmatch(line); m != nil {
					logged[m[1]+" "+m[2]+" "+m[3]]++
				}
				if strings.Contains(line, `msg="request failed"`) {
					failed++
				}
			}
			for key, n := range statuses {
				if logged[key] != n {
					t.Errorf("log lines for %s: %d, want %d", key, logged[key], n)
				}
			}
			if failed != 1 {
				t.Errorf("the error handler logged %d failures for one 500, want 1", failed)
			}
			for _, st := range []string{"401", "403", "404", "429", "500"} {
				for _, line := range strings.Split(string(text), "\n") {
					if strings.HasPrefix(line, "anju_http_requests_total{") && strings.Contains(line, `status="`+st+`"`) {
						t.Logf("%s", line)
					}
				}
			}
		})
	}
}

// TestRequestIDsFromClientsAreKeptOnlyWhenTheyLookLikeOne: the id goes into
// the log and into the message of a 500, so a client must not choose its text.
func TestRequestIDsFromClientsAreKeptOnlyWhenTheyLookLikeOne(t *testing.T) {
	e := newEnv(t, "sqlite", nil)
	for id, kept := range map[string]bool{"trace-0af7651916cd43dd.1": true, "x y": false, "abc\u00e9": false,
		strings.Repeat("a", 65): false, `"},{"level":"ERROR"`: false} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/healthz", nil)
		req.Header.Set("X-Request-ID", id)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		got := res.Header.Get("X-Request-ID")
		if (got == id) != kept || got == "" {
			t.Errorf("sent %q, answered with id %q (kept: %v)", id, got, kept)
		}
	}
}
