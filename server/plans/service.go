package plans

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"anju/server/audit"
	"anju/server/auth"
	"anju/server/files"
	"anju/server/problem"
	"anju/server/projects"
	"anju/server/store"
)

// Service manages the catalogue and plans.
type Service struct {
	db       *store.DB
	audit    *audit.Log
	projects *projects.Service
	files    *files.Service
	catalog  map[string]CatalogItem
	ordered  []CatalogItem
	now      func() time.Time
}

// NewService loads the catalogue and returns the plan service.
func NewService(ctx context.Context, db *store.DB, log *audit.Log, prj *projects.Service, fs *files.Service) (*Service, error) {
	var items []CatalogItem
	if err := db.WithContext(ctx).Order("seq").Find(&items).Error; err != nil {
		return nil, fmt.Errorf("load catalogue: %w", err)
	}
	if len(items) == 0 {
		return nil, errors.New("the renovation catalogue is empty: the migrations did not run")
	}
	byCode := make(map[string]CatalogItem, len(items))
	for _, it := range items {
		byCode[it.Code] = it
	}
	return &Service{db: db, audit: log, projects: prj, files: fs, catalog: byCode, ordered: items,
		now: store.Now}, nil
}

// Catalog lists the 31 renovation items in order.
func (s *Service) Catalog() []CatalogItem { return s.ordered }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Create adds a draft plan as the project's next version.
func (s *Service) Create(ctx context.Context, by *auth.Staff, projectID int64, in Input) (*View, error) {
	if err := in.validate(s.catalog, s.now()); err != nil {
		return nil, err
	}
	prj, err := s.projects.Get(ctx, by, projectID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	p := &Plan{ProjectID: prj.ID, Status: StatusDraft, CreatedBy: &by.ID, CreatedAt: now, UpdatedAt: now}
	in.apply(p)
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.db.Lock(tx, store.LockPlans, prj.ID); err != nil {
			return err
		}
		var last struct{ V int }
		if err := tx.Raw("SELECT COALESCE(MAX(version), 0) AS v FROM plans WHERE project_id = ?", prj.ID).Scan(&last).Error; err != nil {
			return err
		}
		p.Version = last.V + 1
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		return s.audit.Record(tx, by.Actor(), "plan.create", "plan", p.ID, map[string]any{"project_id": prj.ID, "version": p.Version})
	})
	if err != nil {
		return nil, err
	}
	return s.view(ctx, p, prj.ThresholdPercent)
}

// Update replaces a draft's content. Published plans never change.
func (s *Service) Update(ctx context.Context, by *auth.Staff, id int64, in Input) (*View, error) {
	if err := in.validate(s.catalog, s.now()); err != nil {
		return nil, err
	}
	p, prj, err := s.get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.db.Lock(tx, store.LockPlans, prj.ID); err != nil {
			return err
		}
		var status string
		if err := tx.Raw("SELECT status FROM plans WHERE id = ?", id).Scan(&status).Error; err != nil {
			return err
		}
		if status != StatusDraft {
			return errPublished(id)
		}
		for _, q := range []string{"DELETE FROM plan_items WHERE plan_id = ?", "DELETE FROM plan_funding WHERE plan_id = ?"} {
			if err := tx.Exec(q, id).Error; err != nil {
				return err
			}
		}
		in.apply(p)
		p.UpdatedAt = s.now()
		if err := tx.Session(&gorm.Session{FullSaveAssociations: true}).Save(p).Error; err != nil {
			return err
		}
		return s.audit.Record(tx, by.Actor(), "plan.update", "plan", p.ID, map[string]any{"version": p.Version})
	})
	if err != nil {
		return nil, err
	}
	return s.view(ctx, p, prj.ThresholdPercent)
}

func errPublished(id int64) error {
	return problem.Conflict("plan_published", "Plan %d is published and can no longer change; create a new version of the plan instead (it starts a new vote).", id)
}

