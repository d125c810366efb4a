package consent

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"anju/server/store"
)

func TestBackoffDoublesUpToTheCapAndStartsOverAfterSuccess(t *testing.T) {
	b := newBackoff(time.Second, 30*time.Second)
	var got []time.Duration
	for range 7 {
		got = append(got, b.failed())
	}
	want := []time.Duration{1, 2, 4, 8, 16, 30, 30}
	for i := range want {
		if got[i] != want[i]*time.Second {
			t.Fatalf("waits %v, want %v seconds", got, want)
		}
	}
	b.succeeded()
	if w := b.failed(); w != time.Second {
		t.Fatalf("after a success the first wait is %v, want 1s", w)
	}
	if w := b.failed(); w != 2*time.Second {
		t.Fatalf("and the second %v, want 2s", w)
	}
}

func TestFanOutAllSignalsEveryStreamOnce(t *testing.T) {
	e := NewEvents(&store.DB{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	a, cancelA := e.Subscribe(1)
	b, cancelB := e.Subscribe(2)
	c, cancelC := e.Subscribe(2)
	defer cancelA()
	defer cancelB()
	cancelC()
	e.fanOutAll()
	e.fanOutAll() // coalesced: one waiting signal is enough
	for name, ch := range map[string]<-chan struct{}{"project 1": a, "project 2": b} {
		select {
		case <-ch:
		default:
			t.Fatalf("%s got no signal", name)
		}
		select {
		case <-ch:
			t.Fatalf("%s got two signals", name)
		default:
		}
	}
	select {
	case <-c:
		t.Fatal("a cancelled subscription got a signal")
	default:
	}
}

// listener starts Events.Listen on the shared PostgreSQL under a unique
// application_name (so the test finds its own backend among other helpers'),
// through dsn's host or the given address.
type listener struct {
	e         *Events
	name      string
	listening chan struct{}
	mu        sync.Mutex
	waits     []time.Duration
	inGap     func()
}

func startListener(t *testing.T, via string, health time.Duration) *listener {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	db, err := store.Open(base, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	raw := make([]byte, 6)
	_, _ = rand.Read(raw)
	l := &listener{e: NewEvents(db, slog.New(slog.NewTextHandler(io.Discard, nil))),
		name: "anju-test-" + hex.EncodeToString(raw), listening: make(chan struct{}, 16)}
	l.e.health = health
	l.e.onListen = func() { l.listening <- struct{}{} }
	l.e.onRetry = func(wait time.Duration) {
		l.mu.Lock()
		l.waits = append(l.waits, wait)
		gap := l.inGap
		l.mu.Unlock()
		if gap != nil {
			gap()
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	if via != "" {
		u.Host = via
	}
	q := u.Query()
	q.Set("application_name", l.name)
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.e.Listen(ctx, u.String()); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	l.await(t, "listening")
	return l
}

func (l *listener) await(t *testing.T, what string) {
	t.Helper()
	select {
	case <-l.listening:
	case <-time.After(30 * time.Second):
		t.Fatalf("the listener is not %s after 30 s", what)
	}
}

func (l *listener) retries() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Duration(nil), l.waits...)
}

// project returns an id no other test's NOTIFY on the shared server names.
func project() int64 {
	n, _ := rand.Int(rand.Reader, big.NewInt(1<<40))
	return 1<<50 + n.Int64()
}

func drain(ch <-chan struct{}) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

func signalled(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("no signal %s within 30 s", what)
	}
}

// TestListenerRereadsAfterReconnect kills the listener's backend three times
// (pg_terminate_backend, as a PostgreSQL restart does); each time a vote is
// announced while it is down, which no NOTIFY can deliver. Every open stream
// must still be told to re-read once the listener is back, and the wait
// before reconnecting must start over after each success.
func TestListenerRereadsAfterReconnect(t *testing.T) {
	l := startListener(t, "", 30*time.Second)
	id := project()
	ch, cancel := l.e.Subscribe(id)
	defer cancel()
	drain(ch)
	l.e.Changed(context.Background(), id)
	signalled(t, ch, "for a NOTIFY while connected")

	l.mu.Lock()
	l.inGap = func() {
		// The listener's connection is closed now: this NOTIFY reaches nobody.
		drain(ch)
		l.e.Changed(context.Background(), id)
	}
	l.mu.Unlock()
	for i := range 3 {
		var killed int
		err := l.e.db.Raw("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?", l.name).Scan(&killed).Error
		if err != nil || killed != 1 {
			t.Fatalf("terminate the listener's backend (round %d): %d killed, %v", i+1, killed, err)
		}
		l.await(t, "listening again")
		signalled(t, ch, "after the reconnect")
	}
	if w := l.retries(); len(w) != 3 || w[0] != time.Second || w[1] != time.Second || w[2] != time.Second {
		t.Fatalf("waits before reconnecting %v, want 1s each time (the backoff starts over after a success)", w)
	}
}

// TestListenerReplacesASilentlyDeadConnection: when the path to PostgreSQL
// stops carrying bytes without closing (a firewall dropping an idle flow),
// the health check notices and the listener reconnects.
func TestListenerReplacesASilentlyDeadConnection(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	u, _ := url.Parse(base)
	p := newFreezer(t, u.Host)
	l := startListener(t, p.addr, 300*time.Millisecond)
	id := project()
	ch, cancel := l.e.Subscribe(id)
	defer cancel()
	time.Sleep(time.Second) // several quiet health checks pass
	if w := l.retries(); len(w) != 0 {
		t.Fatalf("a healthy idle connection was replaced: waits %v", w)
	}
	drain(ch)
	l.e.Changed(context.Background(), id)
	signalled(t, ch, "for a NOTIFY on an idle, checked connection")

	p.freeze()
	l.await(t, "listening again after the connection went silent")
	if w := l.retries(); len(w) != 1 {
		t.Fatalf("waits %v, want one reconnection", w)
	}
	drain(ch)
	l.e.Changed(context.Background(), id)
	signalled(t, ch, "for a NOTIFY on the new connection")
}

// freezer is a TCP proxy whose open connections can be made to stop carrying
// bytes without closing; connections made afterwards pass.
type freezer struct {
	addr  string
	mu    sync.Mutex
	open  []net.Conn
	flags []*atomic.Bool // silenced flags of the connections not yet frozen
}

func newFreezer(t *testing.T, target string) *freezer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &freezer{addr: ln.Addr().String()}
	t.Cleanup(func() {
		_ = ln.Close()
		f.mu.Lock()
		for _, c := range f.open {
			_ = c.Close()
		}
		f.mu.Unlock()
	})
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				_ = in.Close()
				continue
			}
			silenced := new(atomic.Bool)
			f.mu.Lock()
			f.open = append(f.open, in, out)
			f.flags = append(f.flags, silenced)
			f.mu.Unlock()
			go pipe(in, out, silenced)
			go pipe(out, in, silenced)
		}
	}()
	return f
}

// freeze silences every connection open now.
func (f *freezer) freeze() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.flags {
		s.Store(true)
	}
	f.flags = nil
}

// pipe copies src to dst until either closes; once silenced it swallows
// what it reads, so neither side sees data or a close.
func pipe(dst, src net.Conn, silenced *atomic.Bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			if !silenced.Load() {
				_ = dst.Close()
			}
			return
		}
		if silenced.Load() {
			continue
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return
		}
	}
}
