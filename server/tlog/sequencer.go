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

// Integrate sequences every queued leaf of every log: one transaction per
// round of up to batchMax leaves, whatever the number of logs they belong
// to, and one signed checkpoint per log and round. It returns how many
// leaves it integrated. Safe to run from every instance at once.
func (l *Logs) Integrate(ctx context.Context) (int, error) {
	var logs []int64
	if err := l.db.WithContext(ctx).Raw("SELECT DISTINCT log_id FROM tlog_pending ORDER BY log_id").Scan(&logs).Error; err != nil {
		return 0, fmt.Errorf("list logs with queued leaves: %w", err)
	}
	total := 0
	for len(logs) > 0 {
		n, err := l.integrate(ctx, logs, false)
		if err != nil {
			return total, err
		}
		total += n
		if n < batchMax {
			break
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
		n, err := l.integrate(ctx, []int64{logID}, true)
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
	LogID    int64
	LeafID   int64
	LeafHash []byte
}

// integrate sequences up to batchMax queued leaves of the logs logIDs (in
// leaf order within each log) in one transaction, and signs one checkpoint
// for each log that grew. With wait it waits for another instance that
// holds one of the logs; without, it leaves such logs to that instance.
func (l *Logs) integrate(ctx context.Context, logIDs []int64, wait bool) (int, error) {
	n := 0
	err := l.db.Tx(ctx, func(tx *gorm.DB) error {
		// Several instances on one PostgreSQL never integrate a log at once.
		if wait {
			for _, id := range logIDs {
				if err := l.db.Lock(tx, store.LockSequencer, id); err != nil {
					return err
				}
			}
		} else {
			got, err := l.db.TryLockEach(tx, store.LockSequencer, logIDs)
			if err != nil || len(got) == 0 {
				return err // nil when other instances hold them all
			}
			logIDs = got
		}
		var batch []queued
		if err := tx.Raw(`SELECT p.log_id, p.leaf_id, l.leaf_hash FROM tlog_pending p JOIN tlog_leaves l ON l.id = p.leaf_id
			WHERE p.log_id IN ? ORDER BY p.log_id, p.leaf_id LIMIT ?`, logIDs, batchMax).Scan(&batch).Error; err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		grown := map[int64][]queued{}
		var order []int64
		for _, q := range batch {
			if _, ok := grown[q.LogID]; !ok {
				order = append(order, q.LogID)
			}
			grown[q.LogID] = append(grown[q.LogID], q)
		}
		var lgs []struct {
			ID              int64
			Origin, Subject string
		}
		if err := tx.Raw("SELECT id, origin, subject FROM tlog_logs WHERE id IN ?", order).Scan(&lgs).Error; err != nil {
			return err
		}
		heads, err := latestOf(tx, order)
		if err != nil {
			return err
		}
		ranges, err := rangesAt(tx, heads)
		if err != nil {
			return err
		}
		var nodes []node
		var cps []*Checkpoint
		var subjects []string
		for _, lg := range lgs {
			rng := ranges[lg.ID]
			var leafID int64
			visit := func(id compact.NodeID, hash []byte) {
				nd := node{LogID: lg.ID, Level: int(id.Level), Idx: id.Index, Hash: hash}
				if id.Level == 0 {
					lid := leafID
					nd.LeafID = &lid
				}
				nodes = append(nodes, nd)
			}
			for _, q := range grown[lg.ID] {
				leafID = q.LeafID
				if err := rng.Append(q.LeafHash, visit); err != nil {
					return err
				}
			}
			root, err := rng.GetRootHash(nil)
			if err != nil {
				return err
			}
			cp, err := l.checkpoint(lg.ID, lg.Origin, rng.End(), root)
			if err != nil {
				return err
			}
			cps, subjects = append(cps, cp), append(subjects, lg.Subject)
		}
		if len(cps) != len(order) {
			return fmt.Errorf("tlog: %d of the logs with queued leaves were not found", len(order)-len(cps))
		}
		if err := tx.CreateInBatches(nodes, 500).Error; err != nil {
			return fmt.Errorf("store tree nodes: %w", err)
		}
		for start := 0; start < len(batch); start += 500 {
			ids := make([]int64, 0, 500)
			for _, q := range batch[start:min(start+500, len(batch))] {
				ids = append(ids, q.LeafID)
			}
			if err := tx.Exec("DELETE FROM tlog_pending WHERE leaf_id IN ?", ids).Error; err != nil {
				return err
			}
		}
		if err := tx.CreateInBatches(cps, 200).Error; err != nil {
			return fmt.Errorf("store checkpoints: %w", err)
		}
		if l.integrated != nil {
			if err := l.integrated(tx, subjects); err != nil {
				return err
			}
		}
		n = len(batch)
		return nil
	})
	return n, err
}

// latestOf returns the newest checkpoint of each log (the empty tree's for
// a log that has none yet).
func latestOf(tx *gorm.DB, logIDs []int64) (map[int64]*Checkpoint, error) {
	var cps []Checkpoint
	// One index probe per log, newest first: a log keeps every checkpoint.
	if err := tx.Raw(`SELECT c.* FROM tlog_checkpoints c WHERE c.id IN (SELECT (SELECT m.id FROM tlog_checkpoints m
		WHERE m.log_id = x.id ORDER BY m.size DESC LIMIT 1) FROM tlog_logs x WHERE x.id IN ?)`, logIDs).Scan(&cps).Error; err != nil {
		return nil, err
	}
	heads := make(map[int64]*Checkpoint, len(logIDs))
	for _, id := range logIDs {
		heads[id] = &Checkpoint{LogID: id, RootHash: hasher.EmptyRoot()}
	}
	for i := range cps {
		heads[cps[i].LogID] = &cps[i]
	}
	return heads, nil
}

// rangesAt is the compact range [0, size) of each log at its head, read from
// the stored nodes in one statement.
func rangesAt(tx *gorm.DB, heads map[int64]*Checkpoint) (map[int64]*compact.Range, error) {
	wanted := make(map[int64][]compact.NodeID, len(heads))
	for id, head := range heads {
		wanted[id] = compact.RangeNodes(0, head.Size, nil)
	}
	hashes, err := nodeHashesOf(tx, wanted)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*compact.Range, len(heads))
	for id, head := range heads {
		rng, err := rangeFactory.NewRange(0, head.Size, hashes[id])
		if err != nil {
			return nil, err
		}
		out[id] = rng
	}
	return out, nil
}

// nodeHashes reads the hashes of the given perfect subtrees of one log, in
// order.
func nodeHashes(tx *gorm.DB, logID int64, ids []compact.NodeID) ([][]byte, error) {
	hashes, err := nodeHashesOf(tx, map[int64][]compact.NodeID{logID: ids})
	return hashes[logID], err
}

// nodeHashesOf reads, for each log, the hashes of the given perfect
// subtrees, in the order given, in one statement: a join with the wanted
// nodes, so that each is one index probe.
func nodeHashesOf(tx *gorm.DB, wanted map[int64][]compact.NodeID) (map[int64][][]byte, error) {
	var values strings.Builder
	var args []any
	for logID, ids := range wanted {
		for _, id := range ids {
			if values.Len() > 0 {
				values.WriteString(", ")
			}
			values.WriteString("(CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS BIGINT))")
			args = append(args, logID, int(id.Level), id.Index)
		}
	}
	byID := map[int64]map[compact.NodeID][]byte{}
	if values.Len() > 0 {
		var rows []node
		if err := tx.Raw(`SELECT n.log_id, n.level, n.idx, n.hash FROM tlog_nodes n JOIN (VALUES `+values.String()+`) v
			ON n.log_id = v.column1 AND n.level = v.column2 AND n.idx = v.column3`, args...).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			if byID[r.LogID] == nil {
				byID[r.LogID] = map[compact.NodeID][]byte{}
			}
			byID[r.LogID][compact.NewNodeID(uint(r.Level), r.Idx)] = r.Hash
		}
	}
	out := make(map[int64][][]byte, len(wanted))
	for logID, ids := range wanted {
		hashes := make([][]byte, len(ids))
		for i, id := range ids {
			h, ok := byID[logID][id]
			if !ok {
				return nil, fmt.Errorf("log %d lacks the tree node at level %d, index %d", logID, id.Level, id.Index)
			}
			hashes[i] = h
		}
		out[logID] = hashes
	}
	return out, nil
}

// checkpoint signs a checkpoint of the log at size with root.
func (l *Logs) checkpoint(logID int64, origin string, size uint64, root []byte) (*Checkpoint, error) {
	body := log.Checkpoint{Origin: origin, Size: size, Hash: root}.Marshal()
	signed, err := note.Sign(&note.Note{Text: string(body)}, l.signer)
	if err != nil {
		return nil, fmt.Errorf("sign a checkpoint: %w", err)
	}
	return &Checkpoint{LogID: logID, Size: size, RootHash: root, Note: string(signed), CreatedAt: l.now()}, nil
}

// sign stores a checkpoint of the log at size with root, signed.
func (l *Logs) sign(tx *gorm.DB, logID int64, origin string, size uint64, root []byte) (*Checkpoint, error) {
	cp, err := l.checkpoint(logID, origin, size, root)
	if err != nil {
		return nil, err
	}
	if err := tx.Create(cp).Error; err != nil {
		return nil, fmt.Errorf("store a checkpoint: %w", err)
	}
	return cp, nil
}
