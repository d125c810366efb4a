package tlog

import (
	"context"
	"fmt"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"gorm.io/gorm"

	"anju/server/store"
)

// Checkpoint is a signed statement of a log's size and root hash.
type Checkpoint struct {
	ID        int64     `json:"-"`
	LogID     int64     `json:"-"`
	Size      uint64    `json:"tree_size"`
	RootHash  []byte    `json:"root_hash"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
	// Witnesses name the witnesses that cosigned it.
	Witnesses []string `json:"witnesses" gorm:"-"`
}

// TableName binds Checkpoint to its table.
func (Checkpoint) TableName() string { return "tlog_checkpoints" }

// latest is the newest checkpoint of a log, or size 0 when it has none.
func latest(tx *gorm.DB, logID int64) (*Checkpoint, error) {
	var cps []Checkpoint
	if err := tx.Where("log_id = ?", logID).Order("size DESC").Limit(1).Find(&cps).Error; err != nil {
		return nil, err
	}
	if len(cps) == 0 {
		return &Checkpoint{LogID: logID, RootHash: hasher.EmptyRoot()}, nil
	}
	return &cps[0], nil
}

// Latest returns the newest checkpoint of a log, with its witnesses'
// cosignatures appended to the note.
func (l *Logs) Latest(ctx context.Context, logID int64) (*Checkpoint, error) {
	cp, err := latest(l.db.WithContext(ctx), logID)
	if err != nil || cp.ID == 0 {
		return cp, err
	}
	return cp, l.withCosignatures(ctx, []*Checkpoint{cp})
}

// At returns the checkpoint of a log at exactly size.
func (l *Logs) At(ctx context.Context, logID int64, size uint64) (*Checkpoint, error) {
	var cps []Checkpoint
	if err := l.db.WithContext(ctx).Where("log_id = ? AND size = ?", logID, size).Limit(1).Find(&cps).Error; err != nil {
		return nil, err
	}
	if len(cps) == 0 {
		return nil, store.ErrNotFound
	}
	return &cps[0], l.withCosignatures(ctx, []*Checkpoint{&cps[0]})
}

// History returns a log's checkpoints, oldest first.
func (l *Logs) History(ctx context.Context, logID int64) ([]Checkpoint, error) {
	var cps []Checkpoint
	if err := l.db.WithContext(ctx).Where("log_id = ?", logID).Order("size").Find(&cps).Error; err != nil {
		return nil, err
	}
	ptrs := make([]*Checkpoint, len(cps))
	for i := range cps {
		ptrs[i] = &cps[i]
	}
	return cps, l.withCosignatures(ctx, ptrs)
}

// withCosignatures appends the witnesses' signature lines to each note.
func (l *Logs) withCosignatures(ctx context.Context, cps []*Checkpoint) error {
	if len(cps) == 0 {
		return nil
	}
	ids := make([]int64, len(cps))
	byID := make(map[int64]*Checkpoint, len(cps))
	for i, cp := range cps {
		ids[i], byID[cp.ID] = cp.ID, cp
	}
	var rows []struct {
		CheckpointID int64
		Witness      string
		Signature    string
	}
	if err := l.db.WithContext(ctx).Raw("SELECT checkpoint_id, witness, signature FROM tlog_cosignatures WHERE checkpoint_id IN ? ORDER BY witness",
		ids).Scan(&rows).Error; err != nil {
		return err
	}
	for _, cp := range cps {
		cp.Witnesses = []string{}
	}
	for _, r := range rows {
		cp := byID[r.CheckpointID]
		cp.Note += r.Signature
		cp.Witnesses = append(cp.Witnesses, r.Witness)
	}
	return nil
}

// Inclusion returns the RFC 9162 inclusion proof of leaf index in the tree of
// the given size, leaf to root.
func (l *Logs) Inclusion(ctx context.Context, logID int64, index, size uint64) ([][]byte, error) {
	nodes, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, err
	}
	return l.rehash(ctx, logID, nodes)
}

// Consistency returns the RFC 9162 consistency proof between two sizes.
func (l *Logs) Consistency(ctx context.Context, logID int64, from, to uint64) ([][]byte, error) {
	head, err := latest(l.db.WithContext(ctx), logID)
	if err != nil {
		return nil, err
	}
	if to > head.Size {
		return nil, fmt.Errorf("%w: the log has %d leaves, not %d", ErrBeyondTree, head.Size, to)
	}
	nodes, err := proof.Consistency(from, to)
	if err != nil {
		return nil, err
	}
	return l.rehash(ctx, logID, nodes)
}

// rehash turns a proof's node list into its hashes. An empty proof (a tree
// of one leaf; two equal sizes) is an empty list, never nil: it travels as
// JSON [] and a phone iterates over it.
func (l *Logs) rehash(ctx context.Context, logID int64, nodes proof.Nodes) ([][]byte, error) {
	hashes, err := nodeHashes(l.db.WithContext(ctx), logID, nodes.IDs)
	if err != nil {
		return nil, err
	}
	p, err := nodes.Rehash(hashes, hasher.HashChildren)
	if err != nil || p != nil {
		return p, err
	}
	return [][]byte{}, nil
}

// ErrBeyondTree says a proof was asked for a size the log has not reached.
var ErrBeyondTree = fmt.Errorf("beyond the tree")
