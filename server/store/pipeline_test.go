package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"anju/server/store"
	"anju/server/store/storetest"
)

// A pipelined transaction commits all of its batches or none, and whatever
// way it ends, the connection goes back to the pool outside a transaction.
func TestPipelinedCommitsAllOrNothing(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if !db.Postgres {
			if err := db.Pipelined(ctx, func(*store.Pipeline) error { return nil }); !errors.Is(err, store.ErrNoPipeline) {
				t.Fatalf("SQLite: got %v, want ErrNoPipeline", err)
			}
			return
		}
		// One connection: a connection handed back in a transaction would be
		// the next test's.
		sqlDB, err := db.DB.DB()
		if err != nil {
			t.Fatal(err)
		}
		sqlDB.SetMaxOpenConns(1)
		if err := db.Exec("CREATE TABLE pipe (id BIGINT PRIMARY KEY, note TEXT NOT NULL)").Error; err != nil {
			t.Fatal(err)
		}
		count := func() (n int) {
			t.Helper()
			if err := db.Raw("SELECT COUNT(*) FROM pipe").Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		// The pool's one connection is kept when a transaction is rolled back
		// (the driver would drop one left in a transaction: a reconnection
		// per failed vote).
		pid := func() (n int) {
			t.Helper()
			if err := db.Raw("SELECT pg_backend_pid()").Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		conn := pid()
		insert := func(b *pgx.Batch, id int64) { b.Queue("INSERT INTO pipe (id, note) VALUES ($1, 'x')", id) }

		// Two round trips, read between them, committed.
		var seen int
		err = db.Pipelined(ctx, func(p *store.Pipeline) error {
			b := &pgx.Batch{}
			insert(b, 1)
			b.Queue("SELECT COUNT(*) FROM pipe").QueryRow(func(row pgx.Row) error { return row.Scan(&seen) })
			if err := p.Send(ctx, b); err != nil {
				return err
			}
			b = &pgx.Batch{}
			insert(b, 2)
			return p.Commit(ctx, b)
		})
		if err != nil || seen != 1 || count() != 2 {
			t.Fatalf("committed pipeline: err %v, saw %d rows inside, %d after; want nil, 1, 2", err, seen, count())
		}

		// A failing statement in the last batch: nothing of the transaction
		// stays, the error is the statement's.
		err = db.Pipelined(ctx, func(p *store.Pipeline) error {
			b := &pgx.Batch{}
			insert(b, 3)
			if err := p.Send(ctx, b); err != nil {
				return err
			}
			b = &pgx.Batch{}
			insert(b, 4)
			insert(b, 1) // duplicate key
			return p.Commit(ctx, b)
		})
		if !store.IsUniqueViolation(err) || count() != 2 {
			t.Fatalf("failed commit: err %v and %d rows; want a unique violation and 2 rows", err, count())
		}

		if pid() != conn {
			t.Fatal("the connection was dropped after a failed commit instead of rolled back")
		}

		// Leaving without Commit rolls back.
		err = db.Pipelined(ctx, func(p *store.Pipeline) error {
			b := &pgx.Batch{}
			insert(b, 5)
			return p.Send(ctx, b)
		})
		if err != nil || count() != 2 {
			t.Fatalf("abandoned pipeline: err %v and %d rows; want nil and 2 rows", err, count())
		}

		if pid() != conn {
			t.Fatal("the connection was dropped after an abandoned transaction instead of rolled back")
		}

		// A cancelled context mid-transaction: the connection is dropped or
		// rolled back, never reused in the transaction.
		cctx, cancel := context.WithCancel(ctx)
		err = db.Pipelined(cctx, func(p *store.Pipeline) error {
			b := &pgx.Batch{}
			insert(b, 6)
			if err := p.Send(cctx, b); err != nil {
				return err
			}
			cancel()
			b = &pgx.Batch{}
			b.Queue("SELECT pg_sleep(1)")
			return p.Commit(cctx, b)
		})
		if err == nil || count() != 2 {
			t.Fatalf("cancelled pipeline: err %v and %d rows; want an error and 2 rows", err, count())
		}
		// SAVEPOINT succeeds only inside a transaction block.
		if err := db.Exec("SAVEPOINT probe").Error; err == nil {
			t.Fatal("the pooled connection is still in a transaction")
		}
	})
}
