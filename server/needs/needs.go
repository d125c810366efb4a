// Package needs runs the needs poll (居民点单) before a plan is drawn up:
// households tick the catalogue items they want most, and the committee sees
// the ranking for the community and for each building.
package needs

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm/clause"

	"anju/server/auth"
	"anju/server/httpx"
	"anju/server/plans"
	"anju/server/problem"
	"anju/server/projects"
	"anju/server/store"
	"anju/server/valid"
)

// MaxItems is how many items one household may tick.
const MaxItems = 10

// Response is one household's answer to a project's needs poll.
type Response struct {
	ID           int64     `json:"-"`
	ProjectID    int64     `json:"project_id"`
	HouseholdID  int64     `json:"-"`
	CatalogCodes []string  `gorm:"serializer:json" json:"catalog_codes"`
	Note         string    `json:"note"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// TableName binds Response to its table.
func (Response) TableName() string { return "needs_responses" }

// Answer is what a household sends.
type Answer struct {
	CatalogCodes []string `json:"catalog_codes"`
	Note         string   `json:"note,omitempty"`
}

// Service runs needs polls.
type Service struct {
	db       *store.DB
	plans    *plans.Service
	projects *projects.Service
}

// NewService returns the needs-poll service.
func NewService(db *store.DB, pl *plans.Service, prj *projects.Service) *Service {
	return &Service{db: db, plans: pl, projects: prj}
}

// openProject is the project whose poll a household answers: the community's
// latest project, while none of its plans has been published.
func (s *Service) openProject(ctx context.Context, hh *auth.Household) (int64, error) {
	var ps []struct {
		ID              int64
		ScopeBuildingID *int64
		Published       int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT p.id, p.scope_building_id,
		(SELECT COUNT(*) FROM plans WHERE plans.project_id = p.id AND plans.status <> 'draft') AS published
		FROM projects p WHERE p.community_id = ? ORDER BY p.year DESC, p.id DESC`, hh.CommunityID).Scan(&ps).Error
	if err != nil {
		return 0, err
	}
	for _, p := range ps {
		if p.ScopeBuildingID != nil && *p.ScopeBuildingID != hh.BuildingID {
			continue
		}
		if p.Published > 0 {
			return 0, problem.Conflict("needs_closed", "The plan has already been published, so the needs poll is over; you can read the plan and vote on it.")
		}
		return p.ID, nil
	}
	return 0, problem.NotFound("needs_not_open", "There is no renovation project in your community yet, so there is no needs poll to answer.")
}

// Put records (or replaces) a household's answer.
func (s *Service) Put(ctx context.Context, hh *auth.Household, in Answer) (*Response, error) {
	if len(in.CatalogCodes) == 0 || len(in.CatalogCodes) > MaxItems {
		return nil, problem.Field("catalog_codes", "tick between 1 and %d items (you ticked %d)", MaxItems, len(in.CatalogCodes))
	}
	known := map[string]bool{}
	for _, c := range s.plans.Catalog() {
		known[c.Code] = true
	}
	seen := map[string]bool{}
	codes := make([]string, 0, len(in.CatalogCodes))
	for _, c := range in.CatalogCodes {
		if !known[c] {
			return nil, problem.Field("catalog_codes", "%q is not a catalogue code (01 to 31)", c)
		}
		if !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
	}
	note, err := valid.Text("note", in.Note, false, 500)
	if err != nil {
		return nil, err
	}
	projectID, err := s.openProject(ctx, hh)
	if err != nil {
		return nil, err
	}
	r := &Response{ProjectID: projectID, HouseholdID: hh.ID, CatalogCodes: codes, Note: note, UpdatedAt: store.Now()}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "project_id"}, {Name: "household_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"catalog_codes", "note", "updated_at"}),
	}).Create(r).Error
	return r, err
}

// Get returns the household's answer to the open poll.
func (s *Service) Get(ctx context.Context, hh *auth.Household) (*Response, error) {
	var rs []Response
	err := s.db.WithContext(ctx).Raw(`SELECT r.* FROM needs_responses r JOIN projects p ON p.id = r.project_id
		WHERE r.household_id = ? ORDER BY p.year DESC, p.id DESC LIMIT 1`, hh.ID).Scan(&rs).Error
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, problem.NotFound("needs_not_found", "Your household has not answered the needs poll yet.")
	}
	return &rs[0], nil
}

// Ranked is one catalogue item's count.
type Ranked struct {
	CatalogCode string  `json:"catalog_code"`
	NameZh      string  `json:"name_zh,omitempty"`
	NameEn      string  `json:"name_en,omitempty"`
	Category    string  `json:"category,omitempty"`
	Count       int     `json:"count"`
	Share       float64 `json:"share"`
}

// BuildingRanking is one building's answers.
type BuildingRanking struct {
	BuildingID  int64    `json:"building_id"`
	Name        string   `json:"name"`
	Eligible    int      `json:"eligible"`
	Respondents int      `json:"respondents"`
	Items       []Ranked `json:"items"`
}

