// Package audit keeps the append-only log of staff actions (审计日志): who did
// what to which record, and when. Every event is also a leaf of one RFC 9162
// log (server/tlog, subject "audit"), appended in the transaction of the
// action itself, so the signed checkpoints pin every action and
// GET /api/v1/audit/verify names an event that was edited or removed.
package audit

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"anju/server/store"
	"anju/server/tlog"
)

// Event is one audited action.
type Event struct {
	ID          int64     `gorm:"primaryKey" json:"id"`
	At          time.Time `json:"at"`
	Actor       string    `json:"actor"`
	Action      string    `json:"action"`
	SubjectType string    `json:"subject_type"`
	SubjectID   int64     `json:"subject_id"`
	Detail      string    `json:"detail"`
	PrevHash    string    `json:"prev_hash"`
	Hash        string    `json:"hash"`
}

// TableName binds Event to its table.
func (Event) TableName() string { return "audit_events" }

// Subject is the audit log's subject among the transparency logs.
const Subject = "audit"

// Log appends events.
type Log struct {
	db     *store.DB
	logs   *tlog.Logs
	origin string
	mu     sync.Mutex
	logID  int64
	wake   func()
}

// New returns the audit log on db. Until Publish is called, events are kept
// in the table only (unit tests of other packages).
func New(db *store.DB) *Log { return &Log{db: db, wake: func() {}} }

// Publish makes every event a leaf of the transparency log of subject
// "audit", whose origin is host/audit, creating the log now (never inside an
// action's transaction); wake is called after each append.
func (l *Log) Publish(ctx context.Context, logs *tlog.Logs, host string, wake func()) error {
	l.logs, l.origin = logs, host+"/"+Subject
	if wake != nil {
		l.wake = wake
	}
	_, err := l.LogID(ctx)
	return err
}

// Logs returns the transparency logs the audit log publishes to (nil before Publish).
func (l *Log) Logs() *tlog.Logs { return l.logs }

// LogID returns the id of the audit's transparency log, creating it in a
// transaction of its own.
func (l *Log) LogID(ctx context.Context) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.logID != 0 {
		return l.logID, nil
	}
	if l.logs == nil {
		return 0, errors.New("audit: the log is not published")
	}
	err := l.db.Tx(ctx, func(tx *gorm.DB) (err error) {
		l.logID, err = l.logs.Ensure(tx, Subject, l.origin)
		return err
	})
	return l.logID, err
}

// Record appends an event inside tx. detail is any JSON-encodable value
// describing the change. Events never wait for each other: the log's
// sequencer orders them.
func (l *Log) Record(tx *gorm.DB, actor, action, subjectType string, subjectID int64, detail any) error {
	raw, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("encode audit detail: %w", err)
	}
	ev := Event{At: store.Now(), Actor: actor, Action: action, SubjectType: subjectType, SubjectID: subjectID, Detail: string(raw)}
	leaf := Leaf(&ev, nonce(), "")
	if l.logs == nil {
		ev.Hash = hex.EncodeToString(tlog.LeafHash(leaf))
		return create(tx, &ev)
	}
	logID, err := l.LogID(tx.Statement.Context)
	if err != nil {
		return err
	}
	ev.Hash = hex.EncodeToString(tlog.LeafHash(leaf))
	if err := create(tx, &ev); err != nil {
		return err
	}
	if _, err := l.logs.Append(tx, logID, ev.ID, leaf); err != nil {
		return err
	}
	// The transaction may still fail; an early wake only integrates nothing.
	l.wake()
	return nil
}

func create(tx *gorm.DB, ev *Event) error {
	if err := tx.Create(ev).Error; err != nil {
		return fmt.Errorf("append audit event: %w", err)
	}
	return nil
}

// nonce makes two identical actions in the same microsecond two leaves.
func nonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// LeafFormat is the first line of an audit leaf.
const LeafFormat = "anju/audit/v1"

// Leaf is the canonical bytes of an event: one "key value" line per field in
// a fixed order (detail is JSON, which has no raw newline), a nonce, and for
// events recorded before the log existed their old chain hash ("-" for none).
func Leaf(e *Event, nonce, chainHash string) []byte {
	if chainHash == "" {
		chainHash = "-"
	}
	var b bytes.Buffer
	b.WriteString(LeafFormat + "\n")
	for _, kv := range [][2]string{{"at", e.At.UTC().Format(time.RFC3339Nano)}, {"actor", e.Actor}, {"action", e.Action},
		{"subject_type", e.SubjectType}, {"subject_id", strconv.FormatInt(e.SubjectID, 10)}, {"detail", e.Detail},
		{"nonce", nonce}, {"chain_hash", chainHash}} {
		b.WriteString(kv[0] + " " + kv[1] + "\n")
	}
	return b.Bytes()
}

