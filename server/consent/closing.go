package consent

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/plans"
	"anju/server/problem"
	"anju/server/projects"
	"anju/server/registry"
	"anju/server/store"
	"anju/server/valid"
)

// Notice kinds: the preliminary result opens the objection period; the final
// one closes the matter (the sequence of Guangdong cities' e-voting).
const (
	NoticePreliminary = "preliminary"
	NoticeFinal       = "final"
)

// Result is what a notice publishes: aggregates only, never a household.
type Result struct {
	Rule             string `json:"rule"`
	ThresholdPercent int    `json:"threshold_percent"`
	Counted
	Reached bool `json:"reached"`
	// Record pins the count to the plan's public log: the notice prints the
	// signed checkpoint's size and root hash, so the paper on the wall can be
	// checked against the log for as long as anyone keeps it.
	Record *RecordPin `json:"record,omitempty"`
}

// RecordPin is a plan log's checkpoint as a notice prints it.
type RecordPin struct {
	Origin   string `json:"origin"`
	TreeSize uint64 `json:"tree_size"`
	RootHash []byte `json:"root_hash"`
}

func resultOf(t *ProjectTally) Result {
	return Result{Rule: t.Rule, ThresholdPercent: t.ThresholdPercent, Counted: t.Counted, Reached: t.Reached}
}

// Notice is a published result notice (结果公示).
type Notice struct {
	ID                int64      `json:"id"`
	PlanID            int64      `json:"plan_id"`
	Kind              string     `json:"kind"`
	Result            Result     `gorm:"serializer:json" json:"result"`
	ObjectionDeadline *time.Time `json:"objection_deadline"`
	PublishedAt       time.Time  `json:"published_at"`
	PublishedBy       *int64     `json:"-"`
}

// TableName binds Notice to its table.
func (Notice) TableName() string { return "consent_notices" }

// Objection is a household's objection (异议) to a preliminary result, and the answer.
type Objection struct {
	ID          int64      `json:"id"`
	PlanID      int64      `json:"plan_id"`
	HouseholdID int64      `json:"-"`
	Reason      string     `json:"reason"`
	CreatedAt   time.Time  `json:"created_at"`
	Answer      *string    `json:"answer"`
	AnsweredBy  *int64     `json:"-"`
	AnsweredAt  *time.Time `json:"answered_at"`
}

// ObjectionView is an objection as staff see it: who (masked) and what.
type ObjectionView struct {
	Objection
	HouseholdID  int64  `json:"household_id"`
	BuildingName string `json:"building_name"`
	Entrance     string `json:"entrance"`
	Room         string `json:"room"`
	OwnerMasked  string `json:"owner_masked"`
}

// Close ends the vote of a project's current plan now.
func (s *Service) Close(ctx context.Context, by *auth.Staff, projectID int64) (*ProjectTally, error) {
	prj, err := s.projects.Get(ctx, by, projectID)
	if err != nil {
		return nil, err
	}
	plan, err := s.plans.CurrentForProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.db.Lock(tx, store.LockPlanVote, plan.ID); err != nil {
			return err
		}
		if err := tx.Take(plan, plan.ID).Error; err != nil {
			return err
		}
		switch plan.VotingStatus(s.now()) {
		case plans.VotingClosed:
			return problem.Conflict("voting_closed", "The vote on plan %d has already ended.", plan.ID)
		case plans.VotingNotStarted:
			return problem.Conflict("voting_not_open", "The vote on plan %d has not started; publish a new version instead of closing it.", plan.ID)
		}
		now := s.now()
		if err := tx.Model(&plans.Plan{}).Where("id = ?", plan.ID).Updates(map[string]any{"closed_at": now, "closed_by": by.ID}).Error; err != nil {
			return err
		}
		plan.ClosedAt = &now
		return s.audit.Record(tx, by.Actor(), "vote.close", "plan", plan.ID, map[string]any{"project_id": projectID})
	})
	if err != nil {
		return nil, err
	}
	s.events.Changed(ctx, projectID)
	t, err := s.tallyOf(ctx, prj, plan)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// closedPlan returns the project's current plan once its vote has ended.
