package pipeline

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"anju/server/audit"
	"anju/server/auth"
	"anju/server/consent"
	"anju/server/files"
	"anju/server/httpx"
	"anju/server/plans"
	"anju/server/problem"
	"anju/server/projects"
	"anju/server/store"
	"anju/server/valid"
)

// StageEvent is one recorded move of a project.
type StageEvent struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	FromStage string    `json:"from"`
	ToStage   string    `json:"to"`
	Note      string    `json:"note"`
	StaffID   int64     `json:"-"`
	StaffName string    `gorm:"->;-:migration" json:"by"`
	At        time.Time `json:"at"`
}

// TableName binds StageEvent to its table.
func (StageEvent) TableName() string { return "project_stage_events" }

// AcceptanceRecord is one acceptance inspection (工程验收).
type AcceptanceRecord struct {
	ID          int64     `json:"id"`
	ProjectID   int64     `json:"project_id"`
	InspectedOn time.Time `json:"inspected_on"`
	Passed      bool      `json:"passed"`
	Note        string    `json:"note"`
	StaffID     int64     `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// TableName binds AcceptanceRecord to its table.
func (AcceptanceRecord) TableName() string { return "acceptances" }

// TransitionRequest asks to move a project to a stage.
type TransitionRequest struct {
	To   string `json:"to"`
	Note string `json:"note,omitempty"`
}

// AcceptanceRequest records an inspection.
type AcceptanceRequest struct {
	InspectedOn    string            `json:"inspected_on"`
	Passed         bool              `json:"passed"`
	Note           string            `json:"note,omitempty"`
	Rectifications []RectificationIn `json:"rectifications,omitempty"`
}

// Service moves projects through the stages.
type Service struct {
	db       *store.DB
	audit    *audit.Log
	projects *projects.Service
	plans    *plans.Service
	consent  *consent.Service
	files    *files.Service
}

// NewService returns the pipeline service.
func NewService(db *store.DB, log *audit.Log, prj *projects.Service, pl *plans.Service, cons *consent.Service, fs *files.Service) *Service {
	return &Service{db: db, audit: log, projects: prj, plans: pl, consent: cons, files: fs}
}

func (s *Service) facts(ctx context.Context, by *auth.Staff, p *projects.View) (Facts, error) {
	var f Facts
	if _, err := s.plans.CurrentForProject(ctx, p.ID); err == nil {
		f.PlanPublished = true
		t, err := s.consent.Tally(ctx, by, p.ID)
		if err != nil {
			return f, err
		}
		f.ConsentReached = t.Reached
	} else if pe, ok := problem.As(err); !ok || pe.Kind != problem.KindNotFound {
		return f, err
	}
	f.AcceptancePassed = p.AcceptedOn != nil
	conf, _, err := s.confirmations(ctx, p.ID)
	if err != nil {
		return f, err
	}
	for n := 2; n <= 5; n++ {
		if _, ok := conf[n]; !ok {
			f.CriteriaMissing = append(f.CriteriaMissing, n)
		}
	}
	var open int64
	if err := s.db.WithContext(ctx).Model(&Rectification{}).Where("project_id = ? AND closed_at IS NULL", p.ID).Count(&open).Error; err != nil {
		return f, err
	}
	f.RectificationsOpen = int(open)
	return f, nil
}

// Transition moves a project one stage forward when its preconditions hold.
func (s *Service) Transition(ctx context.Context, by *auth.Staff, id int64, in TransitionRequest) (*projects.View, error) {
	note, err := valid.Text("note", in.Note, false, 500)
	if err != nil {
		return nil, err
	}
	p, err := s.projects.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	f, err := s.facts(ctx, by, p)
	if err != nil {
		return nil, err
	}
	if reasons := Check(p.Stage, in.To, f); len(reasons) > 0 {
		msgs := make([]string, len(reasons))
		codes := make([]string, len(reasons))
		for i, r := range reasons {
			msgs[i], codes[i] = r.Message, r.Code
		}
		return nil, problem.Conflict("transition_refused", "The project cannot move to %q: %s.", in.To, join(msgs)).
			With("reasons", msgs).With("reason_codes", codes)
	}
	if in.To == Construction && p.StartedOn == nil {
		if _, err := s.StartCriteria(ctx, by, id); err != nil {
			return nil, err
		}
	}
	now := store.Now()
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		updates := map[string]any{"stage": in.To}
		if in.To == HandedOver {
			updates["handed_over_at"] = now
		}
		res := tx.Model(&projects.Project{}).Where("id = ? AND stage = ?", id, p.Stage).Updates(updates)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return problem.Conflict("stage_changed", "Someone else has just moved this project; reload and try again.")
		}
		ev := &StageEvent{ProjectID: id, FromStage: p.Stage, ToStage: in.To, Note: note, StaffID: by.ID, At: now}
		if err := tx.Omit("StaffName").Create(ev).Error; err != nil {
			return err
		}
		return s.audit.Record(tx, by.Actor(), "project.stage", "project", id, map[string]any{"from": p.Stage, "to": in.To, "note": note})
	})
	if err != nil {
		return nil, err
	}
	return s.projects.Get(ctx, by, id)
}

// RecordAcceptance records an acceptance inspection; a passed one sets the
// acceptance date, which opens ratings and starts the warranty.
func (s *Service) RecordAcceptance(ctx context.Context, by *auth.Staff, id int64, in AcceptanceRequest) (*AcceptanceRecord, error) {
	day, err := valid.Date("inspected_on", in.InspectedOn)
	if err != nil {
		return nil, err
	}
	if day.After(valid.Today(store.Now())) {
		return nil, problem.Field("inspected_on", "lies in the future; record an inspection once it has taken place")
	}
	note, err := valid.Text("note", in.Note, !in.Passed, 1000)
	if err != nil {
		return nil, err
	}
	p, err := s.projects.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if p.Stage != Acceptance {
		return nil, problem.Conflict("not_in_acceptance", "The project is in stage %s (%s); acceptance is recorded in stage acceptance.", p.Stage, Label(p.Stage))
	}
	rects, err := checkRectifications(in.Rectifications, day)
	if err != nil {
		return nil, err
	}
	rec := &AcceptanceRecord{ProjectID: id, InspectedOn: day, Passed: in.Passed, Note: note, StaffID: by.ID, CreatedAt: store.Now()}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(rec).Error; err != nil {
			return err
		}
		for i := range rects {
			rects[i].ProjectID, rects[i].AcceptanceID = id, rec.ID
			if err := tx.Create(&rects[i]).Error; err != nil {
				return err
			}
		}
		if in.Passed {
			if err := tx.Model(&projects.Project{}).Where("id = ?", id).Update("accepted_on", day).Error; err != nil {
				return err
			}
		}
		return s.audit.Record(tx, by.Actor(), "project.acceptance", "project", id, in)
	})
	return rec, err
}

// History lists a project's stage moves, oldest first.
func (s *Service) History(ctx context.Context, by *auth.Staff, id int64) ([]StageEvent, error) {
	if _, err := s.projects.Get(ctx, by, id); err != nil {
		return nil, err
	}
	var out []StageEvent
	err := s.db.WithContext(ctx).Raw(`SELECT e.*, u.username AS staff_name FROM project_stage_events e
		JOIN staff_users u ON u.id = e.staff_id WHERE e.project_id = ? ORDER BY e.id`, id).Scan(&out).Error
	return out, err
}

func join(reasons []string) string {
	out := ""
	for i, r := range reasons {
		if i > 0 {
			out += "; "
		}
		out += r
	}
	return out
}

// Handlers serve the pipeline.
type Handlers struct{ svc *Service }

// NewHandlers returns the pipeline handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// Routes registers the pipeline routes.
func (h *Handlers) Routes(r *httpx.Router) {
	r.Add(
		httpx.Route{Method: http.MethodPost, Path: "/projects/:id/transitions", Access: httpx.Staff, Tag: "pipeline",
			Summary: "Move a project to its next stage (refused with the reasons when preconditions fail)",
			Request: TransitionRequest{}, Response: projects.View{}, Handler: h.transition},
		httpx.Route{Method: http.MethodGet, Path: "/projects/:id/stages", Access: httpx.Staff, Tag: "pipeline",
			Summary: "The project's stage moves, who and when", Response: httpx.List[StageEvent]{}, Handler: h.history},
		httpx.Route{Method: http.MethodPost, Path: "/projects/:id/acceptance", Access: httpx.Staff, Tag: "pipeline",
			Summary: "Record an acceptance inspection (a passed one opens ratings and starts the warranty)",
			Request: AcceptanceRequest{}, Response: AcceptanceRecord{}, Status: http.StatusCreated, Handler: h.acceptance},
	)
	r.Add(criteriaRoutes(h)...)
	r.Add(rectificationRoutes(h)...)
	r.Add(adjustRoutes(h)...)
}

func (h *Handlers) transition(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req TransitionRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	p, err := h.svc.Transition(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.OK(c, p)
}

func (h *Handlers) history(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	evs, err := h.svc.History(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(evs))
}

func (h *Handlers) acceptance(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req AcceptanceRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	rec, err := h.svc.RecordAcceptance(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.Created(c, rec)
}