// Publish puts a draft to the vote. The project's previously published plan is
// superseded and its vote ends; ballots cast on it are kept.
func (s *Service) Publish(ctx context.Context, by *auth.Staff, id int64) (*View, error) {
	p, prj, err := s.get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.db.Lock(tx, store.LockPlans, prj.ID); err != nil {
			return err
		}
		if err := tx.Preload("Items").Take(p, id).Error; err != nil {
			return err
		}
		if p.Status != StatusDraft {
			return errPublished(id)
		}
		now := s.now()
		if !p.VotingClosesAt.After(now) {
			return problem.Conflict("voting_window_past", "The voting window closed on %s, which has passed; set a later voting_closes_at on the draft before publishing.", p.VotingClosesAt.Format(time.RFC3339))
		}
		if len(p.Items) == 0 {
			return problem.Conflict("plan_empty", "A plan needs at least one catalogue item before it is published.")
		}
		opens := now
		if p.VotingOpensAt != nil && p.VotingOpensAt.After(now) {
			opens = *p.VotingOpensAt
		}
		if err := tx.Model(&Plan{}).Where("project_id = ? AND status = ?", prj.ID, StatusPublished).
			Updates(map[string]any{"status": StatusSuperseded, "superseded_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&Plan{}).Where("id = ?", id).Updates(map[string]any{"status": StatusPublished,
			"published_at": now, "published_by": by.ID, "voting_opens_at": opens, "updated_at": now}).Error; err != nil {
			return err
		}
		return s.audit.Record(tx, by.Actor(), "plan.publish", "plan", id,
			map[string]any{"project_id": prj.ID, "version": p.Version, "voting_opens_at": opens, "voting_closes_at": p.VotingClosesAt})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, by, id)
}

// get loads a plan the caller may see, with its project.
func (s *Service) get(ctx context.Context, by *auth.Staff, id int64) (*Plan, *projects.View, error) {
	var p Plan
	if err := s.db.WithContext(ctx).Take(&p, id).Error; err != nil {
		if errors.Is(store.NotFound(err), store.ErrNotFound) {
			return nil, nil, problem.NotFound("plan_not_found", "No plan %d exists.", id)
		}
		return nil, nil, err
	}
	prj, err := s.projects.Get(ctx, by, p.ProjectID)
	if err != nil {
		return nil, nil, problem.NotFound("plan_not_found", "No plan %d exists in your area.", id)
	}
	return &p, prj, nil
}

// Get shows one plan the caller may see.
func (s *Service) Get(ctx context.Context, by *auth.Staff, id int64) (*View, error) {
	p, prj, err := s.get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, p, prj.ThresholdPercent)
}

// List shows every version of a project's plan, newest first.
func (s *Service) List(ctx context.Context, by *auth.Staff, projectID int64) ([]View, error) {
	prj, err := s.projects.Get(ctx, by, projectID)
	if err != nil {
		return nil, err
	}
	var ps []Plan
	if err := s.db.WithContext(ctx).Where("project_id = ?", projectID).Order("version DESC").Find(&ps).Error; err != nil {
		return nil, err
	}
	out := make([]View, 0, len(ps))
	for i := range ps {
		v, err := s.view(ctx, &ps[i], prj.ThresholdPercent)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, nil
}

// ErrNoPlan says nothing is put to the vote.
var ErrNoPlan = problem.NotFound("plan_not_found", "No renovation plan has been published for your community yet. The community committee will post it here.")

// CurrentFor returns the plan now put to the vote of a building's households:
// the most recently published plan of the community's projects whose vote
// covers the whole community or that building. buildingID 0 asks for
// community-wide votes only (the public notice board).
func (s *Service) CurrentFor(ctx context.Context, communityID, buildingID int64) (*Plan, *projects.View, error) {
	var ps []Plan
	err := s.db.WithContext(ctx).Joins("JOIN projects ON projects.id = plans.project_id").
		Where("projects.community_id = ? AND plans.status = ?", communityID, StatusPublished).
		Where("projects.scope_building_id IS NULL OR projects.scope_building_id = ?", buildingID).
		Order("plans.published_at DESC").Limit(1).Find(&ps).Error
	if err != nil {
		return nil, nil, err
	}
	if len(ps) == 0 {
		return nil, nil, ErrNoPlan
	}
	prj, err := s.projects.ByID(ctx, ps[0].ProjectID)
	if err != nil {
		return nil, nil, err
	}
	return &ps[0], prj, nil
}

// CurrentForProject returns the project's published plan.
func (s *Service) CurrentForProject(ctx context.Context, projectID int64) (*Plan, error) {
	var ps []Plan
	if err := s.db.WithContext(ctx).Where("project_id = ? AND status = ?", projectID, StatusPublished).Limit(1).Find(&ps).Error; err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, problem.NotFound("no_published_plan", "Project %d has no published plan yet; publish one to start the vote.", projectID)
	}
	return &ps[0], nil
}

