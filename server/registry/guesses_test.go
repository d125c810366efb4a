package registry

import (
	"testing"
	"time"

	"anju/server/problem"
)

var testLimits = GuessLimits{
	Source:     Limit{Attempts: 5, Window: 15 * time.Minute},
	SourceLong: Limit{Attempts: 20, Window: 24 * time.Hour},
	Household:  Limit{Attempts: 300, Window: 24 * time.Hour},
}

func TestSourceOfCountsIPv6ByItsSlash64(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.2":                      "127.0.0.2",
		"203.0.113.9":                    "203.0.113.9",
		"::ffff:203.0.113.9":             "203.0.113.9",
		"2001:db8:1:2:3:4:5:6":           "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff:ffff:ff": "2001:db8:1:2::/64",
		"fe80::1%eth0":                   "fe80::/64",
		"not an address":                 "not an address",
	} {
		if got := SourceOf(in); got != want {
			t.Errorf("SourceOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEveryGuessCountsAgainstTheHouseholdCeilingFirst(t *testing.T) {
	cs := testLimits.counters("127.0.0.2")
	if len(cs) != 3 || cs[0].kind != kindHousehold || cs[0].source != allSources || cs[0].limit != testLimits.Household {
		t.Fatalf("the household ceiling must be reserved first (one lock order, no deadlocks): %+v", cs)
	}
	for _, c := range cs[1:] {
		if c.source != "127.0.0.2" || c.limit != testLimits.of(c.kind) {
			t.Fatalf("per-address counters: %+v", cs)
		}
	}
}

func TestRefusalsNameWhoIsPaused(t *testing.T) {
	for kind, code := range map[string]string{kindHousehold: "household_locked", kindSource: "too_many_guesses", kindSourceLong: "too_many_guesses"} {
		p, ok := problem.As(refusal(kind, 90*time.Second))
		if !ok || p.Kind != problem.KindTooMany || p.Code != code || p.RetryAfter != 90*time.Second {
			t.Errorf("%s: %+v", kind, p)
		}
	}
}

func TestSummariseShowsPausesWithTheirSources(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	at := func(ago time.Duration) time.Time { return now.Add(-ago) }
	rows := []guessRow{
		// Room 301: the ceiling is reached; one address is also paused.
		{1, "301", allSources, kindHousehold, at(2 * time.Hour), 300, at(time.Minute)},
		{1, "301", "10.0.0.1", kindSourceLong, at(2 * time.Hour), 20, at(time.Hour)},
		{1, "301", "10.0.0.1", kindSource, at(time.Hour), 3, at(time.Hour)},
		{1, "301", "10.0.0.2", kindSourceLong, at(time.Hour), 5, at(time.Minute)},
		{1, "301", "10.0.0.2", kindSource, at(5 * time.Minute), 5, at(time.Minute)},
		// Room 302: wrong codes, but nobody is paused.
		{1, "302", allSources, kindHousehold, at(time.Hour), 4, at(time.Minute)},
		{1, "302", "10.0.0.3", kindSourceLong, at(time.Hour), 4, at(time.Minute)},
		{1, "302", "10.0.0.3", kindSource, at(10 * time.Minute), 4, at(time.Minute)},
		// Room 303: the pause has ended (its window is over).
		{1, "303", "10.0.0.4", kindSource, at(20 * time.Minute), 5, at(16 * time.Minute)},
		{1, "303", allSources, kindHousehold, at(25 * time.Hour), 300, at(25 * time.Hour)},
	}
	got := summarise(rows, testLimits, now)
	if len(got) != 1 {
		t.Fatalf("only room 301 is paused, got %d rooms: %+v", len(got), got)
	}
	lo := got[roomKey{1, "301"}]
	if lo == nil || lo.LockedUntil == nil || !lo.LockedUntil.Equal(at(2*time.Hour).Add(24*time.Hour)) || lo.WrongCodes != 300 {
		t.Fatalf("room 301: %+v", lo)
	}
	if len(lo.Sources) != 2 || lo.pausedSources() != 2 {
		t.Fatalf("sources: %+v", lo.Sources)
	}
	first, second := lo.Sources[0], lo.Sources[1]
	if first.Address != "10.0.0.1" || first.WrongCodes != 20 || !first.FirstAt.Equal(at(2*time.Hour)) ||
		first.PausedUntil == nil || !first.PausedUntil.Equal(at(2*time.Hour).Add(24*time.Hour)) {
		t.Errorf("the address that used its whole day, first: %+v", first)
	}
	if second.Address != "10.0.0.2" || second.WrongCodes != 5 || second.PausedUntil == nil ||
		!second.PausedUntil.Equal(at(5*time.Minute).Add(15*time.Minute)) || !second.LastAt.Equal(at(time.Minute)) {
		t.Errorf("the address paused for a quarter of an hour: %+v", second)
	}
}
