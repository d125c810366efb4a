package auth

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"anju/server/httpx"
)

// Handlers serve staff sign-in and accounts.
type Handlers struct {
	staffs  *Staffs
	tokens  *Tokens
	limiter echo.MiddlewareFunc
}

// NewHandlers returns the staff sign-in handlers; limiter throttles sign-in per client IP.
func NewHandlers(staffs *Staffs, tokens *Tokens, limiter echo.MiddlewareFunc) *Handlers {
	return &Handlers{staffs: staffs, tokens: tokens, limiter: limiter}
}

// LoginRequest is a staff sign-in.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// LoginResponse carries the staff token.
type LoginResponse struct {
	Issued
	User StaffUser `json:"user"`
}

// Routes registers the staff sign-in routes.
func (h *Handlers) Routes(r *httpx.Router) {
	r.Add(
		httpx.Route{Method: http.MethodPost, Path: "/auth/login", Access: httpx.Public, Tag: "auth",
			Summary: "Staff sign-in with username and password", Request: LoginRequest{}, Response: LoginResponse{},
			Handler: h.login, Extra: []echo.MiddlewareFunc{h.limiter}},
		httpx.Route{Method: http.MethodGet, Path: "/auth/me", Access: httpx.Staff, Tag: "auth",
			Summary: "The signed-in staff user", Response: StaffUser{}, Handler: h.me},
		httpx.Route{Method: http.MethodPut, Path: "/auth/password", Access: httpx.Staff, Tag: "auth",
			Summary: "Change one's own password (the current one is required); every other session ends, the answer carries a fresh token",
			Request: PasswordChange{}, Response: LoginResponse{}, Handler: h.changePassword, Extra: []echo.MiddlewareFunc{h.limiter}},
	)
	h.accountRoutes(r)
}

func (h *Handlers) login(c echo.Context) error {
	var req LoginRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	u, err := h.staffs.Authenticate(c.Request().Context(), req.Username, req.Password)
	if err != nil {
		return err
	}
	tok, err := h.tokens.IssueStaff(u.ID, u.TokenVersion)
	if err != nil {
		return err
	}
	return httpx.OK(c, LoginResponse{Issued: tok, User: *u})
}

func (h *Handlers) me(c echo.Context) error {
	s, err := StaffFrom(c)
	if err != nil {
		return err
	}
	u, err := h.staffs.Get(c.Request().Context(), s.ID)
	if err != nil {
		return err
	}
	return httpx.OK(c, u)
}

func (h *Handlers) changePassword(c echo.Context) error {
	s, err := StaffFrom(c)
	if err != nil {
		return err
	}
	var req PasswordChange
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	u, err := h.staffs.ChangePassword(c.Request().Context(), s, req)
	if err != nil {
		return err
	}
	tok, err := h.tokens.IssueStaff(u.ID, u.TokenVersion)
	if err != nil {
		return err
	}
	return httpx.OK(c, LoginResponse{Issued: tok, User: *u})
}
