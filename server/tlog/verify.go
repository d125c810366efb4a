package tlog

import (
	"bytes"
	"context"
	"fmt"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/compact"
	"golang.org/x/mod/sumdb/note"
)

// Check is the result of verifying a log.
type Check struct {
	Intact   bool   `json:"intact"`
	TreeSize uint64 `json:"tree_size"`
	RootHash []byte `json:"root_hash"`
	// BrokenAtLeaf is the index of the first leaf that does not fit: its
	// bytes, its hash, its record, or (when a rewrite was consistent down to
	// the stored hashes) the first leaf of the smallest subtree that differs
	// from what the signed checkpoints say.
	BrokenAtLeaf *uint64 `json:"broken_at_leaf"`
	// Problem says in a sentence what does not fit.
	Problem string `json:"problem,omitempty"`
	// Pending counts leaves appended but not yet integrated.
	Pending int `json:"pending"`
}

// Fail records that leaf at does not fit, unless an earlier leaf was found
// already: callers that check more than the tree (the ballots table against
// the leaves) report through it too.
func (c *Check) Fail(at uint64, format string, args ...any) { c.fail(at, format, args...) }

func (c *Check) fail(at uint64, format string, args ...any) {
	if !c.Intact {
		return
	}
	c.Intact, c.BrokenAtLeaf, c.Problem = false, &at, fmt.Sprintf(format, args...)
}

// LeafCheck checks a leaf against the records it stands for (the ballot
// revision, the audit event); an error names what differs.
type LeafCheck func(index uint64, leaf *Leaf) error

// verifyBatch is how many leaves Verify reads at a time.
const verifyBatch = 5000

type walked struct {
	Idx      uint64
	Hash     []byte
	ID       *int64
	Ref      int64
	Leaf     []byte
	LeafHash []byte
}