func (s *Service) closedPlan(ctx context.Context, projectID int64) (*plans.Plan, error) {
	plan, err := s.plans.CurrentForProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if plan.VotingStatus(s.now()) != plans.VotingClosed {
		return nil, problem.Conflict("voting_open", "The vote has not ended yet; close it first (or wait for %s).", plan.VotingClosesAt.Format(time.RFC3339))
	}
	return plan, nil
}

// NoticeRequest names the notice to publish.
type NoticeRequest struct {
	Kind string `json:"kind"`
}

// PublishNotice publishes the preliminary result (opening the objection period)
// or, once that period is over and every objection is answered, the final one.
func (s *Service) PublishNotice(ctx context.Context, by *auth.Staff, projectID int64, in NoticeRequest) (*Notice, error) {
	if err := valid.OneOf("kind", in.Kind, NoticePreliminary, NoticeFinal); err != nil {
		return nil, err
	}
	prj, err := s.projects.Get(ctx, by, projectID)
	if err != nil {
		return nil, err
	}
	plan, err := s.closedPlan(ctx, projectID)
	if err != nil {
		return nil, err
	}
	// Every vote is in the tree before the notice pins it.
	logID, err := s.publicLog(ctx, plan.ID)
	if err != nil {
		return nil, err
	}
	if err := s.ballots.logs.Flush(ctx, logID); err != nil {
		return nil, err
	}
	t, err := s.tallyOf(ctx, prj, plan)
	if err != nil {
		return nil, err
	}
	if t.RecordProblem != "" {
		return nil, errRecord(t.RecordProblem)
	}
	cp, err := s.Checkpoint(ctx, plan.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	n := &Notice{PlanID: plan.ID, Kind: in.Kind, Result: resultOf(t), PublishedAt: now, PublishedBy: &by.ID}
	n.Result.Record = &RecordPin{Origin: cp.Origin, TreeSize: cp.TreeSize, RootHash: cp.RootHash}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.db.Lock(tx, store.LockPlanVote, plan.ID); err != nil {
			return err
		}
		if in.Kind == NoticePreliminary {
			deadline := now.Add(time.Duration(prj.ObjectionDays) * 24 * time.Hour)
			n.ObjectionDeadline = &deadline
		} else if err := finalAllowed(tx, plan.ID, now); err != nil {
			return err
		}
		if err := tx.Create(n).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Conflict("notice_exists", "The %s notice of this vote has already been published.", in.Kind)
			}
			return err
		}
		return s.audit.Record(tx, by.Actor(), "notice."+in.Kind, "plan", plan.ID, map[string]any{"notice_id": n.ID, "reached": t.Reached})
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// finalAllowed checks that the objection period is over and every objection answered.
func finalAllowed(tx *gorm.DB, planID int64, now time.Time) error {
	var pre []Notice
	if err := tx.Where("plan_id = ? AND kind = ?", planID, NoticePreliminary).Limit(1).Find(&pre).Error; err != nil {
		return err
	}
	if len(pre) == 0 {
		return problem.Conflict("preliminary_missing", "Publish the preliminary result first; its objection period must pass before the final notice.")
	}
	if now.Before(*pre[0].ObjectionDeadline) {
		return problem.Conflict("objection_period_running", "Households may object until %s; publish the final notice after that.",
			pre[0].ObjectionDeadline.Format(time.RFC3339)).With("objection_deadline", pre[0].ObjectionDeadline)
	}
	var open int64
	if err := tx.Model(&Objection{}).Where("plan_id = ? AND answer IS NULL", planID).Count(&open).Error; err != nil {
		return err
	}
	if open > 0 {
		return problem.Conflict("objections_open", "%d objection(s) have no answer yet; answer each before the final notice.", open).With("open", open)
	}
	return nil
}

