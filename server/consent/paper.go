package consent

import (
	"context"
	"strconv"

	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/files"
	"anju/server/problem"
	"anju/server/valid"
)

// PaperBallot is a signed paper form that committee staff record door to door.
type PaperBallot struct {
	HouseholdID      int64
	PlanChoice       string
	ManagementChoice string
	Replaces         OptionalID
	Photo            []byte
}

// RecordPaper records a paper ballot with the photo of the signed form. It
// counts the same as an online vote and replaces the household's current vote
// rather than adding one: a household never counts twice. Every paper ballot is
// audited with the staff member who recorded it.
func (s *Service) RecordPaper(ctx context.Context, by *auth.Staff, planID int64, in PaperBallot) (*Receipt, error) {
	if in.HouseholdID <= 0 {
		return nil, problem.Field("household_id", "is required: the household whose paper form this is")
	}
	if err := valid.OneOf("plan_choice", in.PlanChoice, Agree, Disagree, Abstain); err != nil {
		return nil, err
	}
	if err := valid.OneOf("management_choice", in.ManagementChoice, Agree, Disagree, Abstain); err != nil {
		return nil, err
	}
	if len(in.Photo) == 0 {
		return nil, problem.Field("photo", "is required: a photo of the signed paper form")
	}
	if _, err := s.plans.Get(ctx, by, planID); err != nil {
		return nil, err
	}
	hh, err := s.registry.Principal(ctx, in.HouseholdID)
	if err != nil {
		return nil, problem.Field("household_id", "no household %d exists", in.HouseholdID)
	}
	// The photo is decoded and re-encoded before any lock is taken or any
	// transaction begins: nothing waits for an image.
	photo, err := s.files.Clean(ctx, in.Photo, files.JPEG, files.PNG)
	if err != nil {
		return nil, err
	}
	logID, err := s.logFor(ctx, planID, nil)
	if err != nil {
		return nil, err
	}
	var receipt *Receipt
	var projectID int64
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockVote(tx, planID, hh.ID); err != nil {
			return err
		}
		t, err := loadTarget(tx, planID)
		if err != nil {
			return err
		}
		if !t.admits(hh.CommunityID, hh.BuildingID) {
			return problem.Field("household_id", "household %d is not on the roll of this vote", in.HouseholdID)
		}
		projectID = t.ProjectID
		if err := votingOpen(&t.Plan, s.now()); err != nil {
			return err
		}
		stored, err := s.files.Store(tx, &by.ID, photo)
		if err != nil {
			return err
		}
		rev := &Revision{PlanID: t.ID, HouseholdID: hh.ID, PlanChoice: in.PlanChoice, ManagementChoice: in.ManagementChoice,
			Channel: ChannelPaper, Evidence: EvidencePaperForm, RecordedBy: &by.ID, SignaturePNG: []byte{}, EvidenceFileID: &stored.ID,
			EvidenceSHA256: stored.SHA256, RequestHash: "paper:" + stored.SHA256}
		receipt, err = s.recordVote(tx, t, logID, rev, in.Replaces, by.Actor())
		if err != nil {
			return err
		}
		return s.audit.Record(tx, by.Actor(), "ballot.paper", "plan", t.ID, map[string]any{"household_id": hh.ID,
			"revision_id": rev.ID, "plan_choice": rev.PlanChoice, "management_choice": rev.ManagementChoice,
			"photo_sha256": stored.SHA256})
	})
	if err != nil {
		return nil, err
	}
	s.ballots.wake()
	s.events.Committed(projectID)
	return receipt, nil
}

// Evidence returns the photo of the paper form kept with one revision.
func (s *Service) Evidence(ctx context.Context, by *auth.Staff, revisionID int64) (*files.File, []byte, error) {
	var rev Revision
	if err := s.db.WithContext(ctx).Omit("signature_png").Take(&rev, revisionID).Error; err != nil || rev.EvidenceFileID == nil {
		return nil, nil, problem.NotFound("evidence_not_found", "Ballot revision %d has no photo of a paper form.", revisionID)
	}
	if _, err := s.householdInScope(ctx, by, rev.HouseholdID); err != nil {
		return nil, nil, problem.NotFound("evidence_not_found", "No ballot revision %d exists in your area.", revisionID)
	}
	return s.files.Open(ctx, *rev.EvidenceFileID)
}

func evidenceURL(id int64) string {
	return "/api/v1/ballot-revisions/" + strconv.FormatInt(id, 10) + "/evidence"
}
