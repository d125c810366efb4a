package consent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode"

	"gorm.io/gorm"

	"anju/server/audit"
	"anju/server/auth"
	"anju/server/files"
	"anju/server/plans"
	"anju/server/problem"
	"anju/server/projects"
	"anju/server/registry"
	"anju/server/store"
	"anju/server/valid"
)

// Service records votes and tallies them.
type Service struct {
	db       *store.DB
	plans    *plans.Service
	projects *projects.Service
	registry *registry.Service
	files    *files.Service
	audit    *audit.Log
	events   *Events
	ballots  *BallotLog
	now      func() time.Time
	// batcher gathers PostgreSQL votes into batches (pipelined.go).
	batcher voteBatcher
}

// NewService returns the consent service.
func NewService(db *store.DB, pl *plans.Service, prj *projects.Service, reg *registry.Service, fs *files.Service,
	log *audit.Log, events *Events, ballots *BallotLog) *Service {
	return &Service{db: db, plans: pl, projects: prj, registry: reg, files: fs, audit: log, events: events, ballots: ballots, now: store.Now}
}

func (in *BallotInput) validate() error {
	if in.PlanID <= 0 {
		return problem.Field("plan_id", "is required: the id of the plan you are voting on")
	}
	if err := valid.OneOf("plan_choice", in.PlanChoice, Agree, Disagree, Abstain); err != nil {
		return err
	}
	return valid.OneOf("management_choice", in.ManagementChoice, Agree, Disagree, Abstain)
}

// confirmation checks how the vote is confirmed, and decodes the signature
// of a signed one (nil for a vote confirmed by the household code, which the
// caller checks). The evidence defaults to a signature, as before it could
// be chosen.
func (in *BallotInput) confirmation() (*Signature, error) {
	switch in.Evidence {
	case "", EvidenceSignature:
		if in.HouseholdCode != "" {
			return nil, problem.Field("household_code", `is sent only with "evidence": %q; a signed vote needs no code`, EvidenceHouseholdCode)
		}
		in.Evidence = EvidenceSignature
		return DecodeSignature(in.Signature)
	case EvidenceHouseholdCode:
		if in.Signature != "" {
			return nil, problem.Field("signature", `is not sent with "evidence": %q: confirm the vote either by drawing or by the household code`, EvidenceHouseholdCode)
		}
		if in.HouseholdCode == "" {
			return nil, problem.Field("household_code", "is required: type the 8-character code on your household slip to confirm the vote")
		}
		return &Signature{PNG: []byte{}}, nil
	default:
		return nil, valid.OneOf("evidence", in.Evidence, EvidenceSignature, EvidenceHouseholdCode)
	}
}

func checkIdempotencyKey(key string) error {
	if len(key) > 100 {
		return problem.Invalid("invalid_idempotency_key", "The Idempotency-Key header is at most 100 characters.")
	}
	for _, r := range key {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) {
			return problem.Invalid("invalid_idempotency_key", "The Idempotency-Key header may hold only printable ASCII characters.")
		}
	}
	return nil
}

// target is the plan a vote is cast on, with what decides who may vote.
type target struct {
	plans.Plan
	CommunityID     int64
	ScopeBuildingID *int64
}

// loadTarget reads a plan with its project's community and scope.
func loadTarget(tx *gorm.DB, planID int64) (*target, error) {
	var t target
	err := tx.Raw(`SELECT plans.*, projects.community_id, projects.scope_building_id FROM plans
		JOIN projects ON projects.id = plans.project_id WHERE plans.id = ?`, planID).Scan(&t).Error
	if err != nil {
		return nil, err
	}
	if t.ID == 0 || t.Status == plans.StatusDraft {
		return nil, problem.NotFound("plan_not_found", "No plan %d is put to the vote.", planID)
	}
	return &t, nil
}

// admits tells whether a household of this building is on the plan's roll.
func (t *target) admits(communityID, buildingID int64) bool {
	return t.CommunityID == communityID && (t.ScopeBuildingID == nil || *t.ScopeBuildingID == buildingID)
}

// Cast records the online vote of a signed-in household (the demo's
// households). A replayed idempotency key returns the receipt it first
// produced; a vote that names a receipt other than the current one is
// refused, so a late delivery never overwrites a newer vote.
func (s *Service) Cast(ctx context.Context, hh *auth.Household, in BallotInput, idemKey, clientIP string) (*Receipt, error) {
	return s.cast(ctx, signedIn(hh), in, idemKey, clientIP)
}