// leafTail reads the nonce and chain hash off a leaf's last two lines.
func leafTail(leaf []byte) (nonce, chainHash string, err error) {
	lines := strings.Split(strings.TrimSuffix(string(leaf), "\n"), "\n")
	if len(lines) != 9 || lines[0] != LeafFormat {
		return "", "", fmt.Errorf("not an %s leaf", LeafFormat)
	}
	n, ok1 := strings.CutPrefix(lines[7], "nonce ")
	c, ok2 := strings.CutPrefix(lines[8], "chain_hash ")
	if !ok1 || !ok2 {
		return "", "", fmt.Errorf("not an %s leaf", LeafFormat)
	}
	if c == "-" {
		c = ""
	}
	return n, c, nil
}

// digest is an event's hash in the chain of earlier releases.
func (e Event) digest() string {
	h := sha256.New()
	for _, part := range []string{e.PrevHash, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action,
		e.SubjectType, strconv.FormatInt(e.SubjectID, 10), e.Detail} {
		h.Write([]byte(strconv.Itoa(len(part))))
		h.Write([]byte{':'})
		h.Write([]byte(part))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Migrate puts the events recorded before the log existed into it, in order,
// each leaf keeping the event's chain hash. It is idempotent and runs at
// every start; it reports whether the old chain still verified.
func (l *Log) Migrate(ctx context.Context) (moved int, chainIntact bool, err error) {
	logID, err := l.LogID(ctx)
	if err != nil {
		return 0, false, err
	}
	chainIntact = true
	err = l.db.Tx(ctx, func(tx *gorm.DB) error {
		var events []Event
		if err := tx.Raw(`SELECT e.* FROM audit_events e LEFT JOIN tlog_leaves l ON l.log_id = ? AND l.ref = e.id
			WHERE l.id IS NULL ORDER BY e.id`, logID).Scan(&events).Error; err != nil {
			return err
		}
		head := ""
		for i := range events {
			e := &events[i]
			if e.PrevHash != head || e.digest() != e.Hash {
				chainIntact = false
			}
			head = e.Hash
			if _, err := l.logs.Append(tx, logID, e.ID, Leaf(e, nonce(), e.Hash)); err != nil {
				return err
			}
			moved++
		}
		return nil
	})
	return moved, chainIntact, err
}

// Verify rebuilds the audit log's tree from its leaves, checks every signed
// checkpoint and compares each leaf with its event; the first that differs
// is named. Events outside the log are reported too.
func (l *Log) Verify(ctx context.Context) (*tlog.Check, error) {
	logID, err := l.LogID(ctx)
	if err != nil {
		return nil, err
	}
	if err := l.logs.Flush(ctx, logID); err != nil {
		return nil, err
	}
	var events []Event
	if err := l.db.WithContext(ctx).Order("id").Find(&events).Error; err != nil {
		return nil, err
	}
	byID := make(map[int64]*Event, len(events))
	for i := range events {
		byID[events[i].ID] = &events[i]
	}
	chk, err := l.logs.Verify(ctx, logID, func(_ uint64, leaf *tlog.Leaf) error {
		e := byID[leaf.Ref]
		if e == nil { // recorded after the events were read, or gone
			var found []Event
			if err := l.db.WithContext(ctx).Where("id = ?", leaf.Ref).Limit(1).Find(&found).Error; err != nil {
				return err
			}
			if len(found) == 0 {
				return fmt.Errorf("its audit event %d is missing", leaf.Ref)
			}
			e = &found[0]
		}
		n, chain, err := leafTail(leaf.Leaf)
		if err != nil {
			return err
		}
		if !bytes.Equal(Leaf(e, n, chain), leaf.Leaf) {
			return fmt.Errorf("audit event %d differs from its leaf", e.ID)
		}
		if chain == "" && e.Hash != hex.EncodeToString(leaf.LeafHash) {
			return fmt.Errorf("audit event %d carries another hash than its leaf", e.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// One statement: an event and its leaf are written in one transaction.
	var outside int
	if err := l.db.WithContext(ctx).Raw(`SELECT COUNT(*) FROM audit_events e
		WHERE NOT EXISTS (SELECT 1 FROM tlog_leaves l WHERE l.log_id = ? AND l.ref = e.id)`, logID).Scan(&outside).Error; err != nil {
		return nil, err
	}
	if outside > 0 {
		chk.Fail(chk.TreeSize, "%d audit events have no leaf in the log", outside)
	}
	return chk, nil
}