// Notices lists the notices of a project's plans, newest first.
func (s *Service) Notices(ctx context.Context, by *auth.Staff, projectID int64) ([]Notice, error) {
	if _, err := s.projects.Get(ctx, by, projectID); err != nil {
		return nil, err
	}
	var out []Notice
	err := s.db.WithContext(ctx).Where("plan_id IN (SELECT id FROM plans WHERE project_id = ?)", projectID).Order("id DESC").Find(&out).Error
	return out, err
}

func (s *Service) noticesOf(ctx context.Context, planID int64) ([]Notice, error) {
	var out []Notice
	err := s.db.WithContext(ctx).Where("plan_id = ?", planID).Order("id DESC").Find(&out).Error
	return out, err
}

// ObjectionRequest is a household's objection.
type ObjectionRequest struct {
	Reason string `json:"reason"`
}

// maxObjections bounds the objections of one household on one vote.
const maxObjections = 5

// Object lodges a household's objection during the objection period.
func (s *Service) Object(ctx context.Context, hh *auth.Household, in ObjectionRequest) (*Objection, error) {
	reason, err := valid.Text("reason", in.Reason, true, 1000)
	if err != nil {
		return nil, err
	}
	if len([]rune(reason)) < 5 {
		return nil, problem.Field("reason", "say in a few words what you object to (at least 5 characters)")
	}
	plan, _, err := s.plans.CurrentFor(ctx, hh.CommunityID, hh.BuildingID)
	if err != nil {
		return nil, err
	}
	var o *Objection
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.db.Lock(tx, store.LockPlanVote, plan.ID); err != nil {
			return err
		}
		var pre []Notice
		if err := tx.Where("plan_id = ? AND kind = ?", plan.ID, NoticePreliminary).Limit(1).Find(&pre).Error; err != nil {
			return err
		}
		if len(pre) == 0 {
			return problem.Conflict("objection_period_not_open", "Objections can be lodged once the preliminary result is published.")
		}
		if !s.now().Before(*pre[0].ObjectionDeadline) {
			return problem.Conflict("objection_period_closed", "The objection period ended at %s.", pre[0].ObjectionDeadline.Format(time.RFC3339))
		}
		var n int64
		if err := tx.Model(&Objection{}).Where("plan_id = ? AND household_id = ?", plan.ID, hh.ID).Count(&n).Error; err != nil {
			return err
		}
		if n >= maxObjections {
			return problem.Conflict("too_many_objections", "Your household has lodged %d objections to this result; the committee answers each of them.", n)
		}
		o = &Objection{PlanID: plan.ID, HouseholdID: hh.ID, Reason: reason, CreatedAt: s.now()}
		return tx.Create(o).Error
	})
	return o, err
}

// MyObjections lists a household's objections with their answers.
func (s *Service) MyObjections(ctx context.Context, hh *auth.Household) ([]Objection, error) {
	var out []Objection
	err := s.db.WithContext(ctx).Where("household_id = ?", hh.ID).Order("id").Find(&out).Error
	return out, err
}

// Objections lists a project's objections, oldest first.
func (s *Service) Objections(ctx context.Context, by *auth.Staff, projectID int64) ([]ObjectionView, error) {
	if _, err := s.projects.Get(ctx, by, projectID); err != nil {
		return nil, err
	}
	var rows []struct {
		Objection
		BuildingName, Entrance, Room, OwnerName string
	}
	err := s.db.WithContext(ctx).Raw(`SELECT o.*, b.name AS building_name, h.entrance, h.room, h.owner_name
		FROM objections o JOIN households h ON h.id = o.household_id JOIN buildings b ON b.id = h.building_id
		WHERE o.plan_id IN (SELECT id FROM plans WHERE project_id = ?) ORDER BY o.id`, projectID).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]ObjectionView, 0, len(rows))
	for _, r := range rows {
		out = append(out, ObjectionView{Objection: r.Objection, HouseholdID: r.HouseholdID, BuildingName: r.BuildingName,
			Entrance: r.Entrance, Room: r.Room, OwnerMasked: registry.MaskName(r.OwnerName)})
	}
	return out, nil
}

