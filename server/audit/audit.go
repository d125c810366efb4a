// Package audit keeps the append-only, hash-chained log of staff actions
// (审计日志): who did what to which record, and when. Each event's hash covers
// the previous event's hash, so anyone holding a published head hash can check
// that nothing before it was changed or removed.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"anju/server/store"
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

// Log appends events.
type Log struct{ db *store.DB }

// New returns the audit log on db.
func New(db *store.DB) *Log { return &Log{db: db} }

// Record appends an event inside tx, chaining it to the previous one. detail is
// any JSON-encodable value describing the change.
func (l *Log) Record(tx *gorm.DB, actor, action, subjectType string, subjectID int64, detail any) error {
	if err := l.db.Lock(tx, store.LockAudit, 0); err != nil {
		return fmt.Errorf("lock audit chain: %w", err)
	}
	raw, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("encode audit detail: %w", err)
	}
	var prev Event
	prevHash := ""
	err = tx.Order("id DESC").Limit(1).Find(&prev).Error
	if err != nil {
		return fmt.Errorf("read audit head: %w", err)
	}
	if prev.ID != 0 {
		prevHash = prev.Hash
	}
	ev := Event{At: store.Now(), Actor: actor, Action: action,
		SubjectType: subjectType, SubjectID: subjectID, Detail: string(raw), PrevHash: prevHash}
	ev.Hash = ev.digest()
	if err := tx.Create(&ev).Error; err != nil {
		return fmt.Errorf("append audit event: %w", err)
	}
	return nil
}

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

// Verify walks the whole chain and returns the head hash and the number of
// events, or an error naming the first event that does not fit.
func (l *Log) Verify(tx *gorm.DB) (head string, n int, err error) {
	var events []Event
	if err := tx.Order("id").FindInBatches(&events, 1000, func(_ *gorm.DB, _ int) error {
		for _, e := range events {
			if e.PrevHash != head || e.digest() != e.Hash {
				return fmt.Errorf("audit event %d does not match the chain", e.ID)
			}
			head = e.Hash
			n++
		}
		return nil
	}).Error; err != nil {
		return "", 0, err
	}
	return head, n, nil
}
