package votelog

import (
	"fmt"
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

// reference reckons art. 278 the slow, obvious way: group flats by owner
// first, then compare fractions as big.Rat.
func reference(roll []RollEntry, major bool) (turnout, plan, mgmt bool) {
	type owner struct {
		flats []RollEntry
	}
	owners := map[string]*owner{}
	var order []string
	total := new(big.Rat)
	for _, e := range roll {
		if owners[e.Head] == nil {
			owners[e.Head] = &owner{}
			order = append(order, e.Head)
		}
		owners[e.Head].flats = append(owners[e.Head].flats, e)
		total.Add(total, big.NewRat(e.AreaCenti, 100))
	}
	part, planArea, mgmtArea := new(big.Rat), new(big.Rat), new(big.Rat)
	partHeads, planHeads, mgmtHeads := 0, 0, 0
	for _, k := range order {
		o := owners[k]
		voted, planOK, mgmtOK := false, true, true
		for _, f := range o.flats {
			if !f.Voted {
				continue
			}
			voted = true
			area := big.NewRat(f.AreaCenti, 100)
			part.Add(part, area)
			if f.Plan == Agree {
				planArea.Add(planArea, area)
			} else {
				planOK = false
			}
			if f.Management == Agree {
				mgmtArea.Add(mgmtArea, area)
			} else {
				mgmtOK = false
			}
		}
		if voted {
			partHeads++
			if planOK {
				planHeads++
			}
			if mgmtOK {
				mgmtHeads++
			}
		}
	}
	atLeast := func(x, of *big.Rat, num, den int64) bool {
		return of.Sign() > 0 && x.Cmp(new(big.Rat).Mul(of, big.NewRat(num, den))) >= 0
	}
	moreThanHalf := func(x, of *big.Rat) bool {
		return of.Sign() > 0 && x.Cmp(new(big.Rat).Mul(of, big.NewRat(1, 2))) > 0
	}
	rat := func(n int) *big.Rat { return big.NewRat(int64(n), 1) }
	turnout = atLeast(part, total, 2, 3) && atLeast(rat(partHeads), rat(len(order)), 2, 3)
	approve := func(area *big.Rat, heads int) bool {
		if !turnout {
			return false
		}
		if major {
			return atLeast(area, part, 3, 4) && atLeast(rat(heads), rat(partHeads), 3, 4)
		}
		return moreThanHalf(area, part) && moreThanHalf(rat(heads), rat(partHeads))
	}
	return turnout, approve(planArea, planHeads), approve(mgmtArea, mgmtHeads)
}

// TestCivilCodeAgreesWithReference: thousands of random rolls, with owners of
// several flats and areas that land on the bounds.
func TestCivilCodeAgreesWithReference(t *testing.T) {
	r := rand.New(rand.NewPCG(278, 2021))
	choices := []string{Agree, Agree, Agree, Disagree, Abstain}
	for i := 0; i < 20000; i++ {
		n := 1 + r.IntN(40)
		roll := make([]RollEntry, n)
		for j := range roll {
			head := fmt.Sprintf("h%d", j)
			if r.IntN(4) == 0 {
				head = fmt.Sprintf("g%d", r.IntN(3))
			}
			area := int64(6000 + 100*r.IntN(4)) // few distinct areas: exact bounds happen often
			roll[j] = RollEntry{Head: head, AreaCenti: area, Voted: r.IntN(5) > 0,
				Plan: choices[r.IntN(len(choices))], Management: choices[r.IntN(len(choices))]}
		}
		for _, major := range []bool{true, false} {
			got := Reckon(roll, major)
			wt, wp, wm := reference(roll, major)
			if got.TurnoutReached != wt || got.PlanReached != wp || got.MgmtReached != wm {
				t.Fatalf("roll %d (major %v): got turnout %v plan %v mgmt %v, reference %v %v %v\n%+v",
					i, major, got.TurnoutReached, got.PlanReached, got.MgmtReached, wt, wp, wm, roll)
			}
		}
	}
}

func flats(n int, area int64, voted int, agree int) []RollEntry {
	out := make([]RollEntry, n)
	for i := range out {
		out[i] = RollEntry{Head: fmt.Sprintf("h%d", i), AreaCenti: area}
		if i < voted {
			out[i].Voted, out[i].Plan, out[i].Management = true, Disagree, Disagree
			if i < agree {
				out[i].Plan, out[i].Management = Agree, Agree
			}
		}
	}
	return out
}

// TestCivilCodeBounds: exactly 2/3 turnout and exactly 3/4 approval pass;
// exactly 1/2 fails the ordinary rule.
func TestCivilCodeBounds(t *testing.T) {
	cases := []struct {
		name          string
		roll          []RollEntry
		major         bool
		turnout, plan bool
	}{
		{"2/3 turnout, 3/4 approve", flats(12, 8000, 8, 6), true, true, true},
		{"just under 2/3 turnout", flats(12, 8000, 7, 7), true, false, false},
		{"just under 3/4 approve", flats(12, 8000, 8, 5), true, true, false},
		{"exactly half is not a majority", flats(12, 8000, 8, 4), false, true, false},
		{"more than half", flats(12, 8000, 8, 5), false, true, true},
		{"nobody", nil, true, false, false},
	}
	for _, c := range cases {
		got := Reckon(c.roll, c.major)
		if got.TurnoutReached != c.turnout || got.PlanReached != c.plan {
			t.Errorf("%s: turnout %v plan %v, want %v %v", c.name, got.TurnoutReached, got.PlanReached, c.turnout, c.plan)
		}
	}
	// Area and heads must both hold: one large flat agreeing is not enough by head.
	roll := []RollEntry{
		{Head: "a", AreaCenti: 90000, Voted: true, Plan: Agree, Management: Agree},
		{Head: "b", AreaCenti: 5000, Voted: true, Plan: Disagree, Management: Disagree},
		{Head: "c", AreaCenti: 5000, Voted: true, Plan: Disagree, Management: Disagree},
	}
	if got := Reckon(roll, false); got.PlanReached {
		t.Error("90 % of the area but 1 of 3 heads must not pass")
	}
	// An owner of several flats is one head, and agrees only if all its voting flats agree.
	roll = []RollEntry{
		{Head: "dev", AreaCenti: 6000, Voted: true, Plan: Agree, Management: Agree},
		{Head: "dev", AreaCenti: 6000, Voted: true, Plan: Disagree, Management: Agree},
		{Head: "x", AreaCenti: 6000, Voted: true, Plan: Agree, Management: Agree},
	}
	got := Reckon(roll, false)
	if got.Heads.Total != 2 || got.Heads.PlanAgree != 1 || got.Heads.ManagementAgree != 2 {
		t.Errorf("owner groups: %+v", got.Heads)
	}
}
