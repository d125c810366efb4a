package reports

import (
	"testing"
	"time"
)

func d(s string) *time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func newStarted(hh int, started string) Fact {
	return Fact{Kind: KindNew, Households: hh, StartedOn: d(started)}
}

func status(f Figures, code string) Milestone {
	for _, m := range f.Milestones {
		if m.Code == code {
			return m
		}
	}
	panic("no milestone " + code)
}

// The 50 % and 70 % shares are decided exactly: 3.5 of 7 needs 4, 4.9 of 7 needs 5.
func TestSharesAreExact(t *testing.T) {
	cases := []struct {
		name            string
		target, started int
		code, want      string
		required        int
	}{
		{"half of 7: 3 is not enough", 7, 3, "jun30", Missed, 4},
		{"half of 7: 4 is", 7, 4, "jun30", Met, 4},
		{"half of 10: exactly 5 is", 10, 5, "jun30", Met, 5},
		{"half of 10: 4 is not", 10, 4, "jun30", Missed, 5},
		{"all of 10 started: 9 is not", 10, 9, "oct31", Missed, 10},
		{"all of 10 started: 10 is", 10, 10, "oct31", Met, 10},
		{"more than all started", 10, 12, "oct31", Met, 10},
	}
	for _, c := range cases {
		f := Evaluate(2026, Targets{StartHouseholds: c.target}, *d("2026-12-31"), []Fact{newStarted(c.started, "2026-03-01")})
		m := status(f, c.code)
		if m.Status != c.want || m.Required != c.required || m.Actual != c.started {
			t.Errorf("%s: got %+v, want status %s required %d actual %d", c.name, m, c.want, c.required, c.started)
		}
	}
	completed := []struct {
		target, done int
		want         string
		required     int
	}{{7, 4, Missed, 5}, {7, 5, Met, 5}, {10, 6, Missed, 7}, {10, 7, Met, 7}, {15948, 11163, Missed, 11164}, {15948, 11164, Met, 11164}}
	for _, c := range completed {
		facts := []Fact{{Kind: KindNew, Households: c.done, StartedOn: d("2026-02-01"), AcceptedOn: d("2026-11-30")}}
		m := status(Evaluate(2026, Targets{StartHouseholds: c.target}, *d("2027-01-15"), facts), "dec31")
		if m.Status != c.want || m.Required != c.required || m.Actual != c.done {
			t.Errorf("70%% of %d with %d completed: got %+v, want %s (required %d)", c.target, c.done, m, c.want, c.required)
		}
	}
}

// A fact counts for a milestone only when it happened on or before the date,
// and never after the as-of day.
func TestFactsCountOnlyUpToTheDate(t *testing.T) {
	tg := Targets{StartHouseholds: 100}
	facts := []Fact{newStarted(40, "2026-06-30"), newStarted(60, "2026-07-01")}
	f := Evaluate(2026, tg, *d("2026-12-31"), facts)
	if m := status(f, "jun30"); m.Status != Missed || m.Actual != 40 {
		t.Fatalf("the July start must not count for 30 June: %+v", m)
	}
	if m := status(f, "oct31"); m.Status != Met || m.Actual != 100 {
		t.Fatalf("both count for 31 October: %+v", m)
	}
	if f.StartedHouseholds != 100 || *f.Rates.Start != 1 {
		t.Fatalf("as of 31 December all started: %+v", f)
	}
	// The last hour of 30 June (UTC) still counts for 30 June.
	late := time.Date(2026, 6, 30, 23, 59, 0, 0, time.UTC)
	f = Evaluate(2026, tg, *d("2026-12-31"), []Fact{{Kind: KindNew, Households: 50, StartedOn: &late}})
	if status(f, "jun30").Status != Met {
		t.Fatal("a start at 23:59 on 30 June counts")
	}
	// As of 1 June the July start is in the future: not counted anywhere.
	f = Evaluate(2026, tg, *d("2026-06-01"), []Fact{newStarted(30, "2026-05-31"), newStarted(70, "2026-06-02")})
	if f.StartedHouseholds != 30 || status(f, "oct31").Actual != 30 {
		t.Fatalf("facts after the as-of day count: %+v", f)
	}
}

