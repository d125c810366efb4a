package consent

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"anju/server/auth"
	"anju/server/plans"
	"anju/server/problem"
	"anju/server/recount"
	"anju/server/tlog"
	"anju/server/votelog"
)

// CheckpointView is a plan log's signed checkpoint as the public sees it.
type CheckpointView struct {
	Origin    string    `json:"origin"`
	TreeSize  uint64    `json:"tree_size"`
	RootHash  []byte    `json:"root_hash"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
	// Witnesses name who cosigned this checkpoint besides the server.
	Witnesses []string `json:"witnesses"`
}

// publicLog is the log of a plan put to the vote (never of a draft), made
// on first request: a plan nobody voted on has a signed empty checkpoint.
func (s *Service) publicLog(ctx context.Context, planID int64) (int64, error) {
	if id, err := s.ballots.ExistingLogOf(ctx, planID); err != nil || id != 0 {
		return id, err
	}
	if _, err := loadTarget(s.db.WithContext(ctx), planID); err != nil {
		return 0, err
	}
	return s.ballots.LogOf(ctx, planID)
}

func (s *Service) view(cp *tlog.Checkpoint, planID int64) CheckpointView {
	w := cp.Witnesses
	if w == nil {
		w = []string{}
	}
	return CheckpointView{Origin: s.origin(cp, planID), TreeSize: cp.Size, RootHash: cp.RootHash, Note: cp.Note, CreatedAt: cp.CreatedAt, Witnesses: w}
}

// origin reads the origin off the checkpoint's first line: the log keeps the
// origin it was made with.
func (s *Service) origin(cp *tlog.Checkpoint, planID int64) string {
	if i := bytes.IndexByte([]byte(cp.Note), '\n'); i > 0 {
		return cp.Note[:i]
	}
	return votelog.Origin(s.ballots.host, planID)
}

// Checkpoint returns the newest signed checkpoint of a plan's log.
func (s *Service) Checkpoint(ctx context.Context, planID int64) (*CheckpointView, error) {
	logID, err := s.publicLog(ctx, planID)
	if err != nil {
		return nil, err
	}
	cp, err := s.ballots.logs.Latest(ctx, logID)
	if err != nil {
		return nil, err
	}
	v := s.view(cp, planID)
	return &v, nil
}

// Checkpoints returns every signed checkpoint of a plan's log, oldest first.
func (s *Service) Checkpoints(ctx context.Context, planID int64) ([]CheckpointView, error) {
	logID, err := s.publicLog(ctx, planID)
	if err != nil {
		return nil, err
	}
	cps, err := s.ballots.logs.History(ctx, logID)
	if err != nil {
		return nil, err
	}
	out := make([]CheckpointView, len(cps))
	for i := range cps {
		out[i] = s.view(&cps[i], planID)
	}
	return out, nil
}

// Consistency returns the RFC 9162 proof that the plan's log at size to
// extends the log at size from.
func (s *Service) Consistency(ctx context.Context, planID int64, from, to uint64) ([][]byte, error) {
	if from > to {
		return nil, problem.Invalid("invalid_range", "from (%d) must not be greater than to (%d).", from, to)
	}
	logID, err := s.publicLog(ctx, planID)
	if err != nil {
		return nil, err
	}
	p, err := s.ballots.logs.Consistency(ctx, logID, from, to)
	if errors.Is(err, tlog.ErrBeyondTree) {
		return nil, problem.NotFound("tree_size_unknown", "The log of plan %d has not reached %d leaves; ask for its newest checkpoint first.", planID, to)
	}
	return p, err
}

// Cosign keeps the witnesses' cosignatures found on a checkpoint note that a
// witness posts back (see `anju witness`), and returns who cosigned.
func (s *Service) Cosign(ctx context.Context, planID int64, signed string) ([]string, error) {
	if s.ballots.witnesses == nil {
		return nil, problem.Forbidden("This server has no witnesses configured; cosignatures are not accepted.")
	}
	logID, err := s.publicLog(ctx, planID)
	if err != nil {
		return nil, err
	}
	names, err := s.ballots.logs.AddCosignatures(ctx, logID, []byte(signed), s.ballots.witnesses)
	switch {
	case errors.Is(err, tlog.ErrNotOurs):
		return nil, problem.Field("note", "is not a checkpoint this plan's log signed; fetch the newest checkpoint and sign that")
	case errors.Is(err, tlog.ErrNoWitness):
		return nil, problem.Forbidden("The note carries no valid signature of a witness this server knows.")
	}
	return names, err
}

// BallotProof is what a phone needs to check that its household's vote is in
// the public log: the leaf, its inclusion proof, and the checkpoint the proof
// leads to.
type BallotProof struct {
	PlanID     int64           `json:"plan_id"`
	Pending    bool            `json:"pending"`
	LeafIndex  *uint64         `json:"leaf_index"`
	Leaf       []byte          `json:"leaf"`
	LeafHash   []byte          `json:"leaf_hash"`
	TreeSize   uint64          `json:"tree_size"`
	RootHash   []byte          `json:"root_hash" jsonschema:"nullable"` // null while pending
	Proof      [][]byte        `json:"proof"`
	Checkpoint *CheckpointView `json:"checkpoint"`
}

// Proof returns the inclusion proof of the household's current vote on a
// plan (0: the plan now put to the vote). Just after a vote the leaf may not
// be integrated yet (Pending, within a second); the phone asks again.
func (s *Service) Proof(ctx context.Context, hh *auth.Household, planID int64) (*BallotProof, error) {
	rec, err := s.Current(ctx, hh, planID)
	if err != nil {
		return nil, err
	}
	logID, err := s.ballots.LogOf(ctx, rec.PlanID)
	if err != nil {
		return nil, err
	}
	leaf, idx, err := s.ballots.logs.LeafByRef(ctx, logID, rec.ID)
	if err != nil {
		return nil, err
	}
	out := &BallotProof{PlanID: rec.PlanID, Leaf: leaf.Leaf, LeafHash: leaf.LeafHash, Proof: [][]byte{}}
	if idx == nil {
		out.Pending = true
		return out, nil
	}
	cp, err := s.ballots.logs.Latest(ctx, logID)
	if err != nil {
		return nil, err
	}
	if *idx >= cp.Size {
		out.Pending = true
		return out, nil
	}
	p, err := s.ballots.logs.Inclusion(ctx, logID, *idx, cp.Size)
	if err != nil {
		return nil, err
	}
	v := s.view(cp, rec.PlanID)
	out.LeafIndex, out.TreeSize, out.RootHash, out.Proof, out.Checkpoint = idx, cp.Size, cp.RootHash, p, &v
	return out, nil
}

// VerifyBallots rebuilds a plan's log from its leaves, checks every signed
// checkpoint, compares each leaf with the ballot revision it stands for and
// the ballots table (each household's current vote) with the newest leaf of
// each household. Anything that differs names the leaf.
func (s *Service) VerifyBallots(ctx context.Context, by *auth.Staff, planID int64) (*tlog.Check, error) {
	if _, err := s.plans.Get(ctx, by, planID); err != nil {
		return nil, err
	}
	logID, err := s.ballots.ExistingLogOf(ctx, planID)
	if err != nil {
		return nil, err
	}
	if logID == 0 {
		chk := &tlog.Check{Intact: true, RootHash: tlog.EmptyRoot()}
		var n int64
		if err := s.db.WithContext(ctx).Model(&Revision{}).Where("plan_id = ?", planID).Count(&n).Error; err != nil {
			return nil, err
		}
		if n > 0 {
			chk.Fail(0, "plan %d has %d ballot revisions but no log", planID, n)
		}
		return chk, nil
	}
	// Whoever asks sees every vote acknowledged so far in the tree.
	if err := s.ballots.logs.Flush(ctx, logID); err != nil {
		return nil, err
	}
	// Ballots first, then revisions: every revision a ballot row points to
	// is then among the revisions read (a ballot moves to a revision in the
	// transaction that writes it).
	var ballots []Ballot
	if err := s.db.WithContext(ctx).Where("plan_id = ?", planID).Find(&ballots).Error; err != nil {
		return nil, err
	}
	var revs []Revision
	if err := s.db.WithContext(ctx).Omit("signature_png").Where("plan_id = ?", planID).Find(&revs).Error; err != nil {
		return nil, err
	}
	byID := make(map[int64]*Revision, len(revs))
	for i := range revs {
		byID[revs[i].ID] = &revs[i]
	}
	leafHex := make(map[int64]string, len(revs)) // revision id → leaf hash
	type newest struct {
		index uint64
		vote  *votelog.Vote
		ref   int64
	}
	latest := map[int64]newest{} // household → its newest leaf in the verified tree
	chk, err := s.ballots.logs.Verify(ctx, logID, func(index uint64, leaf *tlog.Leaf) error {
		v, err := votelog.Decode(leaf.Leaf)
		if err != nil {
			return err
		}
		rev := byID[leaf.Ref]
		if rev == nil { // recorded after the revisions were read, or gone
			var found []Revision
			if err := s.db.WithContext(ctx).Omit("signature_png").Where("id = ? AND plan_id = ?", leaf.Ref, planID).Limit(1).Find(&found).Error; err != nil {
				return err
			}
			if len(found) == 0 {
				return fmt.Errorf("its ballot revision %d is missing", leaf.Ref)
			}
			rev = &found[0]
			byID[rev.ID] = rev
		}
		replaces := ""
		if rev.ReplacesID != nil {
			replaces = leafHex[*rev.ReplacesID]
		}
		want := voteOf(rev, replaces)
		if v.ChainHash != "" {
			want.ChainHash = rev.Hash // migrated: the old chain's hash, kept
		} else if rev.Hash != hex.EncodeToString(leaf.LeafHash) {
			return fmt.Errorf("ballot revision %d carries another hash than its leaf", rev.ID)
		}
		if !bytes.Equal(votelog.Encode(want), leaf.Leaf) || v.PlanID != planID {
			return fmt.Errorf("ballot revision %d (household %d, revision %d) differs from its leaf", rev.ID, v.HouseholdID, v.Revision)
		}
		leafHex[rev.ID] = hex.EncodeToString(leaf.LeafHash)
		if prev, ok := latest[v.HouseholdID]; ok && v.Revision != prev.vote.Revision+1 {
			return fmt.Errorf("household %d's revision %d follows its revision %d", v.HouseholdID, v.Revision, prev.vote.Revision)
		} else if !ok && v.Revision != 1 {
			return fmt.Errorf("household %d's first leaf is its revision %d", v.HouseholdID, v.Revision)
		}
		latest[v.HouseholdID] = newest{index: index, vote: v, ref: rev.ID}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// One statement: a revision and its leaf are written in one transaction.
	var orphans int
	if err := s.db.WithContext(ctx).Raw(`SELECT COUNT(*) FROM ballot_revisions r WHERE r.plan_id = ?
		AND NOT EXISTS (SELECT 1 FROM tlog_leaves l WHERE l.log_id = ? AND l.ref = r.id)`, planID, logID).Scan(&orphans).Error; err != nil {
		return nil, err
	}
	if orphans > 0 {
		chk.Fail(chk.TreeSize, "%d ballot revisions of the plan have no leaf in its log", orphans)
	}
	for _, b := range ballots {
		n, inTree := latest[b.HouseholdID]
		if b.CurrentRevisionID != nil && (!inTree || *b.CurrentRevisionID != n.ref) {
			// A vote recorded after the verified checkpoint: it must be newer
			// than every leaf of the household in the tree; the next run
			// compares it.
			if r := byID[*b.CurrentRevisionID]; r != nil && (!inTree || r.Revision > n.vote.Revision) && leafHex[r.ID] == "" {
				continue
			}
		}
		if !inTree {
			chk.Fail(chk.TreeSize, "household %d has a current vote that no leaf of the log records", b.HouseholdID)
			continue
		}
		v := n.vote
		if b.CurrentRevisionID == nil || *b.CurrentRevisionID != n.ref || b.Revision != v.Revision || b.PlanChoice != v.PlanChoice ||
			b.ManagementChoice != v.ManagementChoice || b.Channel != v.Channel {
			chk.Fail(n.index, "household %d's current vote differs from its newest leaf", b.HouseholdID)
		}
	}
	return chk, nil
}

// AuditBundle is everything an auditor needs to recount a closed plan's vote
// without trusting the server (recount.Check, `anju verify --bundle`): the
// roll (household ids, opaque owner heads, areas), every leaf with its
// contents, every checkpoint with its signatures, the rule and the key.
func (s *Service) AuditBundle(ctx context.Context, by *auth.Staff, planID int64) (*recount.Bundle, error) {
	if by.Role == auth.RoleCommittee {
		return nil, problem.Forbidden("Audit bundles are for district and city staff.")
	}
	view, err := s.plans.Get(ctx, by, planID)
	if err != nil {
		return nil, err
	}
	t, err := loadTarget(s.db.WithContext(ctx), planID)
	if err != nil {
		return nil, err
	}
	plan := &t.Plan
	if plan.VotingStatus(s.now()) != plans.VotingClosed {
		return nil, problem.Conflict("voting_open", "The vote on plan %d has not ended; its audit bundle is made once it is closed.", planID)
	}
	prj, err := s.projects.Get(ctx, by, view.ProjectID)
	if err != nil {
		return nil, err
	}
	logID, err := s.publicLog(ctx, planID)
	if err != nil {
		return nil, err
	}
	if err := s.ballots.logs.Flush(ctx, logID); err != nil {
		return nil, err
	}
	rows, _, err := s.loadRoll(ctx, prj, planID)
	if err != nil {
		return nil, err
	}
	b := &recount.Bundle{Format: recount.Format, PlanID: planID, ProjectID: prj.ID, Rule: prj.ConsentRule,
		ThresholdPercent: prj.ThresholdPercent, VerifierKey: s.ballots.logs.VerifierKey(),
		Roll: make([]recount.RollLine, 0, len(rows)), Leaves: []recount.Leaf{}, Checkpoints: []recount.Checkpoint{}}
	heads := map[string]int{}
	for _, r := range rows {
		key := r.OwnerGroup
		if key == "" {
			key = "household:" + strconv.FormatInt(r.ID, 10)
		}
		if _, ok := heads[key]; !ok {
			heads[key] = len(heads) + 1
		}
		b.Roll = append(b.Roll, recount.RollLine{Household: r.ID, Head: heads[key], AreaCenti: r.AreaCenti})
	}
	var leaves []struct {
		Idx            uint64
		Leaf, LeafHash []byte
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT n.idx, l.leaf, l.leaf_hash FROM tlog_nodes n JOIN tlog_leaves l ON l.id = n.leaf_id
		WHERE n.log_id = ? AND n.level = 0 ORDER BY n.idx`, logID).Scan(&leaves).Error; err != nil {
		return nil, err
	}
	for _, l := range leaves {
		b.Leaves = append(b.Leaves, recount.Leaf{Index: l.Idx, Leaf: l.Leaf, LeafHash: l.LeafHash})
	}
	cps, err := s.ballots.logs.History(ctx, logID)
	if err != nil {
		return nil, err
	}
	for _, cp := range cps {
		b.Checkpoints = append(b.Checkpoints, recount.Checkpoint{TreeSize: cp.Size, RootHash: cp.RootHash, Note: cp.Note})
		if b.Origin == "" {
			b.Origin = s.origin(&cp, planID)
		}
	}
	return b, nil
}
