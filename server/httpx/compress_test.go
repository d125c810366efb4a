package httpx

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"anju/test/fixture"
)

func compressing(t *testing.T) *echo.Echo {
	t.Helper()
	e := echo.New()
	e.HTTPErrorHandler = ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.Use(Compress("/api/"))
	g := e.Group("/api")
	big := map[string]string{"text": strings.Repeat("居民同意改造方案。", 100)}
	e.GET("/elsewhere", func(c echo.Context) error { return c.JSON(200, big) })
	g.GET("/big", func(c echo.Context) error { return c.JSON(200, big) })
	g.GET("/small", func(c echo.Context) error { return c.JSON(200, map[string]int{"n": 1}) })
	g.GET("/fail", func(c echo.Context) error {
		return echo.NewHTTPError(http.StatusBadRequest, strings.Repeat("这一行写错了。", 60))
	})
	g.GET("/boom", func(c echo.Context) error { return errors.New("db down") })
	g.GET("/events", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentType, "text/event-stream")
		c.Response().WriteHeader(200)
		_, _ = c.Response().Write([]byte("data: " + strings.Repeat("x", 2000) + "\n\n"))
		c.Response().Flush()
		return nil
	})
	g.GET("/photo", func(c echo.Context) error { return c.Blob(200, "image/jpeg", []byte(strings.Repeat("j", 4000))) })
	return e
}

func call(e *echo.Echo, path, accept string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func body(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	b, err := fixture.Decoded(rec.Header().Get("Content-Encoding"), rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAnswersAreCompressedAsThePhoneAccepts(t *testing.T) {
	e := compressing(t)
	plain := call(e, "/api/big", "")
	if plain.Header().Get("Content-Encoding") != "" || !strings.Contains(plain.Header().Get("Vary"), "Accept-Encoding") {
		t.Fatalf("without Accept-Encoding: %q, Vary %q", plain.Header().Get("Content-Encoding"), plain.Header().Get("Vary"))
	}
	for _, tc := range []struct{ accept, want string }{
		{"br", "br"}, {"gzip", "gzip"}, {"gzip, deflate, br", "br"}, {"br;q=0, gzip", "gzip"}, {"identity", ""}, {"zstd", ""},
	} {
		rec := call(e, "/api/big", tc.accept)
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != tc.want {
			t.Errorf("Accept-Encoding %q: %d %q, want %q", tc.accept, rec.Code, rec.Header().Get("Content-Encoding"), tc.want)
			continue
		}
		if body(t, rec) != plain.Body.String() {
			t.Errorf("Accept-Encoding %q: the decoded answer differs", tc.accept)
		}
		if tc.want != "" && rec.Body.Len()*3 > plain.Body.Len() {
			t.Errorf("Accept-Encoding %q: %d bytes of %d; repetitive JSON compresses far better", tc.accept, rec.Body.Len(), plain.Body.Len())
		}
	}
	if rec := call(e, "/elsewhere", "br"); rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("a path outside the prefixes is left alone: %q", rec.Header().Get("Content-Encoding"))
	}
	if rec := call(e, "/api/small", "br"); rec.Header().Get("Content-Encoding") != "" || body(t, rec) != "{\"n\":1}\n" {
		t.Errorf("an answer under %d bytes goes out as it is: %q", CompressMin, rec.Header().Get("Content-Encoding"))
	}
}

func TestErrorsAreAnsweredThroughTheCompressor(t *testing.T) {
	e := compressing(t)
	for _, accept := range []string{"br", "gzip", ""} {
		rec := call(e, "/api/fail", accept)
		if rec.Code != 400 || !strings.Contains(body(t, rec), "这一行写错了") {
			t.Errorf("Accept-Encoding %q: %d %q", accept, rec.Code, rec.Header().Get("Content-Encoding"))
		}
		rec = call(e, "/api/boom", accept)
		if got := body(t, rec); rec.Code != 500 || !strings.Contains(got, `"code":"internal"`) || strings.Contains(got, "db down") {
			t.Errorf("Accept-Encoding %q: an unexpected error: %d %s", accept, rec.Code, got)
		}
	}
}

func TestStreamsAndPhotosAreNotCompressed(t *testing.T) {
	e := compressing(t)
	if rec := call(e, "/api/events", "br, gzip", "Accept", "text/event-stream"); rec.Header().Get("Content-Encoding") != "" || !rec.Flushed {
		t.Errorf("live events must leave as written: %q flushed=%v", rec.Header().Get("Content-Encoding"), rec.Flushed)
	}
	if rec := call(e, "/api/events", "br, gzip"); rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("an event stream is never compressed: %q", rec.Header().Get("Content-Encoding"))
	}
	if rec := call(e, "/api/photo", "br, gzip"); rec.Header().Get("Content-Encoding") != "" || rec.Body.Len() != 4000 {
		t.Errorf("a photo is compressed already: %q %d", rec.Header().Get("Content-Encoding"), rec.Body.Len())
	}
}

func TestAcceptsEncodingReadsQualities(t *testing.T) {
	for _, tc := range []struct {
		header string
		br, gz bool
	}{
		{"br", true, false}, {"gzip, br", true, true}, {"BR;q=0.5", true, false}, {"br;q=0, gzip;q=1.0", false, true},
		{"br;q=0.000", false, false}, {"*", true, true}, {"*;q=0, gzip", false, true}, {"", false, false}, {"identity", false, false},
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Accept-Encoding", tc.header)
		if AcceptsEncoding(req, "br") != tc.br || AcceptsEncoding(req, "gzip") != tc.gz {
			t.Errorf("%q: br %v gzip %v, want %v %v", tc.header, AcceptsEncoding(req, "br"), AcceptsEncoding(req, "gzip"), tc.br, tc.gz)
		}
	}
}
