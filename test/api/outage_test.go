package api_test

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// cutProxy forwards TCP to the database until it is cut: then it closes every
// connection and either refuses new ones (the server is down) or accepts and
// never answers (packets dropped on the way).
type cutProxy struct {
	t        *testing.T
	upstream string
	addr     string
	mu       sync.Mutex
	ln       net.Listener
	conns    map[net.Conn]bool
	silent   bool
}

func newCutProxy(t *testing.T, upstream string) *cutProxy {
	p := &cutProxy{t: t, upstream: upstream, conns: map[net.Conn]bool{}}
	p.listen("127.0.0.1:0")
	t.Cleanup(p.cut)
	return p
}

func (p *cutProxy) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatalf("proxy listen on %s: %v", addr, err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
}

func (p *cutProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		return false
	}
	p.conns[c] = true
	return true
}

func (p *cutProxy) serve(c net.Conn) {
	if !p.track(c) {
		_ = c.Close()
		return
	}
	p.mu.Lock()
	silent := p.silent
	p.mu.Unlock()
	if silent {
		return // held open, never answered, until cut
	}
	up, err := net.Dial("tcp", p.upstream)
	if err != nil || !p.track(up) {
		_ = c.Close()
		return
	}
	go func() { _, _ = io.Copy(up, c); _ = up.Close() }()
	_, _ = io.Copy(c, up)
	_ = c.Close()
}

// cut closes the listener and every connection.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

// restore listens again on the same address; silent makes it a black hole.
func (p *cutProxy) restore(silent bool) {
	p.mu.Lock()
	p.silent = silent
	p.mu.Unlock()
	p.listen(p.addr)
}

// TestDatabaseOutageAnswers503: while PostgreSQL cannot be reached — refused,
// or silently dropping packets — every request that needs it answers 503
// database_unavailable with Retry-After, and service resumes by itself.
func TestDatabaseOutageAnswers503(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("needs PostgreSQL (TEST_DATABASE_URL)")
	}
	direct := freshDatabase(t, "postgres")
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutProxy(t, u.Host)
	u.Host = proxy.addr
	q := u.Query()
	q.Set("connect_timeout", "1") // a black hole costs one second per request, not five
	u.RawQuery = q.Encode()
	e := startEnv(t, "postgres", testConfig(t, u.String()))
	districts := func() int {
		status, h, body := e.raw("GET", "/api/v1/districts", e.staff, "", nil)
		if status == 503 && (h.Get("Retry-After") != "5" || !jsonHasCode(body, "database_unavailable")) {
			t.Fatalf("503 without Retry-After 5 or code database_unavailable: %v %s", h, body)
		}
		return status
	}
	if s := districts(); s != 200 {
		t.Fatalf("before the cut: %d", s)
	}

	proxy.cut()
	counts := map[int]int{}
	for range 20 {
		counts[districts()]++
	}
	status, h, body := e.raw("POST", "/api/v1/districts", e.staff, "application/json", []byte(`{"name":"断线区"}`))
	counts[status]++
	if status == 503 && h.Get("Retry-After") == "" {
		t.Errorf("write while down: no Retry-After: %s", body)
	}
	if s, h, _ := e.raw("GET", "/readyz", "", "", nil); s != 503 || h.Get("Retry-After") == "" {
		t.Errorf("/readyz while down: %d, Retry-After %q", s, h.Get("Retry-After"))
	}
	if s, _, _ := e.raw("GET", "/healthz", "", "", nil); s != 200 {
		t.Errorf("/healthz while down: %d (the process is alive)", s)
	}
	t.Logf("database refused: %v", counts)
	if counts[503] != 21 {
		t.Fatalf("while the database was refused: %v, want 21 × 503", counts)
	}

	proxy.restore(true)
	start := time.Now()
	if s := districts(); s != 503 {
		t.Fatalf("black hole: %d, want 503", s)
	}
	t.Logf("database silent: 503 after %v", time.Since(start).Round(10*time.Millisecond))

	proxy.cut()
	proxy.restore(false)
	deadline := time.Now().Add(15 * time.Second)
	for districts() != 200 {
		if time.Now().After(deadline) {
			t.Fatal("the server did not recover once the database was back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.do("POST", "/api/v1/districts", e.staff, map[string]any{"name": "恢复区"}).want(201)
}

func jsonHasCode(body []byte, code string) bool {
	return strings.Contains(string(body), fmt.Sprintf(`"code":%q`, code))
}
