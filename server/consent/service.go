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

	"anju/server/auth"
	"anju/server/plans"
	"anju/server/problem"
	"anju/server/projects"
	"anju/server/registry"
	"anju/server/store"
	"anju/server/valid"
)

// lockNamespace keys the advisory lock that serialises one plan's votes, which
// keeps its hash chain linear and its idempotency checks exact.
const lockNamespace = 4

// Service records votes and tallies them.
type Service struct {
	db       *store.DB
	plans    *plans.Service
	projects *projects.Service
	registry *registry.Service
	now      func() time.Time
}

// NewService returns the consent service.
func NewService(db *store.DB, pl *plans.Service, prj *projects.Service, reg *registry.Service) *Service {
	return &Service{db: db, plans: pl, projects: prj, registry: reg, now: store.Now}
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

// Cast records a household's vote online. A replayed idempotency key returns
// the receipt it first produced; a vote that names a receipt other than the
// current one is refused, so a late delivery never overwrites a newer vote.
func (s *Service) Cast(ctx context.Context, hh *auth.Household, in BallotInput, idemKey, clientIP string) (*Receipt, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := checkIdempotencyKey(idemKey); err != nil {
		return nil, err
	}
	sig, err := DecodeSignature(in.Signature)
	if err != nil {
		return nil, err
	}
	reqHash := requestHash(in, sig.SHA256)
	var receipt *Receipt
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.db.Lock(tx, lockNamespace, in.PlanID); err != nil {
			return err
		}
		plan, err := s.planForHousehold(tx, hh, in.PlanID)
		if err != nil {
			return err
		}
		if idemKey != "" {
			var prior []Revision
			if err := tx.Where("household_id = ? AND idempotency_key = ?", hh.ID, idemKey).Limit(1).Find(&prior).Error; err != nil {
				return err
			}
			if len(prior) == 1 {
				if prior[0].RequestHash != reqHash || prior[0].PlanID != in.PlanID {
					return problem.Unprocessable("idempotency_key_reused", "This Idempotency-Key was already used for a different vote; use a new key for a new vote.")
				}
				receipt = receiptOf(&prior[0], plan.VotingClosesAt)
				return nil
			}
		}
		if err := votingOpen(plan, s.now()); err != nil {
			return err
		}
		current, err := currentBallot(tx, plan.ID, hh.ID)
		if err != nil {
			return err
		}
		if in.Replaces.Set && !sameID(in.Replaces.ID, current) {
			return s.stale(tx, current, plan)
		}
		rev := &Revision{PlanID: plan.ID, HouseholdID: hh.ID, PlanChoice: in.PlanChoice,
			ManagementChoice: in.ManagementChoice, Channel: ChannelOnline, SignaturePNG: sig.PNG,
			SignatureSHA256: sig.SHA256, RequestHash: reqHash, ClientIP: clientIP}
		if idemKey != "" {
			rev.IdempotencyKey = &idemKey
		}
		if current != nil {
			rev.ReplacesID = current.CurrentRevisionID
		}
		if err := s.record(tx, current, rev); err != nil {
			return err
		}
		receipt = receiptOf(rev, plan.VotingClosesAt)
		return nil
	})
	if err != nil {
		if store.IsUniqueViolation(err) {
			return nil, problem.Unprocessable("idempotency_key_reused", "This Idempotency-Key was already used for another vote; use a new key for a new vote.")
		}
		return nil, err
	}
	return receipt, nil
}

func requestHash(in BallotInput, sigSHA string) string {
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
	var rev Revision
	if err := tx.Omit("signature_png").Take(&rev, *current.CurrentRevisionID).Error; err != nil {
		return err
	}
	return p.With("current", receiptOf(&rev, plan.VotingClosesAt))
}

