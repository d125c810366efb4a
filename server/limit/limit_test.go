package limit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"anju/server/problem"
)

func TestGateNeverAdmitsMoreThanItsSize(t *testing.T) {
	g := NewGate(3, 5*time.Second)
	var inside, peak atomic.Int64
	var wg sync.WaitGroup
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := g.Do(context.Background(), 1, func() error {
				n := inside.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(time.Millisecond)
				inside.Add(-1)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if p := peak.Load(); p > 3 || p < 1 {
		t.Fatalf("peak inside the gate = %d, want 1..3", p)
	}
}

func TestGateRefusesWithA503WhenTheWaitRunsOut(t *testing.T) {
	g := NewGate(1, 20*time.Millisecond)
	release, err := g.Acquire(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	_, err = g.Acquire(context.Background(), 1)
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.KindUnavailable || p.RetryAfter <= 0 {
		t.Fatalf("second acquire: %v, want an unavailable problem with a retry time", err)
	}
}

func TestGateClampsALargeRequestToItsSize(t *testing.T) {
	g := NewGate(4, time.Second)
	release, err := g.Acquire(context.Background(), 100)
	if err != nil {
		t.Fatalf("a request larger than the gate must still run alone: %v", err)
	}
	release()
}

func TestGateGivesBackTheCallersCancellation(t *testing.T) {
	g := NewGate(1, time.Minute)
	release, _ := g.Acquire(context.Background(), 1)
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Acquire(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}
