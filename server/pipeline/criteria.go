package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/files"
	"anju/server/httpx"
	"anju/server/problem"
	"anju/server/projects"
	"anju/server/store"
	"anju/server/valid"
)

// CriterionNames are the five start criteria of seed 002 附件3 (开工认定标准).
var CriterionNames = [6]string{"",
	"改造方案和物业管理模式完成征求群众意见并形成共识（80%以上同意）",
	"完成违章建筑和临时建筑拆除",
	"完成项目设计并在小区内公示",
	"已有确定的施工队伍并签订施工合同",
	"施工队伍进场且现场有明显的形象进度",
}

// Confirmation is a start criterion (2–5) confirmed with a date, a person and evidence.
type Confirmation struct {
	ID             int64
	ProjectID      int64
	N              int `gorm:"column:n"`
	ConfirmedOn    time.Time
	Person         string
	Note           string
	EvidenceFileID int64
	StaffID        int64
	CreatedAt      time.Time
}

// TableName binds Confirmation to its table.
func (Confirmation) TableName() string { return "start_criteria" }

// Criterion is one start criterion as the console shows it.
type Criterion struct {
	N           int        `json:"n"`
	Name        string     `json:"name"`
	Met         bool       `json:"met"`
	Computed    bool       `json:"computed"`
	Detail      string     `json:"detail,omitempty"`
	ConfirmedOn *string    `json:"confirmed_on,omitempty"`
	Person      string     `json:"person,omitempty"`
	Note        string     `json:"note,omitempty"`
	EvidenceURL string     `json:"evidence_url,omitempty"`
	By          string     `json:"by,omitempty"`
	At          *time.Time `json:"at,omitempty"`
}

// Criteria is a project's start criteria and whether it has started.
type Criteria struct {
	ProjectID int64       `json:"project_id"`
	Started   bool        `json:"started"`
	StartedOn *time.Time  `json:"started_on"`
	Criteria  []Criterion `json:"criteria"`
}

// ConfirmInput confirms one criterion.
type ConfirmInput struct {
	ConfirmedOn string
	Person      string
	Note        string
	Evidence    []byte
}