// Note is a household's free-text wish, without its name.
type Note struct {
	BuildingName string    `json:"building_name"`
	Room         string    `json:"room"`
	Note         string    `json:"note"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Ranking is the result of a project's needs poll.
type Ranking struct {
	ProjectID   int64             `json:"project_id"`
	Eligible    int               `json:"eligible"`
	Respondents int               `json:"respondents"`
	Items       []Ranked          `json:"items"`
	Buildings   []BuildingRanking `json:"buildings"`
	Notes       []Note            `json:"notes"`
}

// Rank counts a project's needs poll, most wanted first.
func (s *Service) Rank(ctx context.Context, by *auth.Staff, projectID int64) (*Ranking, error) {
	prj, err := s.projects.Get(ctx, by, projectID)
	if err != nil {
		return nil, err
	}
	q := `SELECT h.id, b.id AS building_id, b.name AS building_name, h.room, r.catalog_codes, r.note, r.updated_at
		FROM households h JOIN buildings b ON b.id = h.building_id
		LEFT JOIN needs_responses r ON r.household_id = h.id AND r.project_id = ?
		WHERE b.community_id = ?`
	args := []any{projectID, prj.CommunityID}
	if prj.ScopeBuildingID != nil {
		q, args = q+" AND b.id = ?", append(args, *prj.ScopeBuildingID)
	}
	var rows []struct {
		ID, BuildingID     int64
		BuildingName, Room string
		CatalogCodes, Note *string
		UpdatedAt          *time.Time
	}
	if err := s.db.WithContext(ctx).Raw(q+" ORDER BY b.id, h.entrance, h.floor, h.room", args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	catalog := map[string]plans.CatalogItem{}
	for _, c := range s.plans.Catalog() {
		catalog[c.Code] = c
	}
	out := &Ranking{ProjectID: projectID, Buildings: []BuildingRanking{}, Notes: []Note{}}
	total := map[string]int{}
	var cur *BuildingRanking
	perBuilding := map[string]int{}
	flush := func() {
		if cur != nil {
			cur.Items = rank(perBuilding, cur.Respondents, nil)
			out.Buildings = append(out.Buildings, *cur)
		}
	}
	for _, r := range rows {
		if cur == nil || cur.BuildingID != r.BuildingID {
			flush()
			cur, perBuilding = &BuildingRanking{BuildingID: r.BuildingID, Name: r.BuildingName}, map[string]int{}
		}
		cur.Eligible++
		out.Eligible++
		if r.CatalogCodes == nil {
			continue
		}
		var codes []string
		if err := json.Unmarshal([]byte(*r.CatalogCodes), &codes); err != nil {
			return nil, err
		}
		cur.Respondents++
		out.Respondents++
		for _, c := range codes {
			total[c]++
			perBuilding[c]++
		}
		if r.Note != nil && *r.Note != "" && r.UpdatedAt != nil {
			out.Notes = append(out.Notes, Note{BuildingName: r.BuildingName, Room: r.Room, Note: *r.Note, UpdatedAt: *r.UpdatedAt})
		}
	}
	flush()
	out.Items = rank(total, out.Respondents, catalog)
	return out, nil
}

// rank orders counts, most wanted first (ties by catalogue order); share is
// the fraction of respondents who ticked the item.
func rank(counts map[string]int, respondents int, catalog map[string]plans.CatalogItem) []Ranked {
	out := make([]Ranked, 0, len(counts))
	for code, n := range counts {
		r := Ranked{CatalogCode: code, Count: n}
		if respondents > 0 {
			r.Share = float64(int(float64(n)/float64(respondents)*10000+0.5)) / 10000
		}
		if c, ok := catalog[code]; ok {
			r.NameZh, r.NameEn, r.Category = c.NameZh, c.NameEn, c.Category
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].CatalogCode < out[j].CatalogCode
	})
	return out
}

// Handlers serve the needs poll.
type Handlers struct{ svc *Service }

// NewHandlers returns the needs-poll handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// Routes registers the needs-poll routes.
func (h *Handlers) Routes(r *httpx.Router) {
	r.Add(
		httpx.Route{Method: http.MethodPut, Path: "/me/needs", Access: httpx.Household, Tag: "resident",
			Summary: "Answer the needs poll: the catalogue items the household wants most (1–10) and a note",
			Request: Answer{}, Response: Response{}, Handler: h.put},
		httpx.Route{Method: http.MethodGet, Path: "/me/needs", Access: httpx.Household, Tag: "resident",
			Summary: "The household's answer to the needs poll", Response: Response{}, Handler: h.get},
		httpx.Route{Method: http.MethodGet, Path: "/projects/:id/needs", Access: httpx.Staff, Tag: "plans",
			Summary:  "The needs poll's ranking for the community and per building, with residents' notes",
			Response: Ranking{}, Handler: h.rank},
	)
}

func (h *Handlers) put(c echo.Context) error {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	var req Answer
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	r, err := h.svc.Put(c.Request().Context(), hh, req)
	if err != nil {
		return err
	}
	return httpx.OK(c, r)
}

func (h *Handlers) get(c echo.Context) error {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	r, err := h.svc.Get(c.Request().Context(), hh)
	if err != nil {
		return err
	}
	return httpx.OK(c, r)
}

func (h *Handlers) rank(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	r, err := h.svc.Rank(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, r)
}
