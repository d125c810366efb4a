// Package projects holds renovation projects (改造项目): one community's
// renovation in one year, with the consent rule its vote is decided by.
package projects

import (
	"context"
	"encoding/json"
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

// Consent rules a project's vote is decided by (DESIGN rule 3).
const (
	// RuleHouseholds80 is seed 002's rule: the plan and the management mode each
	// need the agreement of at least threshold_percent (80 %) of all households.
	RuleHouseholds80 = "households-80"
	// RuleCivilCodeMajor is Civil Code art. 278 for renovation and rebuilding:
	// turnout ≥ 2/3 of area and heads, approval ≥ 3/4 of participating area and heads.
	RuleCivilCodeMajor = "civil-code-major"
	// RuleCivilCodeOrdinary is art. 278 for other matters: the same turnout,
	// approval > 1/2 of participating area and heads.
	RuleCivilCodeOrdinary = "civil-code-ordinary"
)

// Project is a community's renovation project for one year.
type Project struct {
	ID               int64  `gorm:"primaryKey" json:"id"`
	CommunityID      int64  `json:"community_id"`
	Year             int    `json:"year"`
	ConsentRule      string `json:"consent_rule"`
	ThresholdPercent int    `json:"threshold_percent"`
	ScopeBuildingID  *int64 `json:"scope_building_id"`
	ObjectionDays    int    `json:"objection_days"`
	// Stage is where the project is in the pipeline (see package pipeline).
	Stage        string     `gorm:"default:survey" json:"stage"`
	AcceptedOn   *time.Time `json:"accepted_on"`
	HandedOverAt *time.Time `json:"handed_over_at"`
	Ledger
	CreatedBy *int64    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// View is a project with where it is and what is put to the vote.
type View struct {
	Project
	CommunityName     string  `json:"community_name"`
	ScopeBuildingName *string `json:"scope_building_name"`
	DistrictID        int64   `json:"district_id"`
	DistrictName      string  `json:"district_name"`
	CurrentPlanID     *int64  `json:"current_plan_id"`
	CurrentPlanTitle  *string `json:"current_plan_title"`
}

// NewProject is a project to create.
type NewProject struct {
	Year int `json:"year"`
	Settings
}

// Settings decide how a project's vote is counted. They can change until the
// project's first plan is published.
type Settings struct {
	ConsentRule      string `json:"consent_rule,omitempty"`
	ThresholdPercent int    `json:"threshold_percent,omitempty"`
	// ScopeBuildingID limits the vote to one building (a lift for one
	// stairwell); null or absent: the whole community.
	ScopeBuildingID *int64 `json:"scope_building_id,omitempty"`
	ObjectionDays   int    `json:"objection_days,omitempty"`
}

// normalize fills defaults and checks the settings on their own.
func (st *Settings) normalize() error {
	if st.ConsentRule == "" {
		st.ConsentRule = RuleHouseholds80
	}
	if err := valid.OneOf("consent_rule", st.ConsentRule, RuleHouseholds80, RuleCivilCodeMajor, RuleCivilCodeOrdinary); err != nil {
		return err
	}
	if st.ThresholdPercent == 0 {
		st.ThresholdPercent = 80
	}
	if err := valid.Range("threshold_percent", st.ThresholdPercent, 51, 100); err != nil {
		return err
	}
	if st.ObjectionDays == 0 {
		st.ObjectionDays = 7
	}
	return valid.Range("objection_days", st.ObjectionDays, 1, 60)
}

// checkScope makes sure a scope building belongs to the community.
func (s *Service) checkScope(ctx context.Context, communityID int64, buildingID *int64) error {
	if buildingID == nil {
		return nil
	}
	var n int64
	if err := s.db.WithContext(ctx).Table("buildings").Where("id = ? AND community_id = ?", *buildingID, communityID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return problem.Field("scope_building_id", "building %d is not in this community", *buildingID)
	}
	return nil
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
	if err := in.normalize(); err != nil {
		return nil, err
	}
	if _, err := s.registry.Community(ctx, by, communityID); err != nil {
		return nil, err
	}
	if err := s.checkScope(ctx, communityID, in.ScopeBuildingID); err != nil {
		return nil, err
	}
	p := &Project{Ledger: Ledger{Funding: []FundingLine{}}, CommunityID: communityID, Year: in.Year, ConsentRule: in.ConsentRule, ThresholdPercent: in.ThresholdPercent,
		ScopeBuildingID: in.ScopeBuildingID, ObjectionDays: in.ObjectionDays, CreatedBy: &by.ID, CreatedAt: store.Now()}
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
	cur.id AS current_plan_id, cur.title AS current_plan_title, sb.name AS scope_building_name
	FROM projects p
	JOIN communities c ON c.id = p.community_id
	JOIN districts d ON d.id = c.district_id
	LEFT JOIN buildings sb ON sb.id = p.scope_building_id
	LEFT JOIN plans cur ON cur.project_id = p.id AND cur.status = 'published'`

// UpdateSettings changes how the vote is counted, until the first plan is published.
func (s *Service) UpdateSettings(ctx context.Context, by *auth.Staff, id int64, in Settings) (*View, error) {
	if err := in.normalize(); err != nil {
		return nil, err
	}
	v, err := s.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if err := s.checkScope(ctx, v.CommunityID, in.ScopeBuildingID); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		var published int64
		if err := tx.Table("plans").Where("project_id = ? AND status <> 'draft'", id).Count(&published).Error; err != nil {
			return err
		}
		if published > 0 {
			return problem.Conflict("settings_locked", "A plan of this project has been published, so how its vote is counted can no longer change.")
		}
		if err := tx.Model(&Project{}).Where("id = ?", id).Updates(map[string]any{"consent_rule": in.ConsentRule,
			"threshold_percent": in.ThresholdPercent, "scope_building_id": in.ScopeBuildingID,
			"objection_days": in.ObjectionDays}).Error; err != nil {
			return err
		}
		return s.audit.Record(tx, by.Actor(), "project.settings", "project", id, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, by, id)
}

// List returns the projects the caller may see, newest first.
func (s *Service) List(ctx context.Context, by *auth.Staff) ([]View, error) {
	return s.Find(ctx, by, Filter{})
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
			Summary: "Projects the caller may see, filtered", Response: httpx.List[View]{}, Handler: h.list,
			Params: map[string]string{"year": "the projects of a year", "district_id": "of one district", "stage": "in one stage",
				"kind": "new or continuing", "started": "true or false: started (开工) or not", "completed": "true or false: accepted (完成改造) or not"}},
		httpx.Route{Method: http.MethodGet, Path: "/projects/:id", Access: httpx.Staff, Tag: "projects",
			Summary: "One project", Response: View{}, Handler: h.get},
		httpx.Route{Method: http.MethodPut, Path: "/projects/:id/settings", Access: httpx.Staff, Tag: "projects",
			Summary: "Choose the consent rule, threshold, scope and objection period (until the first plan is published)",
			Request: Settings{}, Response: View{}, Handler: h.settings},
		httpx.Route{Method: http.MethodGet, Path: "/projects/:id/audit", Access: httpx.Staff, Tag: "projects",
			Summary:  "Who did what to the project, its plans, votes and roll, and when (newest first)",
			Response: httpx.List[AuditEntry]{}, Handler: h.audit},
	)
	r.Add(ledgerRoutes(h)...)
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
	f, err := filterFrom(c)
	if err != nil {
		return err
	}
	ps, err := h.svc.Find(c.Request().Context(), s, f)
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

func (h *Handlers) settings(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req Settings
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	p, err := h.svc.UpdateSettings(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.OK(c, p)
}

// AuditEntry is one audited action about a project.
type AuditEntry struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"at"`
	Actor       string    `json:"actor"`
	Action      string    `json:"action"`
	SubjectType string    `json:"subject_type"`
	SubjectID   int64     `json:"subject_id"`
	Detail      string    `json:"detail"`
	Hash        string    `json:"hash"`
}

const auditQuery = `SELECT id, at, actor, action, subject_type, subject_id, detail, hash FROM audit_events
	WHERE (subject_type = 'project' AND subject_id = ?)
	   OR (subject_type = 'community' AND subject_id = ?)
	   OR (subject_type = 'plan' AND subject_id IN (SELECT id FROM plans WHERE project_id = ?))
	   OR (subject_type = 'building' AND subject_id IN (SELECT id FROM buildings WHERE community_id = ?))
	   OR (subject_type = 'household' AND subject_id IN (SELECT h.id FROM households h JOIN buildings b ON b.id = h.building_id WHERE b.community_id = ?))
	ORDER BY id DESC LIMIT 1000`

// Audit lists the audited actions about a project, its plans, votes and roll,
// newest first (at most 1000).
func (s *Service) Audit(ctx context.Context, by *auth.Staff, id int64) ([]AuditEntry, error) {
	v, err := s.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	var out []AuditEntry
	err = s.db.WithContext(ctx).Raw(auditQuery, id, v.CommunityID, id, v.CommunityID, v.CommunityID).Scan(&out).Error
	return out, err
}

func (h *Handlers) audit(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	entries, err := h.svc.Audit(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(entries))
}

// jsonText stores a value in a JSON text column.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}
