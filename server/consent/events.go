package consent

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"anju/server/store"
)

// channel is the PostgreSQL NOTIFY channel of tally changes.
const channel = "anju_consent"

// Events tells live tallies that a project's votes changed. In one process it
// fans out directly; with PostgreSQL every instance LISTENs and each change is
// NOTIFYed, so a vote taken by any instance reaches every open tally.
type Events struct {
	db   *store.DB
	log  *slog.Logger
	mu   sync.Mutex
	subs map[int64]map[chan struct{}]struct{}
}

// NewEvents returns the change broker. For PostgreSQL, Listen must run too.
func NewEvents(db *store.DB, log *slog.Logger) *Events {
	return &Events{db: db, log: log, subs: map[int64]map[chan struct{}]struct{}{}}
}

// Subscribe returns a channel that receives a signal after each change to the
// project's votes (changes close together may arrive as one), and a cancel.
func (e *Events) Subscribe(projectID int64) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	e.mu.Lock()
	if e.subs[projectID] == nil {
		e.subs[projectID] = map[chan struct{}]struct{}{}
	}
	e.subs[projectID][ch] = struct{}{}
	e.mu.Unlock()
	return ch, func() {
		e.mu.Lock()
		delete(e.subs[projectID], ch)
		if len(e.subs[projectID]) == 0 {
			delete(e.subs, projectID)
		}
		e.mu.Unlock()
	}
}

// Changed announces a committed change to a project's votes.
func (e *Events) Changed(ctx context.Context, projectID int64) {
	if e.db.Postgres {
		err := e.db.WithContext(ctx).Exec("SELECT pg_notify(?, ?)", channel, strconv.FormatInt(projectID, 10)).Error
		if err == nil {
			return
		}
		e.log.Warn("notify tally change", "err", err)
	}
	e.fanOut(projectID)
}

func (e *Events) fanOut(projectID int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for ch := range e.subs[projectID] {
		select {
		case ch <- struct{}{}:
		default: // a signal is already waiting; one is enough
		}
	}
}

// Listen receives the NOTIFYs of every instance until ctx ends, reconnecting
// after failures. dsn is the PostgreSQL URL.
func (e *Events) Listen(ctx context.Context, dsn string) {
	backoff := time.Second
	for ctx.Err() == nil {
		err := e.listenOnce(ctx, dsn)
		if ctx.Err() != nil {
			return
		}
		e.log.Warn("tally listener lost its connection; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

func (e *Events) listenOnce(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return err
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if id, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
			e.fanOut(id)
		}
	}
}
