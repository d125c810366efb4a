package open311

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"anju/server/auth"
	"anju/server/feedback"
	"anju/server/httpx"
	"anju/server/problem"
)

var errBadKey = problem.Forbidden("The api_key is missing, unknown or revoked; ask the city or district office for a key.")

// Service is a GeoReport v2 service definition.
type Service struct {
	ServiceCode string `json:"service_code"`
	ServiceName string `json:"service_name"`
	Description string `json:"description"`
	Metadata    bool   `json:"metadata"`
	Type        string `json:"type"`
	Keywords    string `json:"keywords"`
	Group       string `json:"group"`
}

// Request is a GeoReport v2 service request, without personal data.
type Request struct {
	ServiceRequestID  string     `json:"service_request_id"`
	Status            string     `json:"status"`
	StatusNotes       string     `json:"status_notes"`
	ServiceName       string     `json:"service_name"`
	ServiceCode       string     `json:"service_code"`
	Description       string     `json:"description"`
	AgencyResponsible string     `json:"agency_responsible"`
	RequestedDatetime time.Time  `json:"requested_datetime"`
	UpdatedDatetime   time.Time  `json:"updated_datetime"`
	ExpectedDatetime  *time.Time `json:"expected_datetime"`
	Address           string     `json:"address"`
	AddressID         string     `json:"address_id"`
}

// Created is the answer to a new request.
type Created struct {
	ServiceRequestID string  `json:"service_request_id"`
	ServiceNotice    string  `json:"service_notice"`
	AccountID        *string `json:"account_id"`
}

// Error is GeoReport's error shape.
type Error struct {
	Code        int    `json:"code"`
	Description string `json:"description"`
}

// NewRequest is what another system posts (form or JSON).
type NewRequest struct {
	APIKey      string `json:"api_key" form:"api_key"`
	ServiceCode string `json:"service_code" form:"service_code"`
	AddressID   string `json:"address_id" form:"address_id"`
	Description string `json:"description" form:"description"`
	FirstName   string `json:"first_name" form:"first_name"`
	LastName    string `json:"last_name" form:"last_name"`
	Phone       string `json:"phone" form:"phone"`
	Email       string `json:"email" form:"email"`
}

// Handlers serve GeoReport v2 and the key administration.
type Handlers struct {
	keys     *Keys
	feedback *feedback.Service
}

// NewHandlers returns the Open311 handlers.
func NewHandlers(keys *Keys, fb *feedback.Service) *Handlers {
	return &Handlers{keys: keys, feedback: fb}
}

// Routes registers GeoReport v2 on r (mounted at /open311/v2).
func (h *Handlers) Routes(r *httpx.Router) {
	r.Add(
		httpx.Route{Method: http.MethodGet, Path: "/services.json", Access: httpx.Public, Tag: "open311",
			Summary: "GeoReport v2: complaint categories as services", Response: []Service{}, Handler: h.services},
		httpx.Route{Method: http.MethodGet, Path: "/requests.json", Access: httpx.Public, Tag: "open311",
			Summary: "GeoReport v2: complaints without personal data", Response: []Request{}, Handler: h.requests,
			Params: map[string]string{"service_request_id": "ids, comma-separated", "service_code": "a category",
				"status": "open or closed", "start_date": "RFC 3339", "end_date": "RFC 3339"}},
		httpx.Route{Method: http.MethodGet, Path: "/requests/:id", Access: httpx.Public, Tag: "open311",
			Summary: "GeoReport v2: one complaint (path ends in .json)", Response: []Request{}, Handler: h.request},
		httpx.Route{Method: http.MethodPost, Path: "/requests.json", Access: httpx.Public, Tag: "open311",
			Summary: "GeoReport v2: file a complaint (api_key required)", Request: NewRequest{}, Response: []Created{},
			Status: http.StatusCreated, Handler: h.create},
	)
}

// KeyRoutes registers the key administration on the API router.
func (h *Handlers) KeyRoutes(r *httpx.Router) {
	r.Add(
		httpx.Route{Method: http.MethodPost, Path: "/api-keys", Access: httpx.Manager, Tag: "open311",
			Summary: "Issue an Open311 API key (shown once)", Request: NewKey{}, Response: IssuedKey{},
			Status: http.StatusCreated, Handler: h.issue},
		httpx.Route{Method: http.MethodGet, Path: "/api-keys", Access: httpx.Manager, Tag: "open311",
			Summary: "Open311 API keys of the caller's area", Response: httpx.List[Key]{}, Handler: h.list},
		httpx.Route{Method: http.MethodDelete, Path: "/api-keys/:id", Access: httpx.Manager, Tag: "open311",
			Summary: "Revoke an Open311 API key", Response: Key{}, Handler: h.revoke},
	)
}

// Errors gives every error under /open311/ GeoReport's shape,
// [{"code", "description"}]; the central error handler applies it, so bad
// input, outages and internal faults all keep that shape.
var Errors = httpx.Shape{Prefix: "/open311/", Schema: []Error{}, Body: func(status int, e httpx.ErrorDetail) any {
	return []Error{{Code: status, Description: e.Message}}
}}