// record writes rev as the household's newest vote: it upserts the current
// ballot, appends the revision to the plan's hash chain and points the ballot
// at it. The caller holds the plan's lock.
func (s *Service) record(tx *gorm.DB, current *Ballot, rev *Revision) error {
	now := s.now()
	rev.RecordedAt = now
	if current == nil {
		current = &Ballot{PlanID: rev.PlanID, HouseholdID: rev.HouseholdID, Revision: 1, PlanChoice: rev.PlanChoice,
			ManagementChoice: rev.ManagementChoice, Channel: rev.Channel, RecordedAt: now, CreatedAt: now}
		if err := tx.Create(current).Error; err != nil {
			return err
		}
	} else {
		current.Revision++
		if err := tx.Model(&Ballot{}).Where("id = ?", current.ID).Updates(map[string]any{"revision": current.Revision,
			"plan_choice": rev.PlanChoice, "management_choice": rev.ManagementChoice, "channel": rev.Channel,
			"recorded_at": now}).Error; err != nil {
			return err
		}
	}
	rev.BallotID, rev.Revision = current.ID, current.Revision
	var head []struct{ Hash string }
	if err := tx.Raw("SELECT hash FROM ballot_revisions WHERE plan_id = ? ORDER BY id DESC LIMIT 1", rev.PlanID).Scan(&head).Error; err != nil {
		return err
	}
	if len(head) == 1 {
		rev.PrevHash = head[0].Hash
	}
	rev.Hash = rev.digest()
	if err := tx.Create(rev).Error; err != nil {
		return err
	}
	return tx.Model(&Ballot{}).Where("id = ?", current.ID).Update("current_revision_id", rev.ID).Error
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

// planForHousehold loads the plan a household votes on and checks it is the one
// now put to the vote in the household's community.
func (s *Service) planForHousehold(tx *gorm.DB, hh *auth.Household, planID int64) (*plans.Plan, error) {
	var row struct {
		plans.Plan
		CommunityID int64
	}
	err := tx.Raw(`SELECT plans.*, projects.community_id FROM plans JOIN projects ON projects.id = plans.project_id
		WHERE plans.id = ?`, planID).Scan(&row).Error
	if err != nil {
		return nil, err
	}
	if row.ID == 0 || row.CommunityID != hh.CommunityID || row.Status == plans.StatusDraft {
		return nil, problem.NotFound("plan_not_found", "Plan %d is not a plan of your community.", planID)
	}
	if row.Status != plans.StatusPublished {
		return nil, problem.Conflict("plan_not_current", "Plan %d has been replaced by a newer version; read the new plan and vote on it.", planID)
	}
	return &row.Plan, nil
}

func votingOpen(p *plans.Plan, now time.Time) error {
	switch p.VotingStatus(now) {
	case plans.VotingOpen:
		return nil
	case plans.VotingNotStarted:
		return problem.Conflict("voting_not_open", "Voting on this plan opens at %s; the plan is on public notice until then.", p.VotingOpensAt.Format(time.RFC3339))
	default:
		return problem.Conflict("voting_closed", "Voting on this plan closed at %s; votes can no longer be cast or changed.", p.VotingClosesAt.Format(time.RFC3339))
	}
}

// ErrNoBallot says the household has not voted on the plan.
var ErrNoBallot = problem.NotFound("ballot_not_found", "Your household has not voted on this plan yet.")

// Current returns the household's current receipt on a plan (0: the plan now
// put to the vote).
func (s *Service) Current(ctx context.Context, hh *auth.Household, planID int64) (*Receipt, error) {
	var plan *plans.Plan
	if planID == 0 {
		p, _, err := s.plans.CurrentForCommunity(ctx, hh.CommunityID)
		if err != nil {
			return nil, err
		}
		plan = p
	} else {
		var row struct {
			plans.Plan
			CommunityID int64
		}
		if err := s.db.WithContext(ctx).Raw(`SELECT plans.*, projects.community_id FROM plans JOIN projects ON projects.id = plans.project_id
			WHERE plans.id = ? AND plans.status <> 'draft'`, planID).Scan(&row).Error; err != nil {
			return nil, err
		}
		if row.ID == 0 || row.CommunityID != hh.CommunityID {
			return nil, problem.NotFound("plan_not_found", "Plan %d is not a plan of your community.", planID)
		}
		plan = &row.Plan
	}
	b, err := currentBallot(s.db.WithContext(ctx), plan.ID, hh.ID)
	if err != nil {
		return nil, err
	}
	if b == nil || b.CurrentRevisionID == nil {
		return nil, ErrNoBallot
	}
	var rev Revision
	if err := s.db.WithContext(ctx).Omit("signature_png").Take(&rev, *b.CurrentRevisionID).Error; err != nil {
		return nil, err
	}
	return receiptOf(&rev, plan.VotingClosesAt), nil
}

// HistoryEntry is one revision as authorised staff see it.
type HistoryEntry struct {
	ID               int64     `json:"id"`
	PlanID           int64     `json:"plan_id"`
	Revision         int       `json:"revision"`
	PlanChoice       string    `json:"plan_choice"`
	ManagementChoice string    `json:"management_choice"`
	Channel          string    `json:"channel"`
	RecordedBy       *int64    `json:"recorded_by"`
	Replaces         *int64    `json:"replaces"`
	RecordedAt       time.Time `json:"recorded_at"`
	SignatureSHA256  string    `json:"signature_sha256"`
	SignatureURL     string    `json:"signature_url"`
	Hash             string    `json:"hash"`
}

// History lists every vote a household ever cast, oldest first.
func (s *Service) History(ctx context.Context, by *auth.Staff, householdID int64) ([]HistoryEntry, error) {
	if _, err := s.householdInScope(ctx, by, householdID); err != nil {
		return nil, err
	}
	var revs []Revision
	if err := s.db.WithContext(ctx).Omit("signature_png").Where("household_id = ?", householdID).Order("id").Find(&revs).Error; err != nil {
		return nil, err
	}
	out := make([]HistoryEntry, 0, len(revs))
	for _, r := range revs {
		out = append(out, HistoryEntry{ID: r.ID, PlanID: r.PlanID, Revision: r.Revision, PlanChoice: r.PlanChoice,
			ManagementChoice: r.ManagementChoice, Channel: r.Channel, RecordedBy: r.RecordedBy, Replaces: r.ReplacesID,
			RecordedAt: r.RecordedAt, SignatureSHA256: r.SignatureSHA256, Hash: r.Hash,
			SignatureURL: "/api/v1/ballot-revisions/" + strconv.FormatInt(r.ID, 10) + "/signature.png"})
	}
	return out, nil
}

// SignatureImage returns the signature kept with one revision.
func (s *Service) SignatureImage(ctx context.Context, by *auth.Staff, revisionID int64) ([]byte, error) {
	var rev Revision
	if err := s.db.WithContext(ctx).Take(&rev, revisionID).Error; err != nil {
		if errors.Is(store.NotFound(err), store.ErrNotFound) {
			return nil, problem.NotFound("ballot_not_found", "No ballot revision %d exists.", revisionID)
		}
		return nil, err
	}
	if _, err := s.householdInScope(ctx, by, rev.HouseholdID); err != nil {
		return nil, problem.NotFound("ballot_not_found", "No ballot revision %d exists in your area.", revisionID)
	}
	return rev.SignaturePNG, nil
}

func (s *Service) householdInScope(ctx context.Context, by *auth.Staff, householdID int64) (*registry.Household, error) {
	h, err := s.registry.HouseholdByID(ctx, householdID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, problem.NotFound("household_not_found", "No household %d exists.", householdID)
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.registry.BuildingScope(ctx, by, h.BuildingID); err != nil {
		return nil, problem.NotFound("household_not_found", "No household %d exists in your area.", householdID)
	}
	return h, nil
}

// ChainCheck is the result of walking a plan's ballot hash chain.
type ChainCheck struct {
	PlanID    int64  `json:"plan_id"`
	Revisions int    `json:"revisions"`
	HeadHash  string `json:"head_hash"`
	Intact    bool   `json:"intact"`
	BrokenAt  *int64 `json:"broken_at,omitempty"`
}

// VerifyChain recomputes every revision's hash of a plan and compares the links.
func (s *Service) VerifyChain(ctx context.Context, by *auth.Staff, planID int64) (*ChainCheck, error) {
	if _, err := s.plans.Get(ctx, by, planID); err != nil {
		return nil, err
	}
	out := &ChainCheck{PlanID: planID, Intact: true}
	var batch []Revision
	err := s.db.WithContext(ctx).Omit("signature_png").Where("plan_id = ?", planID).Order("id").
		FindInBatches(&batch, 500, func(_ *gorm.DB, _ int) error {
			for i := range batch {
				r := &batch[i]
				if out.Intact && (r.PrevHash != out.HeadHash || r.digest() != r.Hash) {
					out.Intact, out.BrokenAt = false, &r.ID
				}
				out.HeadHash = r.Hash
				out.Revisions++
			}
			return nil
		}).Error
	return out, err
}
