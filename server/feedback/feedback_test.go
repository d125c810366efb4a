package feedback

import (
	"errors"
	"testing"
	"time"

	"anju/server/problem"
)

func TestEveryStatusHasTransitionsOrIsFinal(t *testing.T) {
	for _, st := range Statuses {
		s := Status(st.Code)
		any := false
		for _, actor := range []string{ByStaff, ByHousehold, BySystem} {
			any = any || len(Allowed(s, actor)) > 0
		}
		if any != st.Open {
			t.Errorf("%s: open=%v but has transitions=%v", s, st.Open, any)
		}
		for _, actor := range []string{ByStaff, ByHousehold, BySystem} {
			for _, to := range Allowed(s, actor) {
				if !to.Known() {
					t.Errorf("%s → %s: unknown target", s, to)
				}
			}
		}
	}
}

func TestOnlyTheHouseholdConfirmsOrReopens(t *testing.T) {
	if err := CheckTransition(Resolved, Closed, ByHousehold); err != nil {
		t.Fatal(err)
	}
	if err := CheckTransition(Resolved, Reopened, ByHousehold); err != nil {
		t.Fatal(err)
	}
	if err := CheckTransition(Resolved, Closed, ByStaff); err == nil {
		t.Fatal("staff closed a complaint the household has not confirmed")
	}
	if err := CheckTransition(Resolved, Reopened, BySystem); err == nil {
		t.Fatal("the system reopened a complaint")
	}
	if err := CheckTransition(Submitted, Closed, ByHousehold); err == nil {
		t.Fatal("a household closed an unresolved complaint")
	}
}

func TestIllegalTransitionNamesTheAllowedOnes(t *testing.T) {
	err := CheckTransition(Closed, Assigned, ByStaff)
	var p *problem.Error
	if !errors.As(err, &p) || p.Code != "transition_not_allowed" {
		t.Fatalf("got %v", err)
	}
	err = CheckTransition(Submitted, InProgress, ByStaff)
	if !errors.As(err, &p) {
		t.Fatalf("got %v", err)
	}
	allowed, _ := p.Details["allowed"].([]string)
	if len(allowed) != 4 || allowed[0] != "assigned" {
		t.Fatalf("allowed = %v", allowed)
	}
}

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, China)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDeadlineCountsWorkingDaysInChina(t *testing.T) {
	cal, err := NewCalendar([]string{"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"}, []string{"2026-10-10"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-11-23 10:00", 1, "2026-11-25 00:00"}, // Monday → end of Tuesday
		{"2026-11-27 18:00", 1, "2026-12-01 00:00"}, // Friday → end of Monday
		{"2026-11-28 09:00", 1, "2026-12-01 00:00"}, // Saturday → end of Monday
		{"2026-11-23 10:00", 5, "2026-12-01 00:00"}, // Monday + 5 → end of next Monday
		{"2026-09-30 10:00", 1, "2026-10-09 00:00"}, // National Day: next working day is Thu 8 Oct
		{"2026-10-08 10:00", 2, "2026-10-11 00:00"}, // Fri 9, then make-up Saturday 10
		{"2026-11-23 23:30", 1, "2026-11-25 00:00"}, // late Monday evening China time
	}
	for _, c := range cases {
		got := cal.Deadline(day(c.from), c.n)
		if !got.Equal(day(c.want)) {
			t.Errorf("%s + %d: got %s, want %s", c.from, c.n, got.In(China), c.want)
		}
		if got.Location() != time.UTC {
			t.Errorf("deadline not in UTC")
		}
	}
	// 2026-11-23 16:30 UTC is already Tuesday 00:30 in China.
	got := cal.Deadline(time.Date(2026, 11, 23, 16, 30, 0, 0, time.UTC), 1)
	if !got.Equal(day("2026-11-26 00:00")) {
		t.Errorf("UTC evening: got %s", got.In(China))
	}
	if _, err := NewCalendar([]string{"2026-13-01"}, nil); err == nil {
		t.Error("accepted a bad date")
	}
}

func TestWarrantyPeriods(t *testing.T) {
	accepted := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		kind string
		want string
	}{
		{WarrantyLeak, "2029-06-29"},
		{WarrantyInstallation, "2026-06-29"},
		{WarrantyHeating, "2026-03-15"}, // seasons 2024/25 and 2025/26
	}
	for _, c := range cases {
		if got := WarrantyEnds(c.kind, accepted).Format(time.DateOnly); got != c.want {
			t.Errorf("%s: ends %s, want %s", c.kind, got, c.want)
		}
	}
	// Accepted during a heating season: that season does not count.
	if got := WarrantyEnds(WarrantyHeating, time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)).Format(time.DateOnly); got != "2027-03-15" {
		t.Errorf("accepted mid-season: %s", got)
	}
	// Accepted on the first day of a season: it counts.
	if got := WarrantyEnds(WarrantyHeating, time.Date(2024, 11, 15, 0, 0, 0, 0, time.UTC)).Format(time.DateOnly); got != "2026-03-15" {
		t.Errorf("accepted on 15 Nov: %s", got)
	}
	if !WithinWarranty(WarrantyInstallation, accepted, day("2026-06-29 23:00")) {
		t.Error("last day not covered")
	}
	if WithinWarranty(WarrantyInstallation, accepted, day("2026-06-30 08:00")) {
		t.Error("covered after the period")
	}
	if DefaultWarrantyKind("01") != WarrantyLeak || DefaultWarrantyKind("24") != WarrantyHeating || DefaultWarrantyKind("22") != WarrantyInstallation {
		t.Error("default kinds")
	}
}