func (h *Handlers) services(c echo.Context) error {
	out := make([]Service, 0, len(feedback.Categories))
	for _, cat := range feedback.Categories {
		out = append(out, Service{ServiceCode: cat.Code, ServiceName: cat.Zh, Description: cat.En, Type: "realtime",
			Keywords: cat.En, Group: "老旧小区改造"})
	}
	return c.JSON(http.StatusOK, out)
}

func toRequest(p feedback.Public) Request {
	status := "open"
	if !p.Status.IsOpen() {
		status = "closed"
	}
	addressID := ""
	if p.BuildingID != nil {
		addressID = strconv.FormatInt(*p.BuildingID, 10)
	}
	name := p.Category
	for _, cat := range feedback.Categories {
		if cat.Code == p.Category {
			name = cat.Zh
		}
	}
	return Request{ServiceRequestID: strconv.FormatInt(p.ID, 10), Status: status,
		StatusNotes: string(p.Status) + " " + feedback.StatusLabel(p.Status), ServiceName: name, ServiceCode: p.Category,
		Description: p.Description, AgencyResponsible: p.UnitName, RequestedDatetime: p.CreatedAt, UpdatedDatetime: p.UpdatedAt,
		ExpectedDatetime: p.Deadline, Address: strings.TrimSpace(p.CommunityName + " " + p.BuildingName), AddressID: addressID}
}

func (h *Handlers) requests(c echo.Context) error {
	f := feedback.PublicFilter{Limit: 1000, Category: c.QueryParam("service_code")}
	if v := c.QueryParam("service_request_id"); v != "" {
		for _, s := range strings.Split(v, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil || id <= 0 {
				return problem.Field("service_request_id", "%q is not a request id", s)
			}
			f.IDs = append(f.IDs, id)
		}
	}
	switch c.QueryParam("status") {
	case "":
	case "open", "closed":
		open := c.QueryParam("status") == "open"
		f.Open = &open
	default:
		return problem.Field("status", "must be open or closed (got %q)", c.QueryParam("status"))
	}
	for name, dst := range map[string]**time.Time{"start_date": &f.From, "end_date": &f.To} {
		if v := c.QueryParam(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return problem.Field(name, "must be an RFC 3339 time such as 2026-11-23T08:00:00Z (got %q)", v)
			}
			*dst = &t
		}
	}
	ps, err := h.feedback.PublicList(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := make([]Request, 0, len(ps))
	for _, p := range ps {
		out = append(out, toRequest(p))
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) request(c echo.Context) error {
	raw, ok := strings.CutSuffix(c.Param("id"), ".json")
	if !ok {
		return problem.NotFound("not_found", "Only JSON is served: ask for /open311/v2/requests/{id}.json.")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return problem.NotFound("not_found", "%q is not a request id.", raw)
	}
	ps, err := h.feedback.PublicList(c.Request().Context(), feedback.PublicFilter{IDs: []int64{id}, Limit: 1})
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return problem.NotFound("not_found", "No service request %d exists.", id)
	}
	return c.JSON(http.StatusOK, []Request{toRequest(ps[0])})
}

func (h *Handlers) create(c echo.Context) error {
	var in NewRequest
	if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON) {
		if err := httpx.Bind(c, &in); err != nil {
			return err
		}
	} else if err := httpx.BindForm(c, &in); err != nil {
		return err
	}
	key, err := h.keys.Check(c.Request().Context(), strings.TrimSpace(in.APIKey))
	if err != nil {
		return err
	}
	building, err := strconv.ParseInt(strings.TrimSpace(in.AddressID), 10, 64)
	if err != nil || building <= 0 {
		return problem.Field("address_id", "is required: the building id (from requests.json or the committee)")
	}
	cpl, err := h.feedback.FileExternal(c.Request().Context(), feedback.External{APIKeyID: key.ID, APIKeyName: key.Name,
		DistrictID: key.DistrictID, Category: strings.TrimSpace(in.ServiceCode), BuildingID: building,
		Description: in.Description, Name: strings.TrimSpace(in.FirstName + " " + in.LastName), Phone: in.Phone, Email: in.Email})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, []Created{{ServiceRequestID: strconv.FormatInt(cpl.ID, 10),
		ServiceNotice: "已受理：社区和县区将按时限派单处理，可按编号查询进度"}})
}

func (h *Handlers) issue(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	var in NewKey
	if err := httpx.Bind(c, &in); err != nil {
		return err
	}
	k, err := h.keys.Issue(c.Request().Context(), s, in)
	if err != nil {
		return err
	}
	return httpx.Created(c, k)
}

func (h *Handlers) list(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	ks, err := h.keys.List(c.Request().Context(), s)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(ks))
}

func (h *Handlers) revoke(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	k, err := h.keys.Revoke(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, k)
}
