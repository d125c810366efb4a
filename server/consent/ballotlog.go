package consent

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
	"gorm.io/gorm"

	"anju/server/store"
	"anju/server/tlog"
	"anju/server/votelog"
)

// BallotLog puts every ballot revision into its plan's transparency log.
type BallotLog struct {
	db   *store.DB
	logs *tlog.Logs
	host string
	wake func()
	ids  sync.Map // plan id → log id; a plan's log never changes once made
	// witnesses are the keys whose cosignatures of checkpoints are kept.
	witnesses note.Verifiers
}

// SetWitnesses names the witnesses (C2SP tlog-cosignature verifier keys,
// as `anju witness --new-key` prints them) whose cosignatures are kept.
func (b *BallotLog) SetWitnesses(vkeys []string) error {
	if len(vkeys) == 0 {
		b.witnesses = nil // cosignatures are refused, not checked against nobody
		return nil
	}
	var vs []note.Verifier
	for _, k := range vkeys {
		v, err := fnote.NewVerifierForCosignatureV1(k)
		if err != nil {
			return fmt.Errorf("witness key %q: %w", k, err)
		}
		vs = append(vs, v)
	}
	b.witnesses = note.VerifierList(vs...)
	return nil
}

// NewBallotLog returns the ballot logs of a site whose public host is host
// (the first part of every plan log's origin). wake is called after a
// transaction appended a leaf, to start the sequencer early.
func NewBallotLog(db *store.DB, logs *tlog.Logs, host string, wake func()) *BallotLog {
	if wake == nil {
		wake = func() {}
	}
	return &BallotLog{db: db, logs: logs, host: host, wake: wake}
}

// Logs is the store of every log.
func (b *BallotLog) Logs() *tlog.Logs { return b.logs }

func planSubject(planID int64) string { return "plan/" + strconv.FormatInt(planID, 10) }

// planOfSubject is the plan whose log has this subject.
func planOfSubject(subject string) (int64, bool) {
	raw, ok := strings.CutPrefix(subject, "plan/")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	return id, err == nil && id > 0
}

// LogOf returns the id of a plan's log, creating it in a transaction of its
// own, so that a vote that fails never leaves a log id behind in the cache.
func (b *BallotLog) LogOf(ctx context.Context, planID int64) (int64, error) {
	if id, ok := b.ids.Load(planID); ok {
		return id.(int64), nil
	}
	var id int64
	err := b.db.Tx(ctx, func(tx *gorm.DB) (err error) {
		id, err = b.logs.Ensure(tx, planSubject(planID), votelog.Origin(b.host, planID))
		return err
	})
	if err != nil {
		return 0, err
	}
	b.ids.Store(planID, id)
	return id, nil
}

// ExistingLogOf returns the id of a plan's log, or 0 when nobody voted yet.
func (b *BallotLog) ExistingLogOf(ctx context.Context, planID int64) (int64, error) {
	if id, ok := b.ids.Load(planID); ok {
		return id.(int64), nil
	}
	id, err := b.logs.LogID(ctx, planSubject(planID))
	if err == nil && id != 0 {
		b.ids.Store(planID, id)
	}
	return id, err
}

// voteOf is the log's view of a revision.
func voteOf(r *Revision, replaces string) *votelog.Vote {
	return &votelog.Vote{PlanID: r.PlanID, HouseholdID: r.HouseholdID, Revision: r.Revision, Replaces: replaces,
		PlanChoice: r.PlanChoice, ManagementChoice: r.ManagementChoice, Channel: r.Channel, Evidence: r.Evidence,
		SignatureSHA256: r.SignatureSHA256, EvidenceSHA256: r.EvidenceSHA256, RecordedBy: r.RecordedBy,
		RecordedAt: r.RecordedAt}
}

// appendRevision writes rev (not yet stored) and its leaf in tx: the
// revision's hash is its leaf hash, its previous hash the leaf hash of the
// revision it replaces (replaces, hex; "" for a first vote), so each
// household's revisions chain inside the log.
func (b *BallotLog) appendRevision(tx *gorm.DB, logID int64, rev *Revision, replaces string) error {
	leaf := votelog.Encode(voteOf(rev, replaces))
	rev.PrevHash, rev.Hash = replaces, hex.EncodeToString(tlog.LeafHash(leaf))
	if err := tx.Create(rev).Error; err != nil {
		return err
	}
	_, err := b.logs.Append(tx, logID, rev.ID, leaf)
	return err
}

// MigrateChains puts into the plans' logs every ballot revision recorded
// before the logs existed (the per-plan hash chains of earlier releases), in
// the order they were recorded, each leaf keeping the revision's chain hash
// for reference. It is idempotent and runs at every start; revisions written
// since are in their log already. A chain that no longer verifies is logged
// as a warning, and migrated as it stands: the log then pins what there was.
func (s *Service) MigrateChains(ctx context.Context, report func(planID int64, revisions int, chainIntact bool)) error {
	var planIDs []int64
	if err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT r.plan_id FROM ballot_revisions r
		LEFT JOIN tlog_logs g ON g.subject = 'plan/' || r.plan_id
		LEFT JOIN tlog_leaves l ON l.log_id = g.id AND l.ref = r.id
		WHERE l.id IS NULL ORDER BY r.plan_id`).Scan(&planIDs).Error; err != nil {
		return fmt.Errorf("find ballot revisions outside the logs: %w", err)
	}
	for _, planID := range planIDs {
		logID, err := s.ballots.LogOf(ctx, planID)
		if err != nil {
			return err
		}
		var n int
		intact := true
		err = s.db.Tx(ctx, func(tx *gorm.DB) error {
			// No vote commits on the plan meanwhile (it would find the
			// revision it replaces outside the log).
			if err := s.db.Lock(tx, store.LockPlanVote, planID); err != nil {
				return err
			}
			var inLog []struct {
				Ref      int64
				LeafHash []byte
			}
			if err := tx.Raw("SELECT ref, leaf_hash FROM tlog_leaves WHERE log_id = ?", logID).Scan(&inLog).Error; err != nil {
				return err
			}
			leafHash := make(map[int64]string, len(inLog))
			for _, l := range inLog {
				leafHash[l.Ref] = hex.EncodeToString(l.LeafHash)
			}
			var revs []Revision
			if err := tx.Omit("signature_png").Where("plan_id = ?", planID).Order("id").Find(&revs).Error; err != nil {
				return err
			}
			head := ""
			for i := range revs {
				r := &revs[i]
				if intact && (r.PrevHash != head || r.digest() != r.Hash) {
					intact = false
				}
				head = r.Hash
				if _, done := leafHash[r.ID]; done {
					continue
				}
				replaces := ""
				if r.ReplacesID != nil {
					replaces = leafHash[*r.ReplacesID]
					if replaces == "" {
						return fmt.Errorf("ballot revision %d replaces %d, which is not in plan %d's log", r.ID, *r.ReplacesID, planID)
					}
				}
				v := voteOf(r, replaces)
				v.ChainHash = r.Hash
				leaf := votelog.Encode(v)
				h, err := s.ballots.logs.Append(tx, logID, r.ID, leaf)
				if err != nil {
					return err
				}
				leafHash[r.ID] = hex.EncodeToString(h)
				n++
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("migrate plan %d's ballot chain into its log: %w", planID, err)
		}
		if report != nil {
			report(planID, n, intact)
		}
	}
	if len(planIDs) > 0 {
		if _, err := s.ballots.logs.Integrate(ctx); err != nil {
			return err
		}
	}
	return nil
}
