package feedback

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"anju/server/auth"
	"anju/server/files"
	"anju/server/httpx"
)

// maxUpload is the largest multipart body: nine photos and the text.
const maxUpload = MaxPhotos*files.MaxBytes + httpx.MaxBody

// Handlers serve complaints, progress, visits and ratings.
type Handlers struct{ svc *Service }

// NewHandlers returns the feedback handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// Meta is the vocabulary both apps draw their labels from.
type Meta struct {
	Statuses      []StatusInfo `json:"statuses"`
	Categories    []Label      `json:"categories"`
	UnitKinds     []Label      `json:"unit_kinds"`
	WarrantyKinds []Label      `json:"warranty_kinds"`
	VisitMethods  []Label      `json:"visit_methods"`
	Dimensions    []Label      `json:"dimensions"`
	MaxPhotos     int          `json:"max_photos"`
}

// QueuePage is one page of the staff queue.
type QueuePage struct {
	Items []View `json:"items"`
	Total int64  `json:"total"`
}

var complaintForm = map[string]string{
	"category":      "quality, safety, disturbance, progress, property or other",
	"description":   "what is wrong, 5–1000 characters",
	"catalog_code":  "the catalogue item concerned (01–31), optional",
	"building_id":   "another building of the community, optional",
	"entrance":      "entrance (单元), optional",
	"floor":         "floor, optional",
	"warranty":      "true for a warranty claim",
	"warranty_kind": "leak, installation or heating (default from the item)",
	"photos":        "file: up to 9 JPEG or PNG photos",
}

