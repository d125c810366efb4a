// Package projects holds renovation projects (改造项目): one community's
// renovation in one year, with the consent rule its vote is decided by.
package projects

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"anju/server/audit"
	"anju/server/auth"
	"anju/server/httpx"
	"anju/server/problem"
	"anju/server/registry"
	"anju/server/store"
	"anju/server/valid"
)

// RuleHouseholds80 is seed 002's rule: the plan and the management mode each
// need the agreement of at least threshold_percent (80 %) of all households.
const RuleHouseholds80 = "households-80"

// Project is a community's renovation project for one year.
type Project struct {
	ID               int64     `gorm:"primaryKey" json:"id"`
	CommunityID      int64     `json:"community_id"`
	Year             int       `json:"year"`
	ConsentRule      string    `json:"consent_rule"`
	ThresholdPercent int       `json:"threshold_percent"`
	CreatedBy        *int64    `json:"-"`
	CreatedAt        time.Time `json:"created_at"`
}

// View is a project with where it is and what is put to the vote.
type View struct {
	Project
	CommunityName    string  `json:"community_name"`
	DistrictID       int64   `json:"district_id"`
	DistrictName     string  `json:"district_name"`
	CurrentPlanID    *int64  `json:"current_plan_id"`
	CurrentPlanTitle *string `json:"current_plan_title"`
}

// NewProject is a project to create.
type NewProject struct {
	Year             int `json:"year"`
	ThresholdPercent int `json:"threshold_percent,omitempty"`
}

// Service manages projects.
type Service struct {
	db       *store.DB
	audit    *audit.Log
	registry *registry.Service
}

// NewService returns the project service.
func NewService(db *store.DB, log *audit.Log, reg *registry.Service) *Service {
	return &Service{db: db, audit: log, registry: reg}
}

// Create starts a project for a community the caller may see.
func (s *Service) Create(ctx context.Context, by *auth.Staff, communityID int64, in NewProject) (*View, error) {
	if err := valid.Range("year", in.Year, 2000, 2100); err != nil {
		return nil, err
	}
	if in.ThresholdPercent == 0 {
		in.ThresholdPercent = 80
	}
	if err := valid.Range("threshold_percent", in.ThresholdPercent, 51, 100); err != nil {
		return nil, err
	}
	if _, err := s.registry.Community(ctx, by, communityID); err != nil {
		return nil, err
	}
	p := &Project{CommunityID: communityID, Year: in.Year, ConsentRule: RuleHouseholds80,
		ThresholdPercent: in.ThresholdPercent, CreatedBy: &by.ID, CreatedAt: store.Now()}
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(p).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Conflict("project_exists", "Community %d already has a project for %d.", communityID, in.Year)
			}
			return err
		}
		return s.audit.Record(tx, by.Actor(), "project.create", "project", p.ID, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, by, p.ID)
}

const viewQuery = `SELECT p.*, c.name AS community_name, c.district_id, d.name AS district_name,
	cur.id AS current_plan_id, cur.title AS current_plan_title
	FROM projects p
	JOIN communities c ON c.id = p.community_id
	JOIN districts d ON d.id = c.district_id
	LEFT JOIN plans cur ON cur.project_id = p.id AND cur.status = 'published'`

// List returns the projects the caller may see, newest first.
func (s *Service) List(ctx context.Context, by *auth.Staff) ([]View, error) {
	q, args := viewQuery, []any{}
	switch by.Role {
	case auth.RoleDistrict:
		q, args = q+" WHERE c.district_id = ?", append(args, by.DistrictID)
	case auth.RoleCommittee:
		q, args = q+" WHERE c.id = ?", append(args, by.CommunityID)
	}
	var out []View
	err := s.db.WithContext(ctx).Raw(q+" ORDER BY p.year DESC, p.id DESC", args...).Scan(&out).Error
	return out, err
}

// Get loads one project the caller may see.
func (s *Service) Get(ctx context.Context, by *auth.Staff, id int64) (*View, error) {
	v, err := s.ByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if by != nil && !by.CanCommunity(v.DistrictID, v.CommunityID) {
		return nil, problem.NotFound("project_not_found", "No project %d exists in your area.", id)
	}
	return v, nil
}

// ByID loads a project without a permission check.
func (s *Service) ByID(ctx context.Context, id int64) (*View, error) {
	var out []View
	if err := s.db.WithContext(ctx).Raw(viewQuery+" WHERE p.id = ?", id).Scan(&out).Error; err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, problem.NotFound("project_not_found", "No project %d exists.", id)
	}
	return &out[0], nil
}

// Handlers serve projects.
type Handlers struct{ svc *Service }

// NewHandlers returns the project handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// Routes registers the project routes.
func (h *Handlers) Routes(r *httpx.Router) {
	r.Add(
		httpx.Route{Method: http.MethodPost, Path: "/communities/:id/projects", Access: httpx.Staff, Tag: "projects",
			Summary: "Start a renovation project for a community", Request: NewProject{}, Response: View{},
			Status: http.StatusCreated, Handler: h.create},
		httpx.Route{Method: http.MethodGet, Path: "/projects", Access: httpx.Staff, Tag: "projects",
			Summary: "Projects the caller may see", Response: httpx.List[View]{}, Handler: h.list},
		httpx.Route{Method: http.MethodGet, Path: "/projects/:id", Access: httpx.Staff, Tag: "projects",
			Summary: "One project", Response: View{}, Handler: h.get},
	)
}

func (h *Handlers) create(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	id, err := httpx.ID(c, "id")
	if err != nil {
		return err
	}
	var req NewProject
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	p, err := h.svc.Create(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.Created(c, p)
}

func (h *Handlers) list(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	ps, err := h.svc.List(c.Request().Context(), s)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(ps))
}

func (h *Handlers) get(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	id, err := httpx.ID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.svc.Get(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, p)
}
