package webui

import (
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"anju/server/httpx"
)

func serve(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	e := echo.New()
	e.HTTPErrorHandler = httpx.ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))
	Register(e)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestPagesAreServedFreshAndAPIMissesAreJSON(t *testing.T) {
	for _, p := range []string{"/", "/b/abc123", "/plan", "/staff/", "/staff/projects/1"} {
		rec := serve(t, p)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: %d %q %q", p, rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
		}
	}
	for _, p := range []string{"/api/v1/nothing", "/api", "/api/v1/../v1/x"} {
		rec := serve(t, p)
		if rec.Code != 404 || !strings.Contains(rec.Body.String(), `"code":"not_found"`) {
			t.Errorf("%s must be a JSON 404, got %d %s", p, rec.Code, rec.Body.String())
		}
	}
	if rec := serve(t, "/no-such-file.js"); rec.Code != 404 {
		t.Errorf("a missing file must be 404, got %d", rec.Code)
	}
}

func TestBuiltAppCachesHashedAssetsForGood(t *testing.T) {
	root, built := FS()
	if !built {
		if rec := serve(t, "/"); !strings.Contains(rec.Body.String(), "make run") {
			t.Fatal("without a web build the placeholder must say how to build it")
		}
		return
	}
	assets, _ := fs.Glob(root, "assets/*.js")
	if len(assets) == 0 {
		t.Fatal("the built app has no hashed assets")
	}
	rec := serve(t, "/"+assets[0])
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
		t.Fatalf("%s: %d %q", assets[0], rec.Code, rec.Header().Get("Cache-Control"))
	}
	if rec := serve(t, "/sw.js"); rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("the service worker must never be cached: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	if rec := serve(t, "/staff/"); !strings.Contains(rec.Body.String(), "staff") {
		t.Fatal("/staff/ must serve the staff page")
	}
}
