package httpx

import (
	"bytes"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"

	"anju/server/problem"
)

func serveError(t *testing.T, path string, err error, shapes ...Shape) (*httptest.ResponseRecorder, echo.Context, string) {
	t.Helper()
	var logs bytes.Buffer
	e := echo.New()
	handler := ErrorHandler(slog.New(slog.NewTextHandler(&logs, nil)), shapes...)
	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, path, nil), rec)
	handler(err, c)
	return rec, c, logs.String()
}

func TestAnUnreachableDatabaseIs503WithRetryAfter(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("load plan: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}),
		fmt.Errorf("tally: %w", driver.ErrBadConn),
	} {
		rec, c, logs := serveError(t, "/api/v1/projects/1/consent", err)
		if rec.Code != 503 || rec.Header().Get("Retry-After") != "5" || !strings.Contains(rec.Body.String(), `"database_unavailable"`) {
			t.Errorf("%v: %d %v %s", err, rec.Code, rec.Header(), rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), "57P01") || strings.Contains(rec.Body.String(), "bad connection") {
			t.Errorf("the answer leaks the driver's error: %s", rec.Body.String())
		}
		if ErrorCode(c) != "database_unavailable" || !strings.Contains(logs, "database unavailable") {
			t.Errorf("code %q, logs %s", ErrorCode(c), logs)
		}
	}
}

func TestOtherErrorsKeepTheirStatus(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{problem.NotFound("plan_not_found", "No plan 7."), 404},
		{problem.TooMany("household_locked", 0, "Wait."), 429},
		{&pgconn.PgError{Code: "22021"}, 500},
		{errors.New("sql: database is closed"), 500},
		{echo.ErrMethodNotAllowed, 405},
	} {
		if rec, _, _ := serveError(t, "/x", c.err); rec.Code != c.want {
			t.Errorf("%v: %d, want %d", c.err, rec.Code, c.want)
		}
	}
}

func TestShapesApplyByPathPrefix(t *testing.T) {
	geo := Shape{Prefix: "/open311/", Body: func(status int, e ErrorDetail) any {
		return []map[string]any{{"code": status, "description": e.Message}}
	}}
	rec, _, _ := serveError(t, "/open311/v2/requests.json", &pgconn.PgError{Code: "08006"}, geo)
	if rec.Code != 503 || !strings.HasPrefix(rec.Body.String(), `[{"code":503,"description":"The database`) {
		t.Errorf("open311 outage: %d %s", rec.Code, rec.Body.String())
	}
	rec, _, _ = serveError(t, "/api/v1/x", problem.Invalid("bad", "Bad."), geo)
	if !strings.HasPrefix(rec.Body.String(), `{"error":{"code":"bad"`) {
		t.Errorf("the envelope elsewhere: %s", rec.Body.String())
	}
}

func TestACommittedAnswerIsNotWrittenAgain(t *testing.T) {
	e := echo.New()
	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/stream", nil), rec)
	_ = c.String(http.StatusOK, "event: tally\n")
	var logs bytes.Buffer
	ErrorHandler(slog.New(slog.NewTextHandler(&logs, nil)))(errors.New("stream broke"), c)
	if rec.Code != 200 || rec.Body.String() != "event: tally\n" || !strings.Contains(logs.String(), "after the answer began") {
		t.Errorf("%d %q %s", rec.Code, rec.Body.String(), logs.String())
	}
}

func TestAClientThatWentAwayIsNotAServerFault(t *testing.T) {
	e := echo.New()
	rec := httptest.NewRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/api/v1/projects/1/consent", nil).WithContext(ctx), rec)
	var logs bytes.Buffer
	ErrorHandler(slog.New(slog.NewTextHandler(&logs, nil)))(fmt.Errorf("tally: %w", context.Canceled), c)
	if c.Response().Status != StatusClientClosed || ErrorCode(c) != "client_closed" || rec.Body.Len() != 0 {
		t.Errorf("status %d, code %q, body %q", c.Response().Status, ErrorCode(c), rec.Body.String())
	}
	if strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "went away") {
		t.Errorf("logs: %s", logs.String())
	}
	// A cancellation that is not the client's (the server's own deadline) is still a fault.
	rec2, _, logs2 := serveError(t, "/x", context.Canceled)
	if rec2.Code != 500 || !strings.Contains(logs2, "level=ERROR") {
		t.Errorf("server-side cancellation: %d %s", rec2.Code, logs2)
	}
}

func TestLogPathHidesCapabilityTokens(t *testing.T) {
	e := echo.New()
	for _, c := range []struct{ route, path, want string }{
		{"/api/v1/photos/:token", "/api/v1/photos/abcdefsecret", "/api/v1/photos/:token"},
		{"/*", "/b/buildingtoken", "/*"},
		{"/api/v1/projects/:id/consent", "/api/v1/projects/12/consent", "/api/v1/projects/12/consent"},
	} {
		ctx := e.NewContext(httptest.NewRequest(http.MethodGet, c.path, nil), httptest.NewRecorder())
		ctx.SetPath(c.route)
		if got := LogPath(ctx); got != c.want {
			t.Errorf("LogPath(%s) = %q, want %q", c.path, got, c.want)
		}
	}
}