// Routes registers the feedback routes.
func (h *Handlers) Routes(r *httpx.Router) {
	r.Add(
		httpx.Route{Method: http.MethodGet, Path: "/complaints/meta", Access: httpx.Public, Tag: "complaints",
			Summary:  "Complaint statuses, categories, unit kinds, warranty kinds and rating dimensions with their labels",
			Response: Meta{}, Handler: h.meta},
		httpx.Route{Method: http.MethodPost, Path: "/me/complaints", Access: httpx.Household, Tag: "complaints",
			Summary: "File a complaint or warranty claim with photos (Idempotency-Key header recommended)", Form: complaintForm,
			Response: View{}, Status: http.StatusCreated, Handler: h.file,
			Also: map[int]string{http.StatusOK: "a replay of an Idempotency-Key: the complaint filed the first time"}},
		httpx.Route{Method: http.MethodGet, Path: "/me/complaints", Access: httpx.Household, Tag: "complaints",
			Summary: "The household's complaints with their timelines", Response: httpx.List[View]{}, Handler: h.mine},
		httpx.Route{Method: http.MethodGet, Path: "/me/complaints/:id", Access: httpx.Household, Tag: "complaints",
			Summary: "One of the household's complaints", Response: View{}, Handler: h.mineOne},
		httpx.Route{Method: http.MethodPost, Path: "/me/complaints/:id/confirm", Access: httpx.Household, Tag: "complaints",
			Summary: "Confirm a resolved complaint is fixed (closes it)", Response: View{}, Handler: h.confirm},
		httpx.Route{Method: http.MethodPost, Path: "/me/complaints/:id/reopen", Access: httpx.Household, Tag: "complaints",
			Summary: "Reopen a resolved complaint that is not fixed", Request: ReopenRequest{}, Response: View{}, Handler: h.reopen},
		httpx.Route{Method: http.MethodGet, Path: "/me/updates", Access: httpx.Household, Tag: "progress",
			Summary: "The community's construction progress timeline", Response: httpx.List[UpdateView]{}, Handler: h.myUpdates},
		httpx.Route{Method: http.MethodGet, Path: "/me/project", Access: httpx.Household, Tag: "ratings",
			Summary: "The household's project stage and whether rating is open", Response: MyProject{}, Handler: h.myProject},
		httpx.Route{Method: http.MethodPost, Path: "/me/ratings", Access: httpx.Household, Tag: "ratings",
			Summary: "Rate the finished work (after acceptance; changeable for a while)", Request: RatingInput{},
			Response: RatingView{}, Status: http.StatusCreated, Handler: h.rate,
			Also: map[int]string{http.StatusOK: "the household's rating changed"}},
		httpx.Route{Method: http.MethodGet, Path: "/me/ratings", Access: httpx.Household, Tag: "ratings",
			Summary: "The household's rating of its project", Response: RatingView{}, Handler: h.myRating},
		httpx.Route{Method: http.MethodGet, Path: "/public/communities/:token/updates", Access: httpx.Public, Tag: "progress",
			Summary: "The progress timeline on a community's public notice board", Response: httpx.List[UpdateView]{}, Handler: h.publicUpdates},
		httpx.Route{Method: http.MethodGet, Path: "/photos/:token", Access: httpx.Public, Tag: "complaints",
			Summary: "A complaint or progress photo (unguessable link)", Produces: "image/jpeg", Handler: h.photo},

		httpx.Route{Method: http.MethodGet, Path: "/complaints", Access: httpx.Staff, Tag: "complaints",
			Summary: "The complaint queue of the caller's area, overdue first", Response: QueuePage{}, Handler: h.queue,
			Params: map[string]string{"status": "statuses, comma-separated", "category": "category code",
				"project_id": "one project", "overdue": "true: only overdue", "escalated": "true: escalated to the caller's level",
				"warranty": "true: warranty claims", "open": "true: open ones", "limit": "1–200 (50)", "offset": "skip this many"}},
		httpx.Route{Method: http.MethodGet, Path: "/complaints/:id", Access: httpx.Staff, Tag: "complaints",
			Summary: "One complaint with its timeline and allowed transitions", Response: View{}, Handler: h.get},
		httpx.Route{Method: http.MethodPost, Path: "/complaints/:id/transitions", Access: httpx.Staff, Tag: "complaints",
			Summary: "Move a complaint (assign, in progress, resolve, reject, merge); 409 lists the allowed moves",
			Request: TransitionRequest{}, Response: View{}, Handler: h.transition},
		httpx.Route{Method: http.MethodPost, Path: "/complaints/:id/replies", Access: httpx.Staff, Tag: "complaints",
			Summary: "Reply to the resident without changing the status", Request: ReplyRequest{}, Response: View{}, Handler: h.reply},
		httpx.Route{Method: http.MethodGet, Path: "/units", Access: httpx.Staff, Tag: "complaints",
			Summary: "Units complaints can be assigned to", Response: httpx.List[Unit]{}, Handler: h.units},
		httpx.Route{Method: http.MethodPost, Path: "/units", Access: httpx.Staff, Tag: "complaints",
			Summary: "Add a responsible unit", Request: NewUnit{}, Response: Unit{}, Status: http.StatusCreated, Handler: h.addUnit},
		httpx.Route{Method: http.MethodPost, Path: "/projects/:id/updates", Access: httpx.Staff, Tag: "progress",
			Summary: "Post construction progress with photos", Form: map[string]string{"text": "what was done, 2–2000 characters",
				"catalog_code": "catalogue item, optional", "author": "who reports it, optional", "photos": "file: up to 9 photos"},
			Response: UpdateView{}, Status: http.StatusCreated, Handler: h.postUpdate},
		httpx.Route{Method: http.MethodGet, Path: "/projects/:id/updates", Access: httpx.Staff, Tag: "progress",
			Summary: "A project's progress posts", Response: httpx.List[UpdateView]{}, Handler: h.updates},
		httpx.Route{Method: http.MethodPost, Path: "/projects/:id/visits", Access: httpx.Staff, Tag: "progress",
			Summary: "Record a follow-up visit", Request: NewVisit{}, Response: Visit{}, Status: http.StatusCreated, Handler: h.recordVisit},
		httpx.Route{Method: http.MethodGet, Path: "/projects/:id/visits", Access: httpx.Staff, Tag: "progress",
			Summary: "A project's follow-up visits", Response: httpx.List[Visit]{}, Handler: h.visits},
		httpx.Route{Method: http.MethodGet, Path: "/projects/:id/satisfaction", Access: httpx.Staff, Tag: "ratings",
			Summary: "A project's satisfaction: rate of 4–5, per dimension and item, comments", Response: Satisfaction{}, Handler: h.satisfaction},
		httpx.Route{Method: http.MethodGet, Path: "/satisfaction", Access: httpx.Manager, Tag: "ratings",
			Summary: "Satisfaction per district", Response: httpx.List[DistrictSatisfaction]{},
			Params: map[string]string{"year": "projects of this year (all when absent)"}, Handler: h.districts},
	)
}

func (h *Handlers) meta(c echo.Context) error {
	return httpx.OK(c, Meta{Statuses: Statuses, Categories: Categories, UnitKinds: UnitKinds, WarrantyKinds: WarrantyKinds,
		VisitMethods: VisitMethods, Dimensions: Dimensions, MaxPhotos: MaxPhotos})
}

func (h *Handlers) file(c echo.Context) error {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	form, err := httpx.MultipartForm(c, maxUpload)
	if err != nil {
		return err
	}
	defer func() { _ = form.RemoveAll() }()
	photos, err := httpx.FormFiles(form, "photos", files.MaxBytes, MaxPhotos)
	if err != nil {
		return err
	}
	v := func(n string) string { return httpx.FormValue(form, n) }
	in := NewComplaint{Category: v("category"), Description: v("description"), CatalogCode: v("catalog_code"),
		BuildingID: v("building_id"), Entrance: v("entrance"), Floor: v("floor"), Warranty: v("warranty"),
		WarrantyKind: v("warranty_kind"), Photos: photos}
	out, created, err := h.svc.File(c.Request().Context(), hh, in, c.Request().Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	if created {
		return httpx.Created(c, out)
	}
	return httpx.OK(c, out)
}

func (h *Handlers) mine(c echo.Context) error {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	vs, err := h.svc.Mine(c.Request().Context(), hh)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(vs))
}

