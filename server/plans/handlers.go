package plans

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"anju/server/auth"
	"anju/server/httpx"
	"anju/server/registry"
)

// Handlers serve the catalogue, plans and the public building page.
type Handlers struct {
	svc      *Service
	registry *registry.Service
}

// NewHandlers returns the plan handlers.
func NewHandlers(svc *Service, reg *registry.Service) *Handlers {
	return &Handlers{svc: svc, registry: reg}
}

// PublicBuilding is what anyone scanning a building's QR code sees.
type PublicBuilding struct {
	Building  registry.BuildingRef `json:"building"`
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
	Plan *Summary `json:"plan"`
}

// Routes registers the plan routes.
func (h *Handlers) Routes(r *httpx.Router) {
	r.Add(
		httpx.Route{Method: http.MethodGet, Path: "/catalog", Access: httpx.Public, Tag: "plans",
			Summary:  "The 31-item renovation catalogue with content and acceptance standard",
			Response: httpx.List[CatalogItem]{}, Handler: h.catalog},
		httpx.Route{Method: http.MethodGet, Path: "/public/buildings/:token", Access: httpx.Public, Tag: "resident",
			Summary:  "What a building's QR code opens: building, community and the plan's headline",
			Response: PublicBuilding{}, Handler: h.publicBuilding},
		httpx.Route{Method: http.MethodGet, Path: "/me/plan", Access: httpx.Household, Tag: "resident",
			Summary: "The whole plan now put to the vote for the signed-in household", Response: View{}, Handler: h.myPlan},

		httpx.Route{Method: http.MethodPost, Path: "/projects/:id/plans", Access: httpx.Staff, Tag: "plans",
			Summary: "Draft the project's next plan version from catalogue items", Request: Input{}, Response: View{},
			Status: http.StatusCreated, Handler: h.create},
		httpx.Route{Method: http.MethodGet, Path: "/projects/:id/plans", Access: httpx.Staff, Tag: "plans",
			Summary: "Every version of the project's plan, newest first", Response: httpx.List[View]{}, Handler: h.list},
		httpx.Route{Method: http.MethodGet, Path: "/plans/:id", Access: httpx.Staff, Tag: "plans",
			Summary: "One plan version", Response: View{}, Handler: h.get},
		httpx.Route{Method: http.MethodPut, Path: "/plans/:id", Access: httpx.Staff, Tag: "plans",
			Summary: "Replace a draft's content (published plans never change)", Request: Input{}, Response: View{}, Handler: h.update},
		httpx.Route{Method: http.MethodPost, Path: "/plans/:id/publish", Access: httpx.Staff, Tag: "plans",
			Summary: "Publish a draft and open its vote; the previous version is superseded", Response: View{}, Handler: h.publish},
		httpx.Route{Method: http.MethodPost, Path: "/plans/:id/attachments", Access: httpx.Staff, Tag: "plans",
			Summary:  "Attach a drawing (JPEG, PNG) or document (PDF) to a draft (multipart: file, title)",
			Response: AttachmentView{}, Status: http.StatusCreated, Form: map[string]string{"title": "what the file shows", "file": "file: a drawing (JPEG, PNG) or document (PDF), at most 10 MiB"},
			Handler: h.attach},
		httpx.Route{Method: http.MethodGet, Path: "/plans/:id/attachments/:attachment_id", Access: httpx.Staff, Tag: "plans",
			Summary: "An attachment of a plan, for staff (drafts included)", Produces: "application/octet-stream", Handler: h.draftFile},
		httpx.Route{Method: http.MethodDelete, Path: "/plans/:id/attachments/:attachment_id", Access: httpx.Staff, Tag: "plans",
			Summary: "Remove an attachment from a draft", Status: http.StatusNoContent, Handler: h.detach},
		httpx.Route{Method: http.MethodGet, Path: "/files/:token", Access: httpx.Public, Tag: "plans",
			Summary: "A file published with a plan (公示)", Produces: "application/octet-stream", Handler: h.publicFile},
		httpx.Route{Method: http.MethodGet, Path: "/plans/:id/changes", Access: httpx.Staff, Tag: "plans",
			Summary: "What changed against the previous version", Response: Changes{}, Handler: h.changes},
	)
}

func (h *Handlers) catalog(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return httpx.OK(c, httpx.Items(h.svc.Catalog()))
}

func (h *Handlers) publicBuilding(c echo.Context) error {
	ctx := c.Request().Context()
	b, err := h.registry.ResolveToken(ctx, c.Param("token"))
	if err != nil {
		return err
	}
	com, err := h.registry.CommunityByID(ctx, b.CommunityID)
	if err != nil {
		return err
	}
	d, err := h.registry.DistrictByID(ctx, com.DistrictID)
	if err != nil {
		return err
	}
	var out PublicBuilding
	out.Building = registry.BuildingRef{ID: b.ID, Name: b.Name}
	out.Community.ID, out.Community.Name, out.Community.Address, out.Community.BuiltYear = com.ID, com.Name, com.Address, com.BuiltYear
	out.District.ID, out.District.Name = d.ID, d.Name
	p, _, err := h.svc.CurrentFor(ctx, com.ID, b.ID)
	switch {
	case err == nil:
		sum := h.svc.SummaryOf(p)
		out.Plan = &sum
	case err != ErrNoPlan:
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return httpx.OK(c, out)
}

func (h *Handlers) myPlan(c echo.Context) error {
	hh, err := auth.HouseholdFrom(c)
	if err != nil {
		return err
	}
	p, prj, err := h.svc.CurrentFor(c.Request().Context(), hh.CommunityID, hh.BuildingID)
	if err != nil {
		return err
	}
	v, err := h.svc.ViewOf(c.Request().Context(), p, prj.ThresholdPercent)
	if err != nil {
		return err
	}
	return httpx.OK(c, v)
}

func (h *Handlers) create(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req Input
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	v, err := h.svc.Create(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.Created(c, v)
}

func (h *Handlers) list(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	vs, err := h.svc.List(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(vs))
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

func (h *Handlers) update(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req Input
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	v, err := h.svc.Update(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.OK(c, v)
}

func (h *Handlers) publish(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	v, err := h.svc.Publish(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, v)
}