func (s *Service) confirmations(ctx context.Context, projectID int64) (map[int]Confirmation, map[int]string, error) {
	var rows []struct {
		Confirmation
		Username string
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT c.*, u.username FROM start_criteria c JOIN staff_users u ON u.id = c.staff_id
		WHERE c.project_id = ?`, projectID).Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	out, who := map[int]Confirmation{}, map[int]string{}
	for _, r := range rows {
		out[r.N], who[r.N] = r.Confirmation, r.Username
	}
	return out, who, nil
}

// StartCriteria lists a project's five criteria; consent is computed from the
// vote. Seeing all five hold for the first time marks the project started.
func (s *Service) StartCriteria(ctx context.Context, by *auth.Staff, id int64) (*Criteria, error) {
	p, err := s.projects.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	f, err := s.facts(ctx, by, p)
	if err != nil {
		return nil, err
	}
	conf, who, err := s.confirmations(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &Criteria{ProjectID: id, StartedOn: p.StartedOn}
	consent := Criterion{N: 1, Name: CriterionNames[1], Met: f.ConsentReached, Computed: true}
	switch {
	case !f.PlanPublished:
		consent.Detail = "no plan has been published yet"
	case f.ConsentReached:
		consent.Detail = "the plan and the management mode reached the threshold"
	default:
		consent.Detail = "the vote has not reached the threshold yet"
	}
	out.Criteria = append(out.Criteria, consent)
	all := f.ConsentReached
	for n := 2; n <= 5; n++ {
		c := Criterion{N: n, Name: CriterionNames[n]}
		if k, ok := conf[n]; ok {
			day := k.ConfirmedOn.Format(time.DateOnly)
			at := k.CreatedAt
			c.Met, c.ConfirmedOn, c.Person, c.Note, c.By, c.At = true, &day, k.Person, k.Note, who[n], &at
			c.EvidenceURL = fmt.Sprintf("/api/v1/projects/%d/start-criteria/%d/evidence", id, n)
		}
		all = all && c.Met
		out.Criteria = append(out.Criteria, c)
	}
	if all && p.StartedOn == nil {
		started, err := s.markStarted(ctx, id, conf)
		if err != nil {
			return nil, err
		}
		out.StartedOn = &started
	}
	out.Started = out.StartedOn != nil
	return out, nil
}

// markStarted keeps the day the project started: the latest confirmation
// date, or today when consent was the last to be reached.
func (s *Service) markStarted(ctx context.Context, id int64, conf map[int]Confirmation) (time.Time, error) {
	today := valid.Today(store.Now())
	day := time.Time{}
	for _, c := range conf {
		if c.ConfirmedOn.After(day) {
			day = c.ConfirmedOn
		}
	}
	var closed []time.Time
	if err := s.db.WithContext(ctx).Raw(`SELECT closed_at FROM plans WHERE project_id = ? AND status = 'published' AND closed_at IS NOT NULL`, id).
		Scan(&closed).Error; err != nil {
		return day, err
	}
	consentDay := today
	if len(closed) > 0 {
		consentDay = valid.Today(closed[0])
	}
	if consentDay.After(day) {
		day = consentDay
	}
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&projects.Project{}).Where("id = ? AND started_on IS NULL", id).Update("started_on", day)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return s.audit.Record(tx, "system", "project.started", "project", id, map[string]any{"started_on": day.Format(time.DateOnly)})
	})
	return day, err
}

// Confirm records criterion n (2–5) with its evidence.
func (s *Service) Confirm(ctx context.Context, by *auth.Staff, id int64, n int, in ConfirmInput) (*Criteria, error) {
	if n == 1 {
		return nil, problem.Field("n", "criterion 1 (consent) is computed from the residents' vote and cannot be confirmed by hand")
	}
	if n < 2 || n > 5 {
		return nil, problem.Field("n", "the start criteria to confirm are 2 to 5 (got %d)", n)
	}
	day, err := valid.Date("confirmed_on", in.ConfirmedOn)
	if err != nil {
		return nil, err
	}
	if day.After(valid.Today(store.Now())) {
		return nil, problem.Field("confirmed_on", "lies in the future; confirm a criterion once it holds")
	}
	person, err := valid.Text("person", in.Person, true, 100)
	if err != nil {
		return nil, err
	}
	note, err := valid.Text("note", in.Note, false, 1000)
	if err != nil {
		return nil, err
	}
	if len(in.Evidence) == 0 {
		return nil, problem.Field("evidence", "is required: a photo or a PDF that shows the criterion holds")
	}
	if _, err := s.projects.Get(ctx, by, id); err != nil {
		return nil, err
	}
	evidence, err := s.files.Clean(ctx, in.Evidence, files.JPEG, files.PNG, files.PDF)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		// Confirmations of one project are serialised: two at once (a double
		// tap) would otherwise both delete-then-insert and one hit the unique
		// index with a 500; this way the later one simply replaces the earlier.
		if err := s.db.Lock(tx, store.LockCriteria, id); err != nil {
			return err
		}
		f, err := s.files.Store(tx, &by.ID, evidence)
		if err != nil {
			return err
		}
		if err := tx.Where("project_id = ? AND n = ?", id, n).Delete(&Confirmation{}).Error; err != nil {
			return err
		}
		c := &Confirmation{ProjectID: id, N: n, ConfirmedOn: day, Person: person, Note: note, EvidenceFileID: f.ID,
			StaffID: by.ID, CreatedAt: store.Now()}
		if err := tx.Create(c).Error; err != nil {
			return err
		}
		return s.audit.Record(tx, by.Actor(), "project.start_criterion", "project", id, map[string]any{"n": n,
			"confirmed_on": in.ConfirmedOn, "person": person, "evidence_sha256": f.SHA256})
	})
	if err != nil {
		return nil, err
	}
	return s.StartCriteria(ctx, by, id)
}

// Evidence returns the file confirming criterion n.
func (s *Service) Evidence(ctx context.Context, by *auth.Staff, id int64, n int) (*files.File, []byte, error) {
	if _, err := s.projects.Get(ctx, by, id); err != nil {
		return nil, nil, err
	}
	var cs []Confirmation
	if err := s.db.WithContext(ctx).Where("project_id = ? AND n = ?", id, n).Limit(1).Find(&cs).Error; err != nil {
		return nil, nil, err
	}
	if len(cs) == 0 {
		return nil, nil, problem.NotFound("criterion_not_confirmed", "Start criterion %d of project %d has not been confirmed.", n, id)
	}
	return s.files.Open(ctx, cs[0].EvidenceFileID)
}

// criterionNumber reads n, bounded before it reaches the INTEGER column.
func criterionNumber(c echo.Context) (int, error) {
	return httpx.Int(c, "n", 2, 5)
}

func (h *Handlers) criteria(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	out, err := h.svc.StartCriteria(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, out)
}

func (h *Handlers) confirm(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	n, err := criterionNumber(c)
	if err != nil {
		return err
	}
	form, err := httpx.MultipartForm(c, files.MaxBytes+httpx.MaxBody)
	if err != nil {
		return err
	}
	defer func() { _ = form.RemoveAll() }()
	ev, err := httpx.FormFiles(form, "evidence", files.MaxBytes, 1)
	if err != nil {
		return err
	}
	in := ConfirmInput{ConfirmedOn: httpx.FormValue(form, "confirmed_on"), Person: httpx.FormValue(form, "person"),
		Note: httpx.FormValue(form, "note")}
	if len(ev) == 1 {
		in.Evidence = ev[0].Data
	}
	out, err := h.svc.Confirm(c.Request().Context(), s, id, n, in)
	if err != nil {
		return err
	}
	return httpx.OK(c, out)
}

func (h *Handlers) evidence(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	n, err := criterionNumber(c)
	if err != nil {
		return err
	}
	f, data, err := h.svc.Evidence(c.Request().Context(), s, id, n)
	if err != nil {
		return err
	}
	return files.Send(c, f, data, fmt.Sprintf("project-%d-criterion-%d", id, n), "private, no-store")
}

func criteriaRoutes(h *Handlers) []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodGet, Path: "/projects/:id/start-criteria", Access: httpx.Staff, Tag: "pipeline",
			Summary: "The five start criteria (开工认定标准); consent is computed from the vote", Response: Criteria{}, Handler: h.criteria},
		{Method: http.MethodPut, Path: "/projects/:id/start-criteria/:n", Access: httpx.Staff, Tag: "pipeline",
			Summary: "Confirm start criterion n (2–5) with a date, a person and evidence",
			Form: map[string]string{"confirmed_on": "YYYY-MM-DD", "person": "who confirms it", "note": "optional",
				"evidence": "file: a photo (JPEG/PNG) or a PDF"}, Response: Criteria{}, Handler: h.confirm},
		{Method: http.MethodGet, Path: "/projects/:id/start-criteria/:n/evidence", Access: httpx.Staff, Tag: "pipeline",
			Summary: "The evidence confirming start criterion n", Produces: "application/octet-stream", Handler: h.evidence},
	}
}

// system sees every project; the starter uses it to read tallies.
var system = &auth.Staff{Username: "system", Role: auth.RoleCity}

// MarkStarted looks at every project not yet started whose criteria 2–5 are
// all confirmed and keeps the day it started once its consent is reached too,
// so reports count a start even if nobody opened the project's page. It
// returns how many projects it marked.
func (s *Service) MarkStarted(ctx context.Context) (int, error) {
	var ids []int64
	if err := s.db.WithContext(ctx).Raw(`SELECT p.id FROM projects p WHERE p.started_on IS NULL
		AND (SELECT COUNT(*) FROM start_criteria c WHERE c.project_id = p.id) = 4`).Scan(&ids).Error; err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		c, err := s.StartCriteria(ctx, system, id)
		if err != nil {
			return n, err
		}
		if c.Started {
			n++
		}
	}
	return n, nil
}

// RunStarter runs MarkStarted every interval until ctx ends.
func (s *Service) RunStarter(ctx context.Context, every time.Duration, logErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.MarkStarted(ctx); err != nil && ctx.Err() == nil {
			logErr(err)
		}
	}
}