func (h *Handlers) mineOne(c echo.Context) error {
	hh, id, err := householdAndID(c)
	if err != nil {
		return err
	}
	v, err := h.svc.MineOne(c.Request().Context(), hh, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, v)
}

func householdAndID(c echo.Context) (*auth.Household, int64, error) {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return nil, 0, err
	}
	id, err := httpx.ID(c, "id")
	return hh, id, err
}

func (h *Handlers) confirm(c echo.Context) error {
	hh, id, err := householdAndID(c)
	if err != nil {
		return err
	}
	v, err := h.svc.Confirm(c.Request().Context(), hh, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, v)
}

func (h *Handlers) reopen(c echo.Context) error {
	hh, id, err := householdAndID(c)
	if err != nil {
		return err
	}
	var req ReopenRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	v, err := h.svc.Reopen(c.Request().Context(), hh, id, req.Reason)
	if err != nil {
		return err
	}
	return httpx.OK(c, v)
}

func (h *Handlers) myUpdates(c echo.Context) error {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	us, err := h.svc.MyUpdates(c.Request().Context(), hh)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(us))
}

func (h *Handlers) publicUpdates(c echo.Context) error {
	us, err := h.svc.PublicUpdates(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(us))
}

func (h *Handlers) myProject(c echo.Context) error {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	p, err := h.svc.MyProject(c.Request().Context(), hh)
	if err != nil {
		return err
	}
	return httpx.OK(c, p)
}

func (h *Handlers) rate(c echo.Context) error {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	var req RatingInput
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	v, created, err := h.svc.Rate(c.Request().Context(), hh, req)
	if err != nil {
		return err
	}
	if created {
		return httpx.Created(c, v)
	}
	return httpx.OK(c, v)
}

func (h *Handlers) myRating(c echo.Context) error {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	v, err := h.svc.MyRating(c.Request().Context(), hh)
	if err != nil {
		return err
	}
	return httpx.OK(c, v)
}

func (h *Handlers) photo(c echo.Context) error {
	f, data, err := h.svc.Photo(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return files.Send(c, f, data, "photo", "private, max-age=86400")
}

func (h *Handlers) queue(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	f, err := ParseFilter(c.QueryParam)
	if err != nil {
		return err
	}
	vs, total, err := h.svc.Queue(c.Request().Context(), s, f)
	if err != nil {
		return err
	}
	return httpx.OK(c, QueuePage{Items: vs, Total: total})
}

func (h *Handlers) get(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	v, err := h.svc.Get(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, v)
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
	v, err := h.svc.Transition(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.OK(c, v)
}

func (h *Handlers) reply(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req ReplyRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	v, err := h.svc.Reply(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.OK(c, v)
}

func (h *Handlers) units(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	us, err := h.svc.Units(c.Request().Context(), s)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(us))
}

func (h *Handlers) addUnit(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	var req NewUnit
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	u, err := h.svc.AddUnit(c.Request().Context(), s, req)
	if err != nil {
		return err
	}
	return httpx.Created(c, u)
}

func (h *Handlers) postUpdate(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	form, err := httpx.MultipartForm(c, maxUpload)
	if err != nil {
		return err
	}
	defer func() { _ = form.RemoveAll() }()
	photos, err := httpx.FormFiles(form, "photos", files.MaxBytes, MaxPhotos)
	if err != nil {
		return err
	}
	u, err := h.svc.PostUpdate(c.Request().Context(), s, id, NewUpdate{Text: httpx.FormValue(form, "text"),
		CatalogCode: httpx.FormValue(form, "catalog_code"), Author: httpx.FormValue(form, "author"), Photos: photos})
	if err != nil {
		return err
	}
	return httpx.Created(c, u)
}

func (h *Handlers) updates(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	us, err := h.svc.Updates(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(us))
}

func (h *Handlers) recordVisit(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req NewVisit
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	v, err := h.svc.RecordVisit(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.Created(c, v)
}

func (h *Handlers) visits(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	vs, err := h.svc.Visits(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(vs))
}

func (h *Handlers) satisfaction(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	out, err := h.svc.ProjectSatisfaction(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, out)
}

func (h *Handlers) districts(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	year, err := httpx.QueryInt(c, "year", 2000, 2100, 0)
	if err != nil {
		return err
	}
	out, err := h.svc.Districts(c.Request().Context(), s, year)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(out))
}
