package consent

import (
	"context"
	"errors"
	"strconv"
	"time"

	"anju/server/auth"
	"anju/server/plans"
	"anju/server/problem"
	"anju/server/registry"
	"anju/server/store"
)

// ErrNoBallot says the household has not voted on the plan.
var ErrNoBallot = problem.NotFound("ballot_not_found", "Your household has not voted on this plan yet.")

// Current returns the household's current receipt on a plan (0: the plan now
// put to the vote).
func (s *Service) Current(ctx context.Context, hh *auth.Household, planID int64) (*Receipt, error) {
	var plan *plans.Plan
	if planID == 0 {
		p, _, err := s.plans.CurrentFor(ctx, hh.CommunityID, hh.BuildingID)
		if err != nil {
			return nil, err
		}
		plan = p
	} else {
		t, err := loadTarget(s.db.WithContext(ctx), planID)
		if err != nil || !t.admits(hh.CommunityID, hh.BuildingID) {
			return nil, problem.NotFound("plan_not_found", "Plan %d is not a plan of your household.", planID)
		}
		plan = &t.Plan
	}
	b, err := currentBallot(s.db.WithContext(ctx), plan.ID, hh.ID)
	if err != nil {
		return nil, err
	}
	if b == nil || b.CurrentRevisionID == nil {
		return nil, ErrNoBallot
	}
	return s.receipt(s.db.WithContext(ctx), *b.CurrentRevisionID, plan.VotingClosesAt)
}

// HistoryEntry is one revision as authorised staff see it.
type HistoryEntry struct {
	ID               int64  `json:"id"`
	PlanID           int64  `json:"plan_id"`
	Revision         int    `json:"revision"`
	PlanChoice       string `json:"plan_choice"`
	ManagementChoice string `json:"management_choice"`
	Channel          string `json:"channel"`
	// Evidence is how the vote was confirmed (signature, household_code, paper_form).
	Evidence        string    `json:"evidence"`
	RecordedBy      *int64    `json:"recorded_by"`
	Replaces        *int64    `json:"replaces"`
	RecordedAt      time.Time `json:"recorded_at"`
	SignatureSHA256 string    `json:"signature_sha256"`
	SignatureURL    string    `json:"signature_url,omitempty"`
	EvidenceURL     string    `json:"evidence_url,omitempty"`
	RecordedByName  *string   `json:"recorded_by_name"`
	Hash            string    `json:"hash"`
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
		e := HistoryEntry{ID: r.ID, PlanID: r.PlanID, Revision: r.Revision, PlanChoice: r.PlanChoice,
			ManagementChoice: r.ManagementChoice, Channel: r.Channel, Evidence: r.Kind(), RecordedBy: r.RecordedBy, Replaces: r.ReplacesID,
			RecordedAt: r.RecordedAt, SignatureSHA256: r.SignatureSHA256, Hash: r.Hash}
		if r.SignatureSHA256 != "" {
			e.SignatureURL = "/api/v1/ballot-revisions/" + strconv.FormatInt(r.ID, 10) + "/signature.png"
		}
		if r.EvidenceFileID != nil {
			e.EvidenceURL = evidenceURL(r.ID)
		}
		if r.RecordedBy != nil {
			name, err := staffName(s.db.WithContext(ctx), *r.RecordedBy)
			if err != nil {
				return nil, err
			}
			e.RecordedByName = &name
		}
		out = append(out, e)
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
	if len(rev.SignaturePNG) == 0 {
		return nil, problem.NotFound("signature_not_found", "Ballot revision %d is a paper ballot; its evidence is the photo of the signed form.", revisionID)
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