// Verify rebuilds a log's tree from its leaves' bytes and compares it with
// the stored hashes and every signed checkpoint (signature, origin, size and
// root); check, when given, compares each leaf with its record. Votes go on
// while it runs: it verifies the tree of the newest checkpoint it read first
// (TreeSize), and leaves appended meanwhile wait for the next run.
func (l *Logs) Verify(ctx context.Context, logID int64, check LeafCheck) (*Check, error) {
	db := l.db.WithContext(ctx)
	var origin string
	if err := db.Raw("SELECT origin FROM tlog_logs WHERE id = ?", logID).Scan(&origin).Error; err != nil {
		return nil, err
	}
	var cps []Checkpoint
	if err := db.Where("log_id = ?", logID).Order("size").Find(&cps).Error; err != nil {
		return nil, err
	}
	out := &Check{Intact: true, RootHash: hasher.EmptyRoot()}
	if len(cps) == 0 {
		out.fail(0, "the log has no signed checkpoint, not even of the empty tree")
		return out, nil
	}
	head := cps[len(cps)-1]
	out.TreeSize, out.RootHash = head.Size, head.RootHash
	verifier := l.Verifier()
	for i := range cps {
		if err := checkNote(&cps[i], origin, verifier); err != nil {
			out.fail(cps[i].Size, "the checkpoint of size %d: %v", cps[i].Size, err)
		}
	}
	interior, err := l.interiorNodes(ctx, logID)
	if err != nil {
		return nil, err
	}
	rng := rangeFactory.NewEmptyRange(0)
	next := 0 // the next checkpoint to compare with
	for next < len(cps) && cps[next].Size == 0 {
		if !bytes.Equal(cps[next].RootHash, hasher.EmptyRoot()) {
			out.fail(0, "the checkpoint of the empty log has a root hash other than the empty tree's")
		}
		next++
	}
	var expect uint64
	for {
		var rows []walked
		if err := db.Raw(`SELECT n.idx, n.hash, l.id, l.ref, l.leaf, l.leaf_hash FROM tlog_nodes n
			LEFT JOIN tlog_leaves l ON l.id = n.leaf_id
			WHERE n.log_id = ? AND n.level = 0 AND n.idx >= ? AND n.idx < ? ORDER BY n.idx LIMIT ?`, logID, expect, head.Size, verifyBatch).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r.Idx != expect {
				out.fail(expect, "leaf %d is missing from the tree", expect)
				return out, nil
			}
			recomputed := LeafHash(r.Leaf)
			switch {
			case r.ID == nil:
				out.fail(r.Idx, "leaf %d has no stored bytes", r.Idx)
			case !bytes.Equal(recomputed, r.LeafHash) || !bytes.Equal(recomputed, r.Hash):
				out.fail(r.Idx, "leaf %d: its bytes do not hash to the leaf hash in the tree", r.Idx)
			case check != nil:
				if err := check(r.Idx, &Leaf{ID: *r.ID, LogID: logID, Ref: r.Ref, Leaf: r.Leaf, LeafHash: r.LeafHash}); err != nil {
					out.fail(r.Idx, "leaf %d: %v", r.Idx, err)
				}
			}
			if err := rng.Append(recomputed, func(id compact.NodeID, hash []byte) {
				if id.Level == 0 {
					return
				}
				if stored, ok := interior[id]; !ok || !bytes.Equal(stored, hash) {
					first, last := id.Coverage()
					out.fail(first, "the tree hash over leaves %d to %d is not the hash of those leaves", first, last-1)
				}
			}); err != nil {
				return nil, err
			}
			expect++
			for next < len(cps) && cps[next].Size == expect {
				root, err := rng.GetRootHash(nil)
				if err != nil {
					return nil, err
				}
				if !bytes.Equal(root, cps[next].RootHash) {
					from := uint64(0)
					if next > 0 {
						from = cps[next-1].Size
					}
					out.fail(from, "the leaves do not add up to the signed checkpoint of size %d (a change among leaves %d to %d)", expect, from, expect-1)
				}
				next++
			}
		}
		if len(rows) < verifyBatch {
			break
		}
	}
	if expect < head.Size {
		out.fail(expect, "the log has %d leaves in its tree but its checkpoint says %d", expect, head.Size)
	}
	if err := db.Raw("SELECT COUNT(*) FROM tlog_pending WHERE log_id = ?", logID).Scan(&out.Pending).Error; err != nil {
		return nil, err
	}
	// One statement, so a leaf the sequencer moves from the queue into the
	// tree meanwhile is seen in one place or the other, never in neither.
	var orphans int
	if err := db.Raw(`SELECT COUNT(*) FROM tlog_leaves l WHERE l.log_id = ?
		AND NOT EXISTS (SELECT 1 FROM tlog_nodes n WHERE n.leaf_id = l.id)
		AND NOT EXISTS (SELECT 1 FROM tlog_pending p WHERE p.leaf_id = l.id)`, logID).Scan(&orphans).Error; err != nil {
		return nil, err
	}
	if orphans > 0 {
		out.fail(expect, "%d leaves of the log are neither in the tree nor queued for it", orphans)
	}
	return out, nil
}

// interiorNodes are a log's stored subtree hashes above the leaves.
func (l *Logs) interiorNodes(ctx context.Context, logID int64) (map[compact.NodeID][]byte, error) {
	var rows []node
	if err := l.db.WithContext(ctx).Raw("SELECT level, idx, hash FROM tlog_nodes WHERE log_id = ? AND level > 0", logID).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[compact.NodeID][]byte, len(rows))
	for _, r := range rows {
		out[compact.NewNodeID(uint(r.Level), r.Idx)] = r.Hash
	}
	return out, nil
}

// checkNote checks a stored checkpoint's signature and that its text says
// what its columns say.
func checkNote(cp *Checkpoint, origin string, verifier note.Verifier) error {
	parsed, _, _, err := log.ParseCheckpoint([]byte(cp.Note), origin, verifier)
	if err != nil {
		return fmt.Errorf("its signature or text does not verify: %v", err)
	}
	if parsed.Size != cp.Size || !bytes.Equal(parsed.Hash, cp.RootHash) {
		return fmt.Errorf("its signed text says size %d, not what is stored", parsed.Size)
	}
	return nil
}