// CastClaimed is Cast for a household only claimed by its token (the vote
// route): the vote's first round trip reads the household too and confirms
// the claim, so a vote costs no extra round trip for sign-in.
func (s *Service) CastClaimed(ctx context.Context, cl *auth.Claim, in BallotInput, idemKey, clientIP string) (*Receipt, error) {
	return s.cast(ctx, voter{id: cl.ID, codeVersion: cl.CodeVersion, verify: cl.Verify, confirm: cl.Confirm}, in, idemKey, clientIP)
}

// voter is who casts a vote: the household a token claims, confirmed by
// the vote's first statement (confirm) or read on its own (verify).
type voter struct {
	id          int64
	codeVersion int
	verify      func(context.Context) (*auth.Household, error)
	confirm     func(auth.Household) (*auth.Household, error)
}

func signedIn(hh *auth.Household) voter {
	return voter{id: hh.ID, codeVersion: hh.CodeVersion,
		verify:  func(context.Context) (*auth.Household, error) { return hh, nil },
		confirm: func(auth.Household) (*auth.Household, error) { return hh, nil }}
}

func (s *Service) cast(ctx context.Context, v voter, in BallotInput, idemKey, clientIP string) (*Receipt, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := checkIdempotencyKey(idemKey); err != nil {
		return nil, err
	}
	sig, err := in.confirmation()
	if err != nil {
		return nil, err
	}
	if in.Evidence == EvidenceHouseholdCode {
		// Checked before anything is written or locked: a wrong code
		// records nothing and counts as a wrong guess for the room.
		if err := s.registry.ConfirmCode(ctx, v.id, in.HouseholdCode, clientIP); err != nil {
			return nil, err
		}
	}
	reqHash := requestHash(in, sig.SHA256)
	newRevision := func(householdID int64) *Revision {
		rev := &Revision{PlanID: in.PlanID, HouseholdID: householdID, PlanChoice: in.PlanChoice, ManagementChoice: in.ManagementChoice,
			Channel: ChannelOnline, Evidence: in.Evidence, SignaturePNG: sig.PNG, SignatureSHA256: sig.SHA256, RequestHash: reqHash, ClientIP: clientIP}
		if idemKey != "" {
			rev.IdempotencyKey = &idemKey
		}
		return rev
	}
	if s.db.Postgres {
		// The common vote, on a plan whose log exists: two round trips.
		logID, err := s.ballots.ExistingLogOf(ctx, in.PlanID)
		if err != nil {
			return nil, err
		}
		if logID != 0 {
			receipt, projectID, err := s.castPipelined(ctx, v, logID, newRevision(v.id), in, idemKey)
			if err == nil {
				s.ballots.wake()
				s.events.Committed(projectID)
				return receipt, nil
			}
			if !errors.Is(err, errGeneral) {
				return nil, s.castFailed(err)
			}
		}
	}
	hh, err := v.verify(ctx)
	if err != nil {
		return nil, err
	}
	logID, err := s.logFor(ctx, in.PlanID, hh)
	if err != nil {
		return nil, err
	}
	var receipt *Receipt
	var projectID int64
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockVote(tx, in.PlanID, hh.ID); err != nil {
			return err
		}
		t, err := loadTarget(tx, in.PlanID)
		if err != nil || !t.admits(hh.CommunityID, hh.BuildingID) {
			return problem.NotFound("plan_not_found", "Plan %d is not put to the vote of your household.", in.PlanID)
		}
		projectID = t.ProjectID
		if idemKey != "" {
			var prior []Revision
			if err := tx.Omit("signature_png").Where("household_id = ? AND idempotency_key = ?", hh.ID, idemKey).Limit(1).Find(&prior).Error; err != nil {
				return err
			}
			if len(prior) == 1 {
				if prior[0].RequestHash != reqHash || prior[0].PlanID != in.PlanID {
					return problem.Unprocessable("idempotency_key_reused", "This Idempotency-Key was already used for a different vote; use a new key for a new vote.")
				}
				receipt = receiptOf(&prior[0], t.VotingClosesAt, nil)
				return nil
			}
		}
		receipt, err = s.recordVote(tx, t, logID, newRevision(hh.ID), in.Replaces, householdActor(hh.ID))
		return err
	})
	if err != nil {
		return nil, s.castFailed(err)
	}
	s.ballots.wake()
	s.events.Committed(projectID)
	return receipt, nil
}

// castFailed is what a vote that failed to commit answers.
func (s *Service) castFailed(err error) error {
	if store.IsUniqueViolation(err) {
		return problem.Unprocessable("idempotency_key_reused", "This Idempotency-Key was already used for another vote; use a new key for a new vote.")
	}
	return err
}

