package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Pipeline is a PostgreSQL transaction whose statements travel in batches,
// one network round trip per batch: the BEGIN goes with the first batch and
// the COMMIT with the last. It is for hot paths whose cost is round trips
// (a vote); everything else uses Tx. Statements of one batch run one after
// the other, each with its own snapshot, so a batch may take a lock and then
// read what the lock protects.
type Pipeline struct {
	conn  *pgx.Conn
	begun bool
	done  bool
}

// ErrNoPipeline is returned by Pipelined on SQLite, which has no pipeline:
// callers use Tx there.
var ErrNoPipeline = errors.New("pipelined transactions need PostgreSQL")

// Pipelined runs fn in a pipelined transaction on one pooled connection.
// fn sends its batches with Send and its last with Commit; a transaction fn
// leaves open (an error, or a return without Commit) is rolled back.
func (d *DB) Pipelined(ctx context.Context, fn func(p *Pipeline) error) error {
	if !d.Postgres {
		return ErrNoPipeline
	}
	sqlDB, err := d.DB.DB()
	if err != nil {
		return err
	}
	if d.turns != nil {
		select {
		case d.turns <- struct{}{}:
			defer func() { <-d.turns }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("pipelined transactions need the pgx driver, not %T", dc)
		}
		p := &Pipeline{conn: sc.Conn()}
		defer p.abandon()
		return fn(p)
	})
}

// Send sends b and runs its queued callbacks, returning the first error.
func (p *Pipeline) Send(ctx context.Context, b *pgx.Batch) error {
	if p.done {
		return errors.New("pipeline: the transaction has ended")
	}
	if !p.begun {
		b.QueuedQueries = append([]*pgx.QueuedQuery{{SQL: "BEGIN"}}, b.QueuedQueries...)
		p.begun = true
	}
	return p.conn.SendBatch(ctx, b).Close()
}

// Commit sends b with the COMMIT after it: one round trip for the last
// statements and the commit. Nothing is committed if any statement failed.
func (p *Pipeline) Commit(ctx context.Context, b *pgx.Batch) error {
	b.Queue("COMMIT")
	if err := p.Send(ctx, b); err != nil {
		return err
	}
	p.done = true
	return nil
}

// abandon rolls back a transaction fn left open. A connection that cannot
// roll back is closed, so the pool never hands out one in a transaction.
func (p *Pipeline) abandon() {
	if p.done || !p.begun {
		return
	}
	p.done = true
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := p.conn.Exec(ctx, "ROLLBACK"); err != nil {
		_ = p.conn.Close(context.Background())
	}
}