// ViewOf renders a plan for the API.
func (s *Service) ViewOf(ctx context.Context, p *Plan, thresholdPercent int) (*View, error) {
	return s.view(ctx, p, thresholdPercent)
}

func (s *Service) view(ctx context.Context, p *Plan, thresholdPercent int) (*View, error) {
	var items []PlanItem
	var funding []PlanFunding
	db := s.db.WithContext(ctx)
	if err := db.Where("plan_id = ?", p.ID).Order("position").Find(&items).Error; err != nil {
		return nil, err
	}
	if err := db.Where("plan_id = ?", p.ID).Order("id").Find(&funding).Error; err != nil {
		return nil, err
	}
	var err error
	v := &View{ID: p.ID, ProjectID: p.ProjectID, Version: p.Version, Status: p.Status, Title: p.Title,
		Summary: p.Summary, ManagementMode: p.ManagementMode, ManagementDescription: p.ManagementDescription,
		BudgetTotalYuan: p.BudgetTotalFen, Funding: []FundingView{}, Items: []ItemView{}, CreatedAt: p.CreatedAt,
		PublishedAt: p.PublishedAt, SupersededAt: p.SupersededAt, ClosedAt: p.ClosedAt, VotingOpensAt: p.VotingOpensAt,
		VotingClosesAt: p.VotingClosesAt, VotingStatus: p.VotingStatus(s.now()), ThresholdPercent: thresholdPercent}
	for _, f := range funding {
		v.Funding = append(v.Funding, FundingView{Source: f.Source, AmountYuan: f.AmountFen})
	}
	if v.Attachments, err = s.attachments(ctx, p); err != nil {
		return nil, err
	}
	for _, it := range items {
		c := s.catalog[it.CatalogCode]
		v.Items = append(v.Items, ItemView{CatalogCode: it.CatalogCode, Category: c.Category, NameZh: c.NameZh,
			NameEn: c.NameEn, Content: c.Content, Standard: c.Standard, Description: it.Description,
			Quantity: it.Quantity, BudgetYuan: it.BudgetFen})
	}
	return v, nil
}

// SummaryOf is the plan's headline.
func (s *Service) SummaryOf(p *Plan) Summary {
	return Summary{ID: p.ID, ProjectID: p.ProjectID, Version: p.Version, Title: p.Title, Summary: p.Summary,
		VotingOpensAt: p.VotingOpensAt, VotingClosesAt: p.VotingClosesAt, ClosedAt: p.ClosedAt, VotingStatus: p.VotingStatus(s.now())}
}

// VotingOpenIn tells whether a vote is open in a community right now.
func (s *Service) VotingOpenIn(ctx context.Context, communityID int64) (bool, error) {
	var ps []Plan
	err := s.db.WithContext(ctx).Joins("JOIN projects ON projects.id = plans.project_id").
		Where("projects.community_id = ? AND plans.status = ?", communityID, StatusPublished).Find(&ps).Error
	if err != nil {
		return false, err
	}
	now := s.now()
	for i := range ps {
		if ps[i].VotingStatus(now) == VotingOpen {
			return true, nil
		}
	}
	return false, nil
}
