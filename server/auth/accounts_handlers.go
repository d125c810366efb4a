package auth

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"anju/server/audit"
	"anju/server/httpx"
)

// accountRoutes are the managers' account administration (账号管理): the city
// office manages every account, a district the committee accounts of its
// communities. Each change is audited and ends the account's sessions.
func (h *Handlers) accountRoutes(r *httpx.Router) {
	r.Add(
		httpx.Route{Method: http.MethodGet, Path: "/staff-users", Access: httpx.Manager, Tag: "auth",
			Summary:  "The staff accounts the caller manages (city: all; district: its committee accounts)",
			Response: httpx.List[Account]{}, Handler: h.list},
		httpx.Route{Method: http.MethodPost, Path: "/staff-users", Access: httpx.Manager, Tag: "auth",
			Summary: "Create a staff account (city: any; district: committee accounts of its communities)",
			Request: NewStaff{}, Response: StaffUser{}, Status: http.StatusCreated, Handler: h.create},
		httpx.Route{Method: http.MethodPost, Path: "/staff-users/:id/disable", Access: httpx.Manager, Tag: "auth",
			Summary: "Disable an account: its sessions and open live tallies end at once", Response: Account{}, Handler: h.disable},
		httpx.Route{Method: http.MethodPost, Path: "/staff-users/:id/enable", Access: httpx.Manager, Tag: "auth",
			Summary: "Enable a disabled account again; sessions from before stay ended", Response: Account{}, Handler: h.enable},
		httpx.Route{Method: http.MethodPost, Path: "/staff-users/:id/password", Access: httpx.Manager, Tag: "auth",
			Summary: "Reset another account's password; its sessions end", Request: PasswordReset{}, Response: Account{}, Handler: h.reset},
		httpx.Route{Method: http.MethodGet, Path: "/staff-users/:id/audit", Access: httpx.Manager, Tag: "auth",
			Summary:  "Who created, disabled, enabled or reset the account, and when (newest first)",
			Response: httpx.List[audit.Event]{}, Handler: h.history},
	)
}

func (h *Handlers) list(c echo.Context) error {
	s, err := StaffFrom(c)
	if err != nil {
		return err
	}
	accounts, err := h.staffs.List(c.Request().Context(), s)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(accounts))
}

func (h *Handlers) create(c echo.Context) error {
	s, err := StaffFrom(c)
	if err != nil {
		return err
	}
	var req NewStaff
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	u, err := h.staffs.Create(c.Request().Context(), s, req)
	if err != nil {
		return err
	}
	return httpx.Created(c, u)
}

func (h *Handlers) disable(c echo.Context) error { return h.setDisabled(c, true) }
func (h *Handlers) enable(c echo.Context) error  { return h.setDisabled(c, false) }

func (h *Handlers) setDisabled(c echo.Context, disabled bool) error {
	s, id, err := StaffAndID(c)
	if err != nil {
		return err
	}
	a, err := h.staffs.SetDisabled(c.Request().Context(), s, id, disabled)
	if err != nil {
		return err
	}
	return httpx.OK(c, a)
}

func (h *Handlers) reset(c echo.Context) error {
	s, id, err := StaffAndID(c)
	if err != nil {
		return err
	}
	var req PasswordReset
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	a, err := h.staffs.ResetPassword(c.Request().Context(), s, id, req.Password)
	if err != nil {
		return err
	}
	return httpx.OK(c, a)
}

func (h *Handlers) history(c echo.Context) error {
	s, id, err := StaffAndID(c)
	if err != nil {
		return err
	}
	events, err := h.staffs.History(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, httpx.Items(events))
}
