package consent

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestReachedAtTheEightyPercentBoundary(t *testing.T) {
	cases := []struct {
		agree, eligible int
		want            bool
	}{
		{5, 7, false}, // 80 % of 7 is 5.6
		{6, 7, true},
		{4, 5, true}, // exactly 80 % counts (以上 includes the bound)
		{3, 5, false},
		{8, 10, true},
		{7, 10, false},
		{79, 100, false},
		{80, 100, true},
		{0, 0, false}, // nobody eligible: nothing is reached
		{1, 1, true},
		{0, 1, false},
		{800, 1000, true},
		{799, 1000, false},
	}
	for _, c := range cases {
		if got := Reached(c.agree, c.eligible, 80); got != c.want {
			t.Errorf("Reached(%d of %d, 80%%) = %v, want %v", c.agree, c.eligible, got, c.want)
		}
	}
}

func TestNeededCountsTheMissingHouseholds(t *testing.T) {
	cases := []struct{ agree, eligible, want int }{
		{5, 7, 1}, {6, 7, 0}, {0, 7, 6}, {0, 10, 8}, {3, 5, 1}, {0, 0, 0}, {10, 10, 0}, {40, 72, 18},
	}
	for _, c := range cases {
		if got := Needed(c.agree, c.eligible, 80); got != c.want {
			t.Errorf("Needed(%d of %d) = %d, want %d", c.agree, c.eligible, got, c.want)
		}
	}
}

// TestRulesAgreeWithRationalArithmetic checks Reached and Needed on thousands
// of random rolls against an independent reference in big.Rat.
func TestRulesAgreeWithRationalArithmetic(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 11))
	for i := 0; i < 20000; i++ {
		eligible := r.IntN(3000)
		agree := 0
		if eligible > 0 {
			agree = r.IntN(eligible + 1)
		}
		percent := 51 + r.IntN(50)
		threshold := new(big.Rat).Mul(big.NewRat(int64(percent), 100), big.NewRat(int64(eligible), 1))
		want := eligible > 0 && big.NewRat(int64(agree), 1).Cmp(threshold) >= 0
		if got := Reached(agree, eligible, percent); got != want {
			t.Fatalf("Reached(%d, %d, %d) = %v, reference %v", agree, eligible, percent, got, want)
		}
		n := Needed(agree, eligible, percent)
		if eligible > 0 {
			if !Reached(agree+n, eligible, percent) || (n > 0 && Reached(agree+n-1, eligible, percent)) {
				t.Fatalf("Needed(%d, %d, %d) = %d is not the smallest sufficient number", agree, eligible, percent, n)
			}
		}
	}
}

func TestTallyRateIsForDisplayOnly(t *testing.T) {
	q := Tally(Counts{Agree: 5, Disagree: 1, Abstain: 1}, 7, 80)
	if q.Reached || q.Needed != 1 || q.Rate != 0.7143 {
		t.Fatalf("5 of 7: got %+v", q)
	}
	// 2/3 rounds to 0.6667 but the decision is exact.
	q = Tally(Counts{Agree: 2}, 3, 67)
	if q.Reached || q.Rate != 0.6667 {
		t.Fatalf("2 of 3 at 67%%: got %+v", q)
	}
}