// Before the date: met once reached, else on track or at risk by the share of
// the year elapsed since 1 January, exactly.
func TestPace(t *testing.T) {
	// 1 Jan – 30 Jun 2026 is 181 days; 31 March is day 90. Target 362: the
	// half is 181 households, and 90/181 of it is 90 households.
	tg := Targets{StartHouseholds: 362}
	asOf := *d("2026-03-31")
	for _, c := range []struct {
		started int
		want    string
	}{{89, AtRisk}, {90, OnTrack}, {180, OnTrack}, {181, Met}} {
		m := status(Evaluate(2026, tg, asOf, []Fact{newStarted(c.started, "2026-03-01")}), "jun30")
		if m.Status != c.want {
			t.Errorf("%d of 362 started on 31 March: %s, want %s", c.started, m.Status, c.want)
		}
	}
	// 31 October: 304 days; on 31 March 90/304 of 304 = 90 households.
	tg = Targets{StartHouseholds: 304}
	if m := status(Evaluate(2026, tg, asOf, []Fact{newStarted(89, "2026-01-05")}), "oct31"); m.Status != AtRisk {
		t.Errorf("oct31 89/304 on day 90: %s", m.Status)
	}
	if m := status(Evaluate(2026, tg, asOf, []Fact{newStarted(90, "2026-01-05")}), "oct31"); m.Status != OnTrack {
		t.Errorf("oct31 90/304 on day 90: %s", m.Status)
	}
	// 31 December: 365 days; on 1 July (day 182) 70 % of 1000 = 700 calls for
	// 700·182/365 = 349.04…, so 349 is behind and 350 keeps pace.
	tg = Targets{StartHouseholds: 1000}
	for _, c := range []struct {
		done int
		want string
	}{{349, AtRisk}, {350, OnTrack}} {
		facts := []Fact{{Kind: KindNew, Households: c.done, StartedOn: d("2026-01-10"), AcceptedOn: d("2026-06-20")}}
		if m := status(Evaluate(2026, tg, *d("2026-07-01"), facts), "dec31"); m.Status != c.want {
			t.Errorf("dec31 %d completed on 1 July: %s, want %s", c.done, m.Status, c.want)
		}
	}
	// On 1 January nothing is expected yet beyond 1/181 of the half.
	if m := status(Evaluate(2026, Targets{StartHouseholds: 100}, *d("2026-01-01"), nil), "jun30"); m.Status != AtRisk {
		t.Errorf("day 1 with nothing started and a target: %s", m.Status)
	}
}

func TestContinuingProjectsMustAllBeCompletedBy30June(t *testing.T) {
	tg := Targets{StartHouseholds: 10, ContinuingHouseholds: 80}
	started := newStarted(5, "2026-04-01")
	cont := func(accepted string) Fact {
		f := Fact{Kind: KindContinuing, Households: 40, StartedOn: d("2025-09-01")}
		if accepted != "" {
			f.AcceptedOn = d(accepted)
		}
		return f
	}
	cases := []struct {
		name  string
		facts []Fact
		asOf  string
		want  string
		done  int
	}{
		{"both done by 30 June", []Fact{started, cont("2026-05-01"), cont("2026-06-30")}, "2026-12-31", Met, 2},
		{"one done on 1 July", []Fact{started, cont("2026-05-01"), cont("2026-07-01")}, "2026-12-31", Missed, 1},
		{"one never done", []Fact{started, cont("2026-05-01"), cont("")}, "2026-12-31", Missed, 1},
		{"none registered with a target", []Fact{started}, "2026-12-31", Missed, 0},
		{"both done early, met before the date", []Fact{started, cont("2026-02-01"), cont("2026-03-01")}, "2026-04-01", Met, 2},
		// 1 April is day 91 of 181: 80·91/181 = 40.2 households needed by pace.
		{"half the households done on 1 April is behind pace", []Fact{started, cont("2026-02-01"), cont("")}, "2026-04-01", AtRisk, 1},
	}
	for _, c := range cases {
		f := Evaluate(2026, tg, *d(c.asOf), c.facts)
		m := status(f, "jun30")
		if m.Status != c.want || *m.ContinuingDone != c.done {
			t.Errorf("%s: %+v (continuing done %d)", c.name, m, *m.ContinuingDone)
		}
		if m.Actual != 5 {
			t.Errorf("%s: continuing households must not count as new starts: %+v", c.name, m)
		}
	}
	// Without a continuing target and without continuing projects, only the half counts.
	if m := status(Evaluate(2026, Targets{StartHouseholds: 10}, *d("2026-12-31"), []Fact{started}), "jun30"); m.Status != Met {
		t.Errorf("no continuing work: %s", m.Status)
	}
	// Continuing figures and rate as of the day.
	f := Evaluate(2026, tg, *d("2026-05-15"), []Fact{cont("2026-05-01"), cont("2026-07-01")})
	if f.Continuing != (Continuing{Households: 80, DoneHouseholds: 40, Projects: 2, DoneProjects: 1}) || *f.Rates.Continuing != 0.5 {
		t.Errorf("continuing figures: %+v, rate %v", f.Continuing, *f.Rates.Continuing)
	}
}

