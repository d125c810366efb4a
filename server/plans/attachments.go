package plans

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/files"
	"anju/server/httpx"
	"anju/server/problem"
	"anju/server/store"
	"anju/server/valid"
)

// Attachment is a design drawing or document published with a plan.
type Attachment struct {
	ID        int64
	PlanID    int64
	FileID    int64
	Title     string
	CreatedAt time.Time
}

// TableName binds Attachment to its table.
func (Attachment) TableName() string { return "plan_attachments" }

// AttachmentView is an attachment as the API shows it.
type AttachmentView struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

// maxAttachments bounds the attachments of one plan.
const maxAttachments = 20

// Attach adds a drawing (JPEG, PNG) or document (PDF) to a draft.
func (s *Service) Attach(ctx context.Context, by *auth.Staff, planID int64, title string, data []byte) (*AttachmentView, error) {
	title, err := valid.Text("title", title, true, 100)
	if err != nil {
		return nil, err
	}
	p, _, err := s.get(ctx, by, planID)
	if err != nil {
		return nil, err
	}
	clean, err := s.files.Clean(ctx, data, files.JPEG, files.PNG, files.PDF)
	if err != nil {
		return nil, err
	}
	var out *AttachmentView
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.db.Lock(tx, store.LockPlans, p.ProjectID); err != nil {
			return err
		}
		if err := draftOnly(tx, planID); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&Attachment{}).Where("plan_id = ?", planID).Count(&n).Error; err != nil {
			return err
		}
		if n >= maxAttachments {
			return problem.Conflict("too_many_attachments", "A plan can carry at most %d attachments.", maxAttachments)
		}
		f, err := s.files.Store(tx, &by.ID, clean)
		if err != nil {
			return err
		}
		a := &Attachment{PlanID: planID, FileID: f.ID, Title: title, CreatedAt: store.Now()}
		if err := tx.Create(a).Error; err != nil {
			return err
		}
		out = &AttachmentView{ID: a.ID, Title: title, ContentType: f.ContentType, Size: f.Size, URL: attachmentURL(p, a.ID, f.Token)}
		return s.audit.Record(tx, by.Actor(), "plan.attach", "plan", planID, map[string]any{"attachment_id": a.ID, "title": title, "sha256": f.SHA256})
	})
	return out, err
}

// Detach removes an attachment from a draft.
func (s *Service) Detach(ctx context.Context, by *auth.Staff, planID, attachmentID int64) error {
	p, _, err := s.get(ctx, by, planID)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.db.Lock(tx, store.LockPlans, p.ProjectID); err != nil {
			return err
		}
		if err := draftOnly(tx, planID); err != nil {
			return err
		}
		res := tx.Where("id = ? AND plan_id = ?", attachmentID, planID).Delete(&Attachment{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return problem.NotFound("attachment_not_found", "Plan %d has no attachment %d.", planID, attachmentID)
		}
		return s.audit.Record(tx, by.Actor(), "plan.detach", "plan", planID, map[string]any{"attachment_id": attachmentID})
	})
}

func draftOnly(tx *gorm.DB, planID int64) error {
	var status string
	if err := tx.Raw("SELECT status FROM plans WHERE id = ?", planID).Scan(&status).Error; err != nil {
		return err
	}
	if status != StatusDraft {
		return errPublished(planID)
	}
	return nil
}

// attachmentURL is public for a published plan (公示) and staff-only for a draft.
func attachmentURL(p *Plan, id int64, token string) string {
	if p.Status == StatusDraft {
		return "/api/v1/plans/" + strconv.FormatInt(p.ID, 10) + "/attachments/" + strconv.FormatInt(id, 10)
	}
	return "/api/v1/files/" + token
}

func (s *Service) attachments(ctx context.Context, p *Plan) ([]AttachmentView, error) {
	var rows []struct {
		ID          int64
		Title       string
		ContentType string
		Size        int64
		Token       string
	}
	err := s.db.WithContext(ctx).Raw(`SELECT a.id, a.title, f.content_type, f.size, f.token FROM plan_attachments a
		JOIN files f ON f.id = a.file_id WHERE a.plan_id = ? ORDER BY a.id`, p.ID).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]AttachmentView, 0, len(rows))
	for _, r := range rows {
		out = append(out, AttachmentView{ID: r.ID, Title: r.Title, ContentType: r.ContentType, Size: r.Size, URL: attachmentURL(p, r.ID, r.Token)})
	}
	return out, nil
}

// PublicFile returns a file attached to a published plan, with its title;
// anything else is not found.
func (s *Service) PublicFile(ctx context.Context, token string) (*files.File, []byte, string, error) {
	f, err := s.files.ByToken(ctx, token)
	if err != nil {
		return nil, nil, "", problem.NotFound("file_not_found", "No published file has this address.")
	}
	var titles []string
	if err := s.db.WithContext(ctx).Table("plan_attachments").Joins("JOIN plans ON plans.id = plan_attachments.plan_id").
		Where("plan_attachments.file_id = ? AND plans.status <> 'draft'", f.ID).Limit(1).Pluck("plan_attachments.title", &titles).Error; err != nil {
		return nil, nil, "", err
	}
	if len(titles) == 0 {
		return nil, nil, "", problem.NotFound("file_not_found", "No published file has this address.")
	}
	f, data, err := s.files.Open(ctx, f.ID)
	return f, data, titles[0], err
}

// DraftFile returns an attachment of a plan the caller may see, with its title.
func (s *Service) DraftFile(ctx context.Context, by *auth.Staff, planID, attachmentID int64) (*files.File, []byte, string, error) {
	if _, _, err := s.get(ctx, by, planID); err != nil {
		return nil, nil, "", err
	}
	var a Attachment
	if err := s.db.WithContext(ctx).Where("id = ? AND plan_id = ?", attachmentID, planID).Take(&a).Error; err != nil {
		if errors.Is(store.NotFound(err), store.ErrNotFound) {
			return nil, nil, "", problem.NotFound("attachment_not_found", "Plan %d has no attachment %d.", planID, attachmentID)
		}
		return nil, nil, "", err
	}
	f, data, err := s.files.Open(ctx, a.FileID)
	return f, data, a.Title, err
}

func (h *Handlers) attach(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	up, err := httpx.FormFile(c, "file", files.MaxBytes)
	if err != nil {
		return err
	}
	title := c.FormValue("title")
	if title == "" {
		title = up.Name
	}
	a, err := h.svc.Attach(c.Request().Context(), s, id, title, up.Data)
	if err != nil {
		return err
	}
	return httpx.Created(c, a)
}

func (h *Handlers) detach(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	aid, err := httpx.ID(c, "attachment_id")
	if err != nil {
		return err
	}
	if err := h.svc.Detach(c.Request().Context(), s, id, aid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *Handlers) draftFile(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	aid, err := httpx.ID(c, "attachment_id")
	if err != nil {
		return err
	}
	f, data, title, err := h.svc.DraftFile(c.Request().Context(), s, id, aid)
	if err != nil {
		return err
	}
	return files.Send(c, f, data, title, "private, no-store")
}

func (h *Handlers) publicFile(c echo.Context) error {
	f, data, title, err := h.svc.PublicFile(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return files.Send(c, f, data, title, "public, max-age=86400")
}
