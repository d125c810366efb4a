package pipeline

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/httpx"
	"anju/server/problem"
	"anju/server/store"
	"anju/server/valid"
)

// Rectification is an issue found at acceptance that must be fixed (整改)
// before the project is handed over.
type Rectification struct {
	ID           int64      `json:"id"`
	ProjectID    int64      `json:"project_id"`
	AcceptanceID int64      `json:"acceptance_id"`
	Description  string     `json:"description"`
	Deadline     time.Time  `json:"deadline"`
	ClosedAt     *time.Time `json:"closed_at"`
	ClosedBy     *int64     `json:"-"`
	CloseNote    string     `json:"close_note"`
}

// RectificationIn is an issue to rectify, as the inspection lists it.
type RectificationIn struct {
	Description string `json:"description"`
	Deadline    string `json:"deadline"`
}

// CloseRequest closes a rectification.
type CloseRequest struct {
	Note string `json:"note"`
}

func checkRectifications(in []RectificationIn, inspected time.Time) ([]Rectification, error) {
	if len(in) > 100 {
		return nil, problem.Field("rectifications", "at most 100 issues per inspection")
	}
	out := make([]Rectification, 0, len(in))
	for i, r := range in {
		desc, err := valid.Text("rectifications", r.Description, true, 500)
		if err != nil {
			return nil, problem.Field("rectifications", "issue %d: describe what must be fixed", i+1)
		}
		day, err := valid.Date("rectifications", r.Deadline)
		if err != nil {
			return nil, problem.Field("rectifications", "issue %d: the deadline must be a date written YYYY-MM-DD", i+1)
		}
		if day.Before(inspected) {
			return nil, problem.Field("rectifications", "issue %d: the deadline lies before the inspection", i+1)
		}
		out = append(out, Rectification{Description: desc, Deadline: day})
	}
	return out, nil
}

// Rectifications lists a project's issues to rectify.
func (s *Service) Rectifications(ctx context.Context, by *auth.Staff, id int64) ([]Rectification, error) {
	if _, err := s.projects.Get(ctx, by, id); err != nil {
		return nil, err
	}
	var out []Rectification
	return out, s.db.WithContext(ctx).Where("project_id = ?", id).Order("id").Find(&out).Error
}

// CloseRectification records that an issue has been fixed.
func (s *Service) CloseRectification(ctx context.Context, by *auth.Staff, id int64, in CloseRequest) (*Rectification, error) {
	note, err := valid.Text("note", in.Note, true, 1000)
	if err != nil {
		return nil, problem.Field("note", "is required: say how the issue was fixed")
	}
	var r Rectification
	if err := s.db.WithContext(ctx).Take(&r, id).Error; err != nil {
		if store.NotFound(err) == store.ErrNotFound {
			return nil, problem.NotFound("rectification_not_found", "No rectification %d exists.", id)
		}
		return nil, err
	}
	if _, err := s.projects.Get(ctx, by, r.ProjectID); err != nil {
		return nil, problem.NotFound("rectification_not_found", "No rectification %d exists in your area.", id)
	}
	if r.ClosedAt != nil {
		return nil, problem.Conflict("rectification_closed", "This issue was closed on %s.", r.ClosedAt.Format(time.DateOnly))
	}
	now := store.Now()
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&Rectification{}).Where("id = ? AND closed_at IS NULL", id).
			Updates(map[string]any{"closed_at": now, "closed_by": by.ID, "close_note": note}).Error; err != nil {
			return err
		}
		return s.audit.Record(tx, by.Actor(), "project.rectification_closed", "project", r.ProjectID, map[string]any{"rectification_id": id, "note": note})
	})
	if err != nil {
		return nil, err
	}
	r.ClosedAt, r.ClosedBy, r.CloseNote = &now, &by.ID, note
	return &r, nil
}

func (h *Handlers) rectifications(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	out, err := h.svc.Rectifications(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(out))
}

func (h *Handlers) closeRectification(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req CloseRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	out, err := h.svc.CloseRectification(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.OK(c, out)
}

func rectificationRoutes(h *Handlers) []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodGet, Path: "/projects/:id/rectifications", Access: httpx.Staff, Tag: "pipeline",
			Summary: "Issues found at acceptance and whether they are fixed", Response: httpx.List[Rectification]{}, Handler: h.rectifications},
		{Method: http.MethodPost, Path: "/rectifications/:id/close", Access: httpx.Staff, Tag: "pipeline",
			Summary: "Record that an issue found at acceptance has been fixed", Request: CloseRequest{}, Response: Rectification{}, Handler: h.closeRectification},
	}
}