// logFor returns the log of a plan the household may vote on. The plan is
// checked first, so that no log is ever made for a plan that does not exist.
func (s *Service) logFor(ctx context.Context, planID int64, hh *auth.Household) (int64, error) {
	if id, err := s.ballots.ExistingLogOf(ctx, planID); err != nil || id != 0 {
		return id, err
	}
	t, err := loadTarget(s.db.WithContext(ctx), planID)
	if err != nil || (hh != nil && !t.admits(hh.CommunityID, hh.BuildingID)) {
		return 0, problem.NotFound("plan_not_found", "Plan %d is not put to the vote of your household.", planID)
	}
	return s.ballots.LogOf(ctx, planID)
}

// lockVote orders one household's votes, and holds the plan's vote lock
// shared: votes of different households never wait for each other, while
// closing the vote (which holds it exclusively) waits for those in flight.
func (s *Service) lockVote(tx *gorm.DB, planID, householdID int64) error {
	return s.db.LockSharedThen(tx, store.LockPlanVote, planID, store.LockHouseholdVote, householdID)
}

// recordVote checks the window and the order of votes, then writes rev as the
// household's newest vote. The caller holds the vote locks. A vote that
// replaces one of the other channel (paper after online, or online after
// paper) is written to the audit log as a crossing.
func (s *Service) recordVote(tx *gorm.DB, t *target, logID int64, rev *Revision, replaces OptionalID, actor string) (*Receipt, error) {
	if err := votingOpen(&t.Plan, s.now()); err != nil {
		return nil, err
	}
	current, replacedLeaf, err := currentVote(tx, logID, t.ID, rev.HouseholdID)
	if err != nil {
		return nil, err
	}
	if replaces.Set && !sameID(replaces.ID, current) {
		return nil, s.stale(tx, current, &t.Plan)
	}
	if current != nil {
		rev.ReplacesID = current.CurrentRevisionID
	}
	if err := s.write(tx, logID, current, replacedLeaf, rev); err != nil {
		return nil, err
	}
	if current != nil && current.Channel != rev.Channel {
		if err := s.audit.Record(tx, actor, "ballot.crossing", "plan", t.ID, map[string]any{"household_id": rev.HouseholdID,
			"from": current.Channel, "to": rev.Channel, "replaces": rev.ReplacesID, "revision": rev.ID}); err != nil {
			return nil, err
		}
	}
	var by *string
	if rev.RecordedBy != nil {
		name, err := staffName(tx, *rev.RecordedBy)
		if err != nil {
			return nil, err
		}
		by = &name
	}
	return receiptOf(rev, t.VotingClosesAt, by), nil
}

func staffName(tx *gorm.DB, id int64) (string, error) {
	var name string
	err := tx.Raw("SELECT username FROM staff_users WHERE id = ?", id).Scan(&name).Error
	return name, err
}

