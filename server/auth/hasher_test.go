package auth

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"anju/server/limit"
)

// fast keeps the tests quick; the logic does not depend on the strength.
var fast = HashParams{Memory: 1024, Time: 1, Threads: 1}

func TestCheckFindsTheMatchAndDoesTheSameWorkEitherWay(t *testing.T) {
	a, _ := Hash("AB23CD45", fast)
	b, _ := Hash("ZZ23CD45", fast)
	h := NewHasher(64, time.Second)
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		secret string
		hashes []string
		rounds int
		want   int
		evals  int64
	}{
		{"the second of two matches", "ZZ23CD45", []string{a, b}, 2, 1, 2},
		{"nothing matches", "QQ23CD45", []string{a, b}, 2, -1, 2},
		{"no stored hash, dummies only", "AB23CD45", nil, 3, -1, 3},
		{"fewer hashes than rounds are padded with dummies", "AB23CD45", []string{a}, 3, 0, 3},
		{"rounds below the hashes given still check every hash", "ZZ23CD45", []string{a, b}, 1, 1, 2},
		{"a malformed stored hash costs a dummy and never matches", "AB23CD45", []string{"$argon2id$broken"}, 1, -1, 1},
	} {
		before := h.Evaluations()[fast]
		got, err := h.Check(ctx, c.secret, c.hashes, c.rounds, fast)
		if err != nil || got != c.want {
			t.Errorf("%s: Check = %d, %v; want %d", c.name, got, err, c.want)
		}
		if n := h.Evaluations()[fast] - before; n != c.evals {
			t.Errorf("%s: %d evaluations, want %d", c.name, n, c.evals)
		}
	}
}

func TestAnUnknownUserCostsAHashWithTheRealParameters(t *testing.T) {
	stored, _ := Hash("correct horse", fast)
	h := NewHasher(64, time.Second)
	if _, err := h.Check(context.Background(), "guess", []string{stored}, 1, fast); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Check(context.Background(), "guess", nil, 1, fast); err != nil {
		t.Fatal(err)
	}
	if got := h.Evaluations(); !reflect.DeepEqual(got, map[HashParams]int64{fast: 2}) {
		t.Fatalf("a known and an unknown user must hash alike: %v", got)
	}
}

func TestTheBudgetBoundsMemoryInUseAndRefusesWhenItStaysFull(t *testing.T) {
	// A 64 MiB budget holds one 64 MiB hash or four 16 MiB ones: prove it
	// with a gate of the same shape and a probe of what is inside.
	h := NewHasher(64, 5*time.Second)
	if h.BudgetMiB() != 64 {
		t.Fatalf("budget %d", h.BudgetMiB())
	}
	if NewHasher(8, time.Second).BudgetMiB() != 64 {
		t.Fatal("a budget must fit at least one staff password hash")
	}
	var mu sync.Mutex
	inside, peak := int64(0), int64(0)
	var wg sync.WaitGroup
	for i := range 12 {
		p := HashParams{Memory: 16 * 1024, Time: 1, Threads: 1}
		if i%3 == 0 {
			p = HashParams{Memory: 64 * 1024, Time: 1, Threads: 1}
		}
		wg.Go(func() {
			release, err := h.gate.Acquire(context.Background(), mib(p))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			inside += mib(p)
			peak = max(peak, inside)
			mu.Unlock()
			time.Sleep(2 * time.Millisecond)
			mu.Lock()
			inside -= mib(p)
			mu.Unlock()
			release()
		})
	}
	wg.Wait()
	if peak > 64 || peak < 16 {
		t.Fatalf("peak %d MiB in a 64 MiB budget", peak)
	}
	// A hasher that cannot wait refuses while the budget is taken.
	busy := NewHasher(64, 0)
	if _, err := busy.Check(context.Background(), "x", nil, 1, fast); !errors.Is(err, limit.ErrBusy) {
		t.Fatalf("want server_busy, got %v", err)
	}
	if n := busy.Evaluations()[fast]; n != 0 {
		t.Fatalf("a refused check hashed %d times", n)
	}
}

func TestVerifyAndHashAgree(t *testing.T) {
	enc, err := Hash("AB23CD45", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !Verify("AB23CD45", enc) || Verify("AB23CD46", enc) || Verify("AB23CD45", "$argon2id$v=19$m=0,t=0,p=0$$") {
		t.Fatal("Verify")
	}
	p, salt, key, ok := parsePHC(enc)
	if !ok || p != fast || len(salt) != 16 || len(key) != 32 {
		t.Fatalf("parsePHC: %v %d %d %v", p, len(salt), len(key), ok)
	}
}
