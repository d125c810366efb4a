package consent

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

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
	// health is how long the listener waits for a notification before it
	// checks that its connection still answers; a connection that died
	// silently (a firewall dropping idle flows) is then replaced instead of
	// waited on for ever.
	health time.Duration
	// onListen and onRetry, when set (by tests), are called each time the
	// listener is listening again (after the open streams were told to
	// re-read), and with the wait before each reconnection attempt.
	onListen func()
	onRetry  func(wait time.Duration)
}

// NewEvents returns the change broker. For PostgreSQL, Listen must run too.
func NewEvents(db *store.DB, log *slog.Logger) *Events {
	return &Events{db: db, log: log, subs: map[int64]map[chan struct{}]struct{}{}, health: 30 * time.Second}
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

// Integrated runs in the log sequencer's transaction after a round that
// integrated new leaves of the logs with these subjects: on PostgreSQL it
// NOTIFYs the project of each plan among them, once for the whole round,
// in one statement, and the notifications reach every instance when the
// round commits. A vote does not NOTIFY in its own transaction: PostgreSQL
// holds one lock on its notification queue from a notifying transaction's
// commit until the commit is on disk, so notifying votes would reach the
// disk one at a time instead of together. The sequencer runs within a
// second of a vote (at once on the instance that took it), and what it
// tells is in the tree by then.
func (e *Events) Integrated(tx *gorm.DB, subjects []string) error {
	if !e.db.Postgres {
		return nil
	}
	var plans []int64
	for _, subject := range subjects {
		if id, ok := planOfSubject(subject); ok {
			plans = append(plans, id)
		}
	}
	if len(plans) == 0 {
		return nil
	}
	return tx.Exec("SELECT pg_notify(?, project_id::text) FROM plans WHERE id IN ?", channel, plans).Error
}

// Committed follows a transaction that changed a project's votes: on SQLite
// (one instance) it tells this instance's streams at once; on PostgreSQL the
// sequencer's NOTIFY does (Integrated).
func (e *Events) Committed(projectID int64) {
	if !e.db.Postgres {
		e.fanOut(projectID)
	}
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

// fanOutAll tells every open stream of every project to re-read its tally.
func (e *Events) fanOutAll() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, subs := range e.subs {
		for ch := range subs {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}

// backoff is the wait between reconnection attempts: it starts at first,
// doubles after every failure up to max, and starts over once a connection
// has been made.
type backoff struct {
	first, max, next time.Duration
}

func newBackoff(first, max time.Duration) *backoff {
	return &backoff{first: first, max: max, next: first}
}

// failed returns the wait before the next attempt and doubles the one after.
func (b *backoff) failed() time.Duration {
	d := b.next
	b.next = min(2*b.next, b.max)
	return d
}

// succeeded starts the waits over.
func (b *backoff) succeeded() { b.next = b.first }

// listenerName is the listener's application_name (unless the URL names one),
// so an operator can find its connection in pg_stat_activity.
const listenerName = "anju-tally-listener"

// Listen receives the NOTIFYs of every instance until ctx ends, reconnecting
// after failures. dsn is the PostgreSQL URL. Each time it is listening again,
// every open stream re-reads its tally: a NOTIFY sent while the connection
// was down (a vote acknowledged during a PostgreSQL restart) reached nobody.
func (e *Events) Listen(ctx context.Context, dsn string) {
	b := newBackoff(time.Second, 30*time.Second)
	for ctx.Err() == nil {
		err := e.listenOnce(ctx, dsn, func() {
			b.succeeded()
			e.fanOutAll()
			if e.onListen != nil {
				e.onListen()
			}
		})
		if ctx.Err() != nil {
			return
		}
		wait := b.failed()
		if e.onRetry != nil {
			e.onRetry(wait)
		}
		e.log.Warn("tally listener lost its connection; reconnecting", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func (e *Events) listenOnce(ctx context.Context, dsn string, listening func()) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return err
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = listenerName
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return err
	}
	listening()
	for {
		wait, cancel := context.WithTimeout(ctx, e.health)
		n, err := conn.WaitForNotification(wait)
		cancel()
		if err != nil {
			if ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			ping, cancel := context.WithTimeout(ctx, e.health)
			err = conn.Ping(ping)
			cancel()
			if err != nil {
				return err
			}
			continue
		}
		if id, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
			e.fanOut(id)
		}
	}
}