// AnswerRequest is staff's answer to an objection.
type AnswerRequest struct {
	Answer string `json:"answer"`
}

// Answer records staff's answer to an objection (once).
func (s *Service) Answer(ctx context.Context, by *auth.Staff, id int64, in AnswerRequest) (*Objection, error) {
	answer, err := valid.Text("answer", in.Answer, true, 2000)
	if err != nil {
		return nil, err
	}
	var o Objection
	if err := s.db.WithContext(ctx).Take(&o, id).Error; err != nil {
		if errors.Is(store.NotFound(err), store.ErrNotFound) {
			return nil, problem.NotFound("objection_not_found", "No objection %d exists.", id)
		}
		return nil, err
	}
	if _, err := s.plans.Get(ctx, by, o.PlanID); err != nil {
		return nil, problem.NotFound("objection_not_found", "No objection %d exists in your area.", id)
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		res := tx.Model(&Objection{}).Where("id = ? AND answer IS NULL", id).
			Updates(map[string]any{"answer": answer, "answered_by": by.ID, "answered_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return problem.Conflict("already_answered", "Objection %d has already been answered.", id)
		}
		o.Answer, o.AnsweredBy, o.AnsweredAt = &answer, &by.ID, &now
		return s.audit.Record(tx, by.Actor(), "objection.answer", "plan", o.PlanID, map[string]any{"objection_id": id})
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// Board is a community's public notice board (公示栏): no sign-in, no names.
type Board struct {
	Community struct {
		ID        int64  `json:"id"`
		Name      string `json:"name"`
		Address   string `json:"address"`
		BuiltYear int    `json:"built_year"`
	} `json:"community"`
	District struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"district"`
	Plan          *plans.Summary `json:"plan"`
	Participation *struct {
		Eligible int `json:"eligible"`
		Voted    int `json:"voted"`
	} `json:"participation"`
	Result  *Result  `json:"result"`
	Notices []Notice `json:"notices"`
}

// PublicBoard shows a community's notice board: the plan of the community-wide
// vote, participation so far, the result only once the vote has closed, and
// the notices.
func (s *Service) PublicBoard(ctx context.Context, token string) (*Board, error) {
	com, err := s.registry.CommunityByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	d, err := s.registry.DistrictByID(ctx, com.DistrictID)
	if err != nil {
		return nil, err
	}
	b := &Board{Notices: []Notice{}}
	b.Community.ID, b.Community.Name, b.Community.Address, b.Community.BuiltYear = com.ID, com.Name, com.Address, com.BuiltYear
	b.District.ID, b.District.Name = d.ID, d.Name
	plan, prj, err := s.plans.CurrentFor(ctx, com.ID, 0)
	if errors.Is(err, plans.ErrNoPlan) {
		return b, nil
	}
	if err != nil {
		return nil, err
	}
	sum := s.plans.SummaryOf(plan)
	b.Plan = &sum
	if b.Notices, err = s.noticesOf(ctx, plan.ID); err != nil {
		return nil, err
	}
	return b, s.fillParticipation(ctx, b, prj, plan)
}

func (s *Service) fillParticipation(ctx context.Context, b *Board, prj *projects.View, plan *plans.Plan) error {
	if plan.VotingStatus(s.now()) == plans.VotingNotStarted {
		return nil
	}
	t, err := s.tallyOf(ctx, prj, plan)
	if err != nil {
		return err
	}
	b.Participation = &struct {
		Eligible int `json:"eligible"`
		Voted    int `json:"voted"`
	}{t.Eligible, t.Voted}
	if t.VotingStatus == plans.VotingClosed {
		r := resultOf(t)
		b.Result = &r
	}
	return nil
}