// requestHash tells a replay from another vote under the same key. It binds
// the signature's hash, or for a vote confirmed by code only that kind: the
// code itself never enters it (a fast hash of an 8-character code would let
// anyone with the table find the code).
func requestHash(in BallotInput, sigSHA string) string {
	if in.Evidence == EvidenceHouseholdCode {
		sigSHA = EvidenceHouseholdCode
	}
	replaces := "absent"
	if in.Replaces.Set {
		replaces = "null"
		if in.Replaces.ID != nil {
			replaces = strconv.FormatInt(*in.Replaces.ID, 10)
		}
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d|%s|%s|%s|%s", in.PlanID, in.PlanChoice, in.ManagementChoice, sigSHA, replaces)))
	return hex.EncodeToString(sum[:])
}

func sameID(claimed *int64, current *Ballot) bool {
	if current == nil || current.CurrentRevisionID == nil {
		return claimed == nil
	}
	return claimed != nil && *claimed == *current.CurrentRevisionID
}

// stale reports that another vote was recorded since the phone last looked,
// carrying the current receipt so the resident can be asked again.
func (s *Service) stale(tx *gorm.DB, current *Ballot, plan *plans.Plan) error {
	p := problem.Conflict("stale_ballot", "Your vote was changed elsewhere (another phone, or a paper ballot recorded by the committee) since this screen was loaded. Look at the vote now on record and vote again if you want to change it.")
	if current == nil || current.CurrentRevisionID == nil {
		return p.With("current", nil)
	}
	rec, err := s.receipt(tx, *current.CurrentRevisionID, plan.VotingClosesAt)
	if err != nil {
		return err
	}
	return p.With("current", rec)
}

// receipt loads the receipt of one revision.
func (s *Service) receipt(tx *gorm.DB, revisionID int64, closes time.Time) (*Receipt, error) {
	var rev Revision
	if err := tx.Omit("signature_png").Take(&rev, revisionID).Error; err != nil {
		return nil, err
	}
	var by *string
	if rev.RecordedBy != nil {
		name, err := staffName(tx, *rev.RecordedBy)
		if err != nil {
			return nil, err
		}
		by = &name
	}
	return receiptOf(&rev, closes, by), nil
}

// write records rev as the household's newest vote: it upserts the current
// ballot, stores the revision with its leaf in the plan's log and points the
// ballot at it. The caller holds the vote locks.
func (s *Service) write(tx *gorm.DB, logID int64, current *Ballot, replacedLeaf string, rev *Revision) error {
	now := s.now()
	rev.RecordedAt = now
	if current == nil {
		current = &Ballot{PlanID: rev.PlanID, HouseholdID: rev.HouseholdID, Revision: 1, PlanChoice: rev.PlanChoice,
			ManagementChoice: rev.ManagementChoice, Channel: rev.Channel, RecordedAt: now, CreatedAt: now}
		if err := tx.Create(current).Error; err != nil {
			return err
		}
		rev.BallotID, rev.Revision = current.ID, 1
		if err := s.ballots.appendRevision(tx, logID, rev, ""); err != nil {
			return err
		}
		return tx.Model(&Ballot{}).Where("id = ?", current.ID).Update("current_revision_id", rev.ID).Error
	}
	rev.BallotID, rev.Revision = current.ID, current.Revision+1
	if err := s.ballots.appendRevision(tx, logID, rev, replacedLeaf); err != nil {
		return err
	}
	// One statement moves the ballot to the new revision.
	return tx.Model(&Ballot{}).Where("id = ?", current.ID).Updates(map[string]any{"revision": rev.Revision,
		"plan_choice": rev.PlanChoice, "management_choice": rev.ManagementChoice, "channel": rev.Channel,
		"recorded_at": now, "current_revision_id": rev.ID}).Error
}

// currentVote is the household's current ballot with the leaf hash (hex) of
// its current revision, which the next revision's leaf names, in one query.
func currentVote(tx *gorm.DB, logID, planID, householdID int64) (*Ballot, string, error) {
	var rows []struct {
		Ballot   `gorm:"embedded"`
		LeafHash []byte
	}
	if err := tx.Raw(`SELECT b.*, l.leaf_hash FROM ballots b LEFT JOIN tlog_leaves l ON l.log_id = ? AND l.ref = b.current_revision_id
		WHERE b.plan_id = ? AND b.household_id = ? LIMIT 1`, logID, planID, householdID).Scan(&rows).Error; err != nil {
		return nil, "", err
	}
	if len(rows) == 0 {
		return nil, "", nil
	}
	b := rows[0].Ballot
	if b.CurrentRevisionID != nil && len(rows[0].LeafHash) == 0 {
		return nil, "", fmt.Errorf("ballot revision %d is not in its plan's log", *b.CurrentRevisionID)
	}
	return &b, hex.EncodeToString(rows[0].LeafHash), nil
}

func currentBallot(tx *gorm.DB, planID, householdID int64) (*Ballot, error) {
	var bs []Ballot
	if err := tx.Where("plan_id = ? AND household_id = ?", planID, householdID).Limit(1).Find(&bs).Error; err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, nil
	}
	return &bs[0], nil
}

func votingOpen(p *plans.Plan, now time.Time) error {
	switch {
	case p.Status == plans.StatusSuperseded:
		return problem.Conflict("plan_not_current", "Plan %d has been replaced by a newer version; read the new plan and vote on it.", p.ID)
	case p.VotingStatus(now) == plans.VotingOpen:
		return nil
	case p.VotingStatus(now) == plans.VotingNotStarted:
		return problem.Conflict("voting_not_open", "Voting on this plan opens at %s; the plan is on public notice until then.", p.VotingOpensAt.Format(time.RFC3339))
	case p.ClosedAt != nil:
		return problem.Conflict("voting_closed", "Voting on this plan was closed at %s; votes can no longer be cast or changed.", p.ClosedAt.Format(time.RFC3339))
	default:
		return problem.Conflict("voting_closed", "Voting on this plan closed at %s; votes can no longer be cast or changed.", p.VotingClosesAt.Format(time.RFC3339))
	}
}
