package registry

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"time"

	"gorm.io/gorm"

	"anju/server/problem"
)

// Limit is a number of wrong codes per window. A window starts at its first
// wrong code; once it is full, sign-in is refused until it ends.
type Limit struct {
	Attempts int
	Window   time.Duration
}

// GuessLimits bound the guessing of household codes. Counts are kept per room
// of a building (the room as typed and normalised, whether or not a household
// lives there) and client address, and per room over every address together.
type GuessLimits struct {
	// Source: one address, one room, a short window: the typo allowance.
	Source Limit
	// SourceLong: one address, one room, a long window, so that one address
	// cannot reach the household ceiling alone.
	SourceLong Limit
	// Household: every address together, one room: the ceiling against
	// guessing from many addresses. Reaching it locks the room for everyone,
	// so it is far above what one address may send.
	Household Limit
}

// Kinds of guess counters, as stored in signin_guesses.kind.
const (
	kindSource     = "source"
	kindSourceLong = "source_long"
	kindHousehold  = "household"
)

// allSources is the source of the counter over every address together.
const allSources = ""

// counter is one limit applied to one key.
type counter struct {
	kind, source string
	limit        Limit
}

// counters are the limits one guess from source counts against, in the order
// they are reserved: the household ceiling first, so that every guess for a
// room queues on the same row and concurrent transactions cannot deadlock.
func (l GuessLimits) counters(source string) []counter {
	return []counter{
		{kindHousehold, allSources, l.Household},
		{kindSourceLong, source, l.SourceLong},
		{kindSource, source, l.Source},
	}
}

func (l GuessLimits) of(kind string) Limit {
	switch kind {
	case kindHousehold:
		return l.Household
	case kindSourceLong:
		return l.SourceLong
	}
	return l.Source
}

// SourceOf is the address wrong codes are counted against: an IPv4 address as
// it is, an IPv6 address by its /64 prefix, which one subscriber usually holds
// whole (counting single IPv6 addresses would give every phone 2^64 tries).
func SourceOf(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, err := a.WithZone("").Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}

// refusal is the answer when a counter is full, retry being the time to its
// window's end. Both say that phones already signed in are not affected.
func refusal(kind string, retry time.Duration) error {
	minutes := int(math.Ceil(retry.Minutes()))
	if kind == kindHousehold {
		return problem.TooMany("household_locked", retry,
			"This room has had too many wrong codes from many places; sign-in for it is paused for %d minutes. "+
				"Phones already signed in keep working, and your community committee can lift the pause.", minutes)
	}
	return problem.TooMany("too_many_guesses", retry,
		"Too many wrong codes for this room from your network; try again in %d minutes. "+
			"Other phones are not affected, and your community committee can lift the pause.", minutes)
}

// errFull carries which counter refused inside the reservation transaction.
type errFull struct {
	kind  string
	retry time.Duration
}

func (e errFull) Error() string { return "guess counter full: " + e.kind }

// reserveSQL counts one attempt on a counter unless its window is full: a
// window that has ended starts again at this attempt. It returns a row only
// when it counted, atomically on both databases (PostgreSQL re-checks the
// condition on the row it locked), so concurrent attempts can never count
// past the limit.
const reserveSQL = `INSERT INTO signin_guesses (building_id, room, source, kind, window_start, attempts, last_at)
VALUES (?, ?, ?, ?, ?, 1, ?)
ON CONFLICT (building_id, room, source, kind) DO UPDATE SET
	attempts = CASE WHEN signin_guesses.window_start <= ? THEN 1 ELSE signin_guesses.attempts + 1 END,
	window_start = CASE WHEN signin_guesses.window_start <= ? THEN excluded.window_start ELSE signin_guesses.window_start END,
	last_at = excluded.last_at
WHERE signin_guesses.window_start <= ? OR signin_guesses.attempts < ?
RETURNING attempts`

// reserve counts one guess for room of building from source against every
// limit, all or none, before the code is hashed. A full counter refuses with
// 429 (household_locked or too_many_guesses) and counts nothing.
func (s *Service) reserve(ctx context.Context, buildingID int64, room, source string) error {
	now := s.now()
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		for _, c := range s.guesses.counters(source) {
			ended := now.Add(-c.limit.Window)
			var counted []int
			if err := tx.Raw(reserveSQL, buildingID, room, c.source, c.kind, now, now, ended, ended, ended, c.limit.Attempts).
				Scan(&counted).Error; err != nil {
				return fmt.Errorf("reserve a sign-in attempt: %w", err)
			}
			if len(counted) == 1 {
				continue
			}
			var started []time.Time
			if err := tx.Raw(`SELECT window_start FROM signin_guesses WHERE building_id = ? AND room = ? AND source = ? AND kind = ?`,
				buildingID, room, c.source, c.kind).Scan(&started).Error; err != nil {
				return err
			}
			retry := c.limit.Window
			if len(started) == 1 {
				retry = max(started[0].Add(c.limit.Window).Sub(now), time.Second)
			}
			return errFull{kind: c.kind, retry: retry}
		}
		return nil
	})
	if full, ok := errors.AsType[errFull](err); ok {
		return refusal(full.kind, full.retry)
	}
	return err
}

// refund gives back the attempt reserve counted, for a correct code (which is
// no wrong guess) or a guess that was never evaluated (the server was busy).
func (s *Service) refund(ctx context.Context, buildingID int64, room, source string) error {
	return s.db.WithContext(ctx).Exec(`UPDATE signin_guesses SET attempts = attempts - 1
		WHERE building_id = ? AND room = ? AND source IN (?, ?) AND attempts > 0`,
		buildingID, room, source, allSources).Error
}

// SweepGuesses deletes counters whose window ended more than an hour ago.
func (s *Service) SweepGuesses(ctx context.Context) error {
	now := s.now()
	for _, kind := range []string{kindSource, kindSourceLong, kindHousehold} {
		cutoff := now.Add(-s.guesses.of(kind).Window - time.Hour)
		if err := s.db.WithContext(ctx).Exec(`DELETE FROM signin_guesses WHERE kind = ? AND window_start < ?`, kind, cutoff).Error; err != nil {
			return err
		}
	}
	return nil
}

// RunSweeper sweeps old guess counters every interval until ctx ends.
func (s *Service) RunSweeper(ctx context.Context, every time.Duration, report func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.SweepGuesses(ctx); err != nil && ctx.Err() == nil {
				report(err)
			}
		}
	}
}
