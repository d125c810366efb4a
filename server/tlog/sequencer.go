package tlog

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/compact"
	"golang.org/x/mod/sumdb/note"
	"gorm.io/gorm"

	"anju/server/store"
)

// batchMax bounds the leaves integrated in one transaction.
const batchMax = 5000

// rangeFactory builds compact ranges with RFC 9162 node hashing.
var rangeFactory = &compact.RangeFactory{Hash: hasher.HashChildren}

// node is a stored perfect subtree hash; level 0 nodes are the leaves, and
// carry the id of the leaf they stand for.
type node struct {
	LogID  int64
	Level  int
	Idx    uint64
	Hash   []byte
	LeafID *int64
}

func (node) TableName() string { return "tlog_nodes" }

// Integrate sequences every queued leaf of every log: one transaction and one
// signed checkpoint per log and batch. It returns how many leaves it
// integrated. Safe to run from every instance at once.
func (l *Logs) Integrate(ctx context.Context) (int, error) {
	var logs []int64
	if err := l.db.WithContext(ctx).Raw("SELECT DISTINCT log_id FROM tlog_pending ORDER BY log_id").Scan(&logs).Error; err != nil {
		return 0, fmt.Errorf("list logs with queued leaves: %w", err)
	}
	total := 0
	for _, id := range logs {
		for {
			n, err := l.integrateLog(ctx, id, false)
			if err != nil {
				return total, err
			}
			total += n
			if n < batchMax {
				break
			}
		}
	}
	return total, nil
}

// Flush integrates every leaf of one log queued before it was called,
// waiting for another instance's sequencer if one holds the log: whoever
// verifies, publishes a notice or hands out a bundle sees every vote
// acknowledged so far in the tree.
func (l *Logs) Flush(ctx context.Context, logID int64) error {
	for {
		n, err := l.integrateLog(ctx, logID, true)
		if err != nil || n < batchMax {
			return err
		}
	}
}

// Run integrates until ctx ends: every interval, and when wake receives
// (this instance appended a leaf) — at once if the last round that
// integrated anything is at least gap ago, else when it is. A lone vote is
// integrated at once; under a stream of votes the rounds are gap apart and
// each integrates and signs a batch, instead of one round (a transaction and
// a checkpoint per log) for every few votes.
func (l *Logs) Run(ctx context.Context, every, gap time.Duration, wake <-chan struct{}, report func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
			if wait := gap - time.Since(last); wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
			}
		}
		began := time.Now()
		n, err := l.Integrate(ctx)
		if err != nil && ctx.Err() == nil {
			report(err)
		}
		if n > 0 {
			last = began
		}
	}
}

type queued struct {
	LeafID   int64
	LeafHash []byte
}

func (l *Logs) integrateLog(ctx context.Context, logID int64, wait bool) (int, error) {
	n := 0
	err := l.db.Tx(ctx, func(tx *gorm.DB) error {
		// Several instances on one PostgreSQL never integrate a log at once:
		// the background round skips a log another holds, Flush waits.
		if wait {
			if err := l.db.Lock(tx, store.LockSequencer, logID); err != nil {
				return err
			}
		} else if got, err := l.db.TryLock(tx, store.LockSequencer, logID); err != nil || !got {
			return err // nil when another instance is integrating this log
		}
		var lg struct{ Origin, Subject string }
		if err := tx.Raw("SELECT origin, subject FROM tlog_logs WHERE id = ?", logID).Scan(&lg).Error; err != nil {
			return err
		}
		origin := lg.Origin
		var batch []queued
		if err := tx.Raw(`SELECT p.leaf_id, l.leaf_hash FROM tlog_pending p JOIN tlog_leaves l ON l.id = p.leaf_id
			WHERE p.log_id = ? ORDER BY p.leaf_id LIMIT ?`, logID, batchMax).Scan(&batch).Error; err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		head, err := latest(tx, logID)
		if err != nil {
			return err
		}
		rng, err := rangeAt(tx, logID, head.Size)
		if err != nil {
			return err
		}
		var nodes []node
		var leafID int64
		visit := func(id compact.NodeID, hash []byte) {
			nd := node{LogID: logID, Level: int(id.Level), Idx: id.Index, Hash: hash}
			if id.Level == 0 {
				lid := leafID
				nd.LeafID = &lid
			}
			nodes = append(nodes, nd)
		}
		ids := make([]int64, len(batch))
		for i, q := range batch {
			leafID, ids[i] = q.LeafID, q.LeafID
			if err := rng.Append(q.LeafHash, visit); err != nil {
				return err
			}
		}
		root, err := rng.GetRootHash(nil)
		if err != nil {
			return err
		}
		if err := tx.CreateInBatches(nodes, 500).Error; err != nil {
			return fmt.Errorf("store tree nodes: %w", err)
		}
		for start := 0; start < len(ids); start += 500 {
			if err := tx.Exec("DELETE FROM tlog_pending WHERE leaf_id IN ?", ids[start:min(start+500, len(ids))]).Error; err != nil {
				return err
			}
		}
		if _, err := l.sign(tx, logID, origin, rng.End(), root); err != nil {
			return err
		}
		if l.integrated != nil {
			if err := l.integrated(tx, lg.Subject); err != nil {
				return err
			}
		}
		n = len(batch)
		return nil
	})
	return n, err
}

// rangeAt is the compact range [0, size) of a log, from its stored nodes.
func rangeAt(tx *gorm.DB, logID int64, size uint64) (*compact.Range, error) {
	ids := compact.RangeNodes(0, size, nil)
	hashes, err := nodeHashes(tx, logID, ids)
	if err != nil {
		return nil, err
	}
	return rangeFactory.NewRange(0, size, hashes)
}

// nodeHashes reads the hashes of the given perfect subtrees, in order.
func nodeHashes(tx *gorm.DB, logID int64, ids []compact.NodeID) ([][]byte, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var where strings.Builder
	args := []any{logID}
	for i, id := range ids {
		if i > 0 {
			where.WriteString(" OR ")
		}
		where.WriteString("(level = ? AND idx = ?)")
		args = append(args, int(id.Level), id.Index)
	}
	var rows []node
	if err := tx.Raw("SELECT level, idx, hash FROM tlog_nodes WHERE log_id = ? AND ("+where.String()+")", args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	byID := make(map[compact.NodeID][]byte, len(rows))
	for _, r := range rows {
		byID[compact.NewNodeID(uint(r.Level), r.Idx)] = r.Hash
	}
	out := make([][]byte, len(ids))
	for i, id := range ids {
		h, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("log %d lacks the tree node at level %d, index %d", logID, id.Level, id.Index)
		}
		out[i] = h
	}
	return out, nil
}

// sign stores a checkpoint of the log at size with root, signed.
func (l *Logs) sign(tx *gorm.DB, logID int64, origin string, size uint64, root []byte) (*Checkpoint, error) {
	body := log.Checkpoint{Origin: origin, Size: size, Hash: root}.Marshal()
	signed, err := note.Sign(&note.Note{Text: string(body)}, l.signer)
	if err != nil {
		return nil, fmt.Errorf("sign a checkpoint: %w", err)
	}
	cp := &Checkpoint{LogID: logID, Size: size, RootHash: root, Note: string(signed), CreatedAt: l.now()}
	if err := tx.Create(cp).Error; err != nil {
		return nil, fmt.Errorf("store a checkpoint: %w", err)
	}
	return cp, nil
}
