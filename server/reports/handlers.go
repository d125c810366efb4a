package reports

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"anju/server/auth"
	"anju/server/httpx"
)

// Handlers serve targets, progress, the monthly report and the dashboard.
type Handlers struct{ svc *Service }

// NewHandlers returns the reports handlers.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// Routes registers the reports routes.
func (h *Handlers) Routes(r *httpx.Router) {
	r.Add(
		httpx.Route{Method: http.MethodPut, Path: "/districts/:id/targets/:year", Access: httpx.City, Tag: "reports",
			Summary: "Set a district's annual target (任务分解): households to start, to complete, continuing",
			Request: TargetInput{}, Response: Target{}, Handler: h.putTarget},
		httpx.Route{Method: http.MethodGet, Path: "/districts/:id/targets/:year", Access: httpx.Staff, Tag: "reports",
			Summary: "A district's annual target", Response: Target{}, Handler: h.getTarget},
		httpx.Route{Method: http.MethodGet, Path: "/districts/:id/targets/:year/progress", Access: httpx.Staff, Tag: "reports",
			Summary: "A district's progress against its target and the three milestones (seed 002 §一)",
			Params:  map[string]string{"as_of": "YYYY-MM-DD, default today (UTC)"}, Response: Progress{}, Handler: h.progress},
		httpx.Route{Method: http.MethodGet, Path: "/reports/monthly.xlsx", Access: httpx.Manager, Tag: "reports",
			Summary:  "The monthly report (月报) as of the month's last day: sheets 汇总 and 项目",
			Params:   map[string]string{"month": "YYYY-MM (required)", "district_id": "one district; city staff may leave it out for every district and a total"},
			Produces: xlsxType, Handler: h.monthly},
		httpx.Route{Method: http.MethodGet, Path: "/dashboard", Access: httpx.Manager, Tag: "reports",
			Summary:  "The year at a glance: districts ranked, months, stages, consent, complaints, satisfaction",
			Params:   map[string]string{"year": "default this year", "as_of": "YYYY-MM-DD, default today (UTC)"},
			Response: Dashboard{}, Handler: h.dashboard},
	)
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// districtYear reads the staff user, the district id and the year from the path.
func districtYear(c echo.Context) (*auth.Staff, int64, int, error) {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return nil, 0, 0, err
	}
	year, err := parseYear(c.Param("year"))
	return s, id, year, err
}

func (h *Handlers) putTarget(c echo.Context) error {
	s, id, year, err := districtYear(c)
	if err != nil {
		return err
	}
	var req TargetInput
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	t, err := h.svc.PutTarget(c.Request().Context(), s, id, year, req)
	if err != nil {
		return err
	}
	return httpx.OK(c, t)
}

func (h *Handlers) getTarget(c echo.Context) error {
	s, id, year, err := districtYear(c)
	if err != nil {
		return err
	}
	t, err := h.svc.GetTarget(c.Request().Context(), s, id, year)
	if err != nil {
		return err
	}
	return httpx.OK(c, t)
}

func (h *Handlers) progress(c echo.Context) error {
	s, id, year, err := districtYear(c)
	if err != nil {
		return err
	}
	p, err := h.svc.DistrictProgress(c.Request().Context(), s, id, year, c.QueryParam("as_of"))
	if err != nil {
		return err
	}
	return httpx.OK(c, p)
}

func (h *Handlers) monthly(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	district, err := httpx.QueryID(c, "district_id")
	if err != nil {
		return err
	}
	data, name, err := h.svc.MonthlyXLSX(c.Request().Context(), s, district, c.QueryParam("month"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", httpx.ContentDisposition("attachment", name, "monthly-report-"+httpx.ASCIIName(name)))
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, xlsxType, data)
}

func (h *Handlers) dashboard(c echo.Context) error {
	s, err := auth.StaffFrom(c)
	if err != nil {
		return err
	}
	year := h.svc.now().Year()
	if raw := c.QueryParam("year"); raw != "" {
		if year, err = parseYear(raw); err != nil {
			return err
		}
	}
	d, err := h.svc.Dashboard(c.Request().Context(), s, year, c.QueryParam("as_of"))
	if err != nil {
		return err
	}
	return httpx.OK(c, d)
}
