package store

import (
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// Lock is a namespace of PostgreSQL advisory locks: one per kind of record,
// all kept here so that no two kinds ever share one. The key (a record id)
// goes in the low 40 bits.
type Lock int64

// The advisory lock namespaces.
const (
	// LockAudit serialises appends to the audit chain.
	LockAudit Lock = 1
	// LockPlans is held while a project's plans change.
	LockPlans Lock = 3
	// LockPlanVote is a plan's vote: every vote holds it shared (votes never
	// wait for each other), closing the vote and publishing its notices hold
	// it exclusively, so no vote commits on a plan after it was closed.
	LockPlanVote Lock = 4
	// LockAdjust serialises a district's plan adjustments of a year.
	LockAdjust Lock = 6
	// LockCriteria serialises a project's start criteria.
	LockCriteria Lock = 7
	// LockSequencer is held by the log sequencer on the log it integrates.
	LockSequencer Lock = 8
	// LockHouseholdVote orders one household's votes (the replaces check and
	// idempotency keys stay exact).
	LockHouseholdVote Lock = 9
)

func (l Lock) key(id int64) int64 { return int64(l)<<40 | id }

// Lock holds the advisory lock ns/key until the surrounding transaction ends.
// SQLite write transactions are already serialised (immediate locking), so
// there it does nothing.
func (d *DB) Lock(tx *gorm.DB, ns Lock, key int64) error {
	if !d.Postgres {
		return nil
	}
	return tx.Exec("SELECT pg_advisory_xact_lock(?)", ns.key(key)).Error
}

// LockShared holds ns/key shared until the transaction ends: holders of the
// shared lock do not wait for each other, only for an exclusive holder.
func (d *DB) LockShared(tx *gorm.DB, ns Lock, key int64) error {
	if !d.Postgres {
		return nil
	}
	return tx.Exec("SELECT pg_advisory_xact_lock_shared(?)", ns.key(key)).Error
}

// LockSharedThen holds shared/sharedKey shared and then ns/key exclusively,
// in one round trip: the locks of a vote.
func (d *DB) LockSharedThen(tx *gorm.DB, shared Lock, sharedKey int64, ns Lock, key int64) error {
	if !d.Postgres {
		return nil
	}
	return tx.Exec(lockSharedThen("?", "?"), shared.key(sharedKey), ns.key(key)).Error
}

func lockSharedThen(shared, key string) string {
	return "SELECT pg_advisory_xact_lock_shared(" + shared + "), pg_advisory_xact_lock(" + key + ")"
}

// QueueLockEach queues in a pipelined transaction's batch the locks ns/id
// of every id, shared or exclusive, in one statement. They are taken in one
// order (sorted, each once), so batches locking overlapping sets never
// deadlock.
func QueueLockEach(b *pgx.Batch, ns Lock, ids []int64, shared bool) {
	fn := "pg_advisory_xact_lock"
	if shared {
		fn = "pg_advisory_xact_lock_shared"
	}
	// unnest yields the keys in the array's order, and each is locked as
	// its row is read.
	_, keys := sortedKeys(ns, ids)
	b.Queue("SELECT count("+fn+"(k)) FROM unnest($1::bigint[]) AS k", keys)
}

// TryLockEach takes ns/id for each of ids that nobody holds, in one
// statement and in one order, and returns the ids it took (all of them on
// SQLite).
func (d *DB) TryLockEach(tx *gorm.DB, ns Lock, ids []int64) ([]int64, error) {
	if !d.Postgres || len(ids) == 0 {
		return ids, nil
	}
	distinct, keys := sortedKeys(ns, ids)
	var list strings.Builder // an array literal: gorm would spread a slice into a row
	for i, k := range keys {
		if i > 0 {
			list.WriteByte(',')
		}
		list.WriteString(strconv.FormatInt(k, 10))
	}
	var taken []int // positions in keys, from 1
	if err := tx.Raw("SELECT n FROM unnest(?::bigint[]) WITH ORDINALITY AS u(k, n) WHERE pg_try_advisory_xact_lock(k) ORDER BY n",
		"{"+list.String()+"}").Scan(&taken).Error; err != nil {
		return nil, err
	}
	got := make([]int64, len(taken))
	for i, n := range taken {
		got[i] = distinct[n-1]
	}
	return got, nil
}

// sortedKeys returns ids sorted, each once, and their lock keys in ns in
// the same order (a key sorts as its id does within one namespace).
func sortedKeys(ns Lock, ids []int64) (distinct, keys []int64) {
	distinct = slices.Clone(ids)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	keys = make([]int64, len(distinct))
	for i, id := range distinct {
		keys[i] = ns.key(id)
	}
	return distinct, keys
}

// TryLock takes ns/key if nobody holds it, and tells whether it did. On
// SQLite it always succeeds.
func (d *DB) TryLock(tx *gorm.DB, ns Lock, key int64) (bool, error) {
	if !d.Postgres {
		return true, nil
	}
	var got bool
	err := tx.Raw("SELECT pg_try_advisory_xact_lock(?)", ns.key(key)).Scan(&got).Error
	return got, err
}