func TestStatusesByDate(t *testing.T) {
	tg := Targets{StartHouseholds: 100, CompleteHouseholds: 70}
	facts := []Fact{newStarted(10, "2026-02-01")}
	// On the date itself the day's facts are in and the milestone is decided.
	if m := status(Evaluate(2026, tg, *d("2026-06-30"), facts), "jun30"); m.Status != Missed {
		t.Errorf("on 30 June without the half: %s", m.Status)
	}
	if m := status(Evaluate(2026, tg, *d("2026-06-29"), facts), "jun30"); m.Status != AtRisk {
		t.Errorf("on 29 June without the half: %s", m.Status)
	}
	// Before the year: nothing to measure yet, unless already reached.
	f := Evaluate(2026, tg, *d("2025-12-20"), facts)
	for _, m := range f.Milestones {
		if m.Status != Upcoming {
			t.Errorf("%s before the year: %s", m.Code, m.Status)
		}
	}
	if m := status(Evaluate(2026, tg, *d("2025-12-20"), []Fact{newStarted(60, "2025-12-01")}), "jun30"); m.Status != Met {
		t.Errorf("already reached before the year: %s", m.Status)
	}
	// A year long past: every milestone is decided.
	f = Evaluate(2026, tg, *d("2030-01-01"), facts)
	for _, m := range f.Milestones {
		if m.Status != Missed {
			t.Errorf("%s years later: %s", m.Code, m.Status)
		}
	}
	if got := [3]string{f.Milestones[0].Date, f.Milestones[1].Date, f.Milestones[2].Date}; got != [3]string{"2026-06-30", "2026-10-31", "2026-12-31"} {
		t.Errorf("dates %v", got)
	}
}

func TestZeroTargetsAndEmptyFacts(t *testing.T) {
	f := Evaluate(2026, Targets{}, *d("2026-03-01"), nil)
	for _, m := range f.Milestones {
		if m.Status != Met || m.Required != 0 {
			t.Errorf("%s with nothing required: %+v", m.Code, m)
		}
	}
	if f.Rates.Start != nil || f.Rates.Complete != nil || f.Rates.Continuing != nil {
		t.Errorf("rates against zero targets are null: %+v", f.Rates)
	}
	f = Evaluate(2026, Targets{StartHouseholds: 50}, *d("2026-12-31"), nil)
	if status(f, "oct31").Status != Missed || *f.Rates.Start != 0 {
		t.Errorf("nothing started: %+v", f)
	}
}

func TestSummedFactsAndRates(t *testing.T) {
	facts := []Fact{
		{Kind: KindNew, Households: 300, Projects: 3, StartedOn: d("2026-03-01"), AcceptedOn: d("2026-09-01")},
		{Kind: KindNew, Households: 33, Projects: 1, StartedOn: d("2026-05-01")},
		{Kind: KindNew, Households: 70}, // not started
		{Kind: KindContinuing, Households: 20, Projects: 2, AcceptedOn: d("2026-06-01")},
	}
	f := Evaluate(2026, Targets{StartHouseholds: 999, CompleteHouseholds: 700, ContinuingHouseholds: 20}, *d("2026-10-01"), facts)
	if f.StartedHouseholds != 333 || f.CompletedHouseholds != 300 {
		t.Fatalf("figures: %+v", f)
	}
	if *f.Rates.Start != 0.3333 || *f.Rates.Complete != 0.4286 || *f.Rates.Continuing != 1 {
		t.Fatalf("rates rounded to 4 decimals: start %v complete %v continuing %v", *f.Rates.Start, *f.Rates.Complete, *f.Rates.Continuing)
	}
	if f.Continuing.Projects != 2 || f.Continuing.DoneProjects != 2 {
		t.Fatalf("summed projects: %+v", f.Continuing)
	}
	m := status(f, "jun30")
	if m.Required != 500 || m.Actual != 333 || m.Status != Missed || *m.ContinuingProjects != 2 {
		t.Fatalf("jun30: %+v", m)
	}
}
