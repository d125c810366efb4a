package store_test

import (
	"context"
	"slices"
	"testing"

	"gorm.io/gorm"

	"anju/server/store"
	"anju/server/store/storetest"
)

// testLocks is a namespace no record kind uses, so that other tests' locks
// (advisory locks are the whole server's) never meet these.
const testLocks store.Lock = 60

// TryLockEach takes every free lock of the list, each once, and leaves the
// ones another transaction holds: a sequencer round skips the logs another
// instance is integrating.
func TestTryLockEachSkipsWhatAnotherHolds(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if !db.Postgres {
			got, err := db.TryLockEach(db.WithContext(ctx), testLocks, []int64{3, 1})
			if err != nil || !slices.Equal(got, []int64{3, 1}) {
				t.Fatalf("SQLite: got %v %v, want every id", got, err)
			}
			return
		}
		held := make(chan struct{})
		release := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- db.Tx(ctx, func(tx *gorm.DB) error {
				if err := db.Lock(tx, testLocks, 2); err != nil {
					return err
				}
				close(held)
				<-release
				return nil
			})
		}()
		<-held
		err := db.Tx(ctx, func(tx *gorm.DB) error {
			got, err := db.TryLockEach(tx, testLocks, []int64{3, 2, 1, 3})
			if err != nil {
				return err
			}
			if !slices.Equal(got, []int64{1, 3}) {
				t.Errorf("took %v, want [1 3]: 2 is held elsewhere, 3 is named twice", got)
			}
			return nil
		})
		close(release)
		if err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
