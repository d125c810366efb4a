package webui

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"
	"github.com/labstack/echo/v4"

	"anju/server/httpx"
	"anju/test/fixture"
)

const page = `<!doctype html><html><head><script type="module" src="/assets/index-x.js"></script></head>` +
	`<body><noscript>js</noscript><div id="app"></div></body></html>`

// built is a build as scripts/compress.mjs leaves it: files and their .br and .gz.
func built(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	add := func(name, body string) {
		m[name] = &fstest.MapFile{Data: []byte(body)}
		var br, gz bytes.Buffer
		bw := brotli.NewWriterLevel(&br, 11)
		gw := gzip.NewWriter(&gz)
		for _, w := range []io.WriteCloser{bw, gw} {
			if _, err := w.Write([]byte(body)); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		}
		m[name+".br"] = &fstest.MapFile{Data: br.Bytes()}
		m[name+".gz"] = &fstest.MapFile{Data: gz.Bytes()}
	}
	add("index.html", page)
	add("assets/index-x.js", strings.Repeat("console.log('安居');\n", 200))
	add("manifest.webmanifest", `{"name":"安居"}`)
	m["icons/icon.png"] = &fstest.MapFile{Data: []byte("\x89PNG not really")}
	return m
}

// app serves root with a stand-in for the public API the first screens ask.
func app(t *testing.T, root fstest.MapFS) *echo.Echo {
	t.Helper()
	e := echo.New()
	e.HTTPErrorHandler = httpx.ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.GET("/api/v1/public/buildings/:token", func(c echo.Context) error {
		switch c.Param("token") {
		case "tok":
			return c.JSON(200, map[string]any{
				"building":  map[string]any{"id": 1, "name": "1号楼</script><script>alert(1)</script>"},
				"community": map[string]any{"id": 2, "name": "纺织厂家属院", "address": "交通路18号", "built_year": 1991},
				"district":  map[string]any{"id": 3, "name": "驿城区"},
				"plan": map[string]any{"title": "改造方案", "summary": "屋顶防水", "voting_opens_at": "2026-12-07T02:00:00Z",
					"voting_closes_at": "2027-01-06T10:00:00Z"},
			})
		case "gone":
			return echo.NewHTTPError(http.StatusGone)
		}
		return echo.NewHTTPError(http.StatusNotFound)
	})
	e.GET("/api/v1/public/communities/:token", func(c echo.Context) error {
		if c.Param("token") != "board" {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		return c.JSON(200, map[string]any{
			"community": map[string]any{"id": 2, "name": "纺织厂家属院", "address": "交通路18号", "built_year": 1991},
			"district":  map[string]any{"id": 3, "name": "驿城区"},
			"plan": map[string]any{"title": "改造方案", "summary": "屋顶防水、雨污分流", "voting_opens_at": "2026-12-07T02:00:00Z",
				"voting_closes_at": "2027-01-06T10:00:00Z", "closed_at": "2026-12-30T04:00:00Z"},
			"participation": map[string]any{"eligible": 72, "voted": 48},
			"notices":       []any{},
		})
	})
	register(e, root)
	return e
}

func get(e *echo.Echo, path, acceptEncoding string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	b, err := fixture.Decoded(rec.Header().Get("Content-Encoding"), rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var suffix = map[string]string{"br": ".br", "gzip": ".gz"}

func TestFilesGoOutAsTheBuildCompressedThem(t *testing.T) {
	root := built(t)
	e := app(t, root)
	for _, name := range []string{"assets/index-x.js", "manifest.webmanifest", "index.html"} {
		path := "/" + name
		if name == "index.html" {
			path = "/plan" // a page of the app
		}
		for _, tc := range []struct{ accept, want string }{
			{"br", "br"}, {"gzip", "gzip"}, {"gzip, deflate, br", "br"}, {"br;q=0, gzip", "gzip"},
			{"", ""}, {"identity", ""}, {"*", "br"}, {"deflate", ""},
		} {
			rec := get(e, path, tc.accept)
			if rec.Code != 200 || rec.Header().Get("Content-Encoding") != tc.want {
				t.Errorf("%s with Accept-Encoding %q: %d, encoding %q, want %q", path, tc.accept, rec.Code,
					rec.Header().Get("Content-Encoding"), tc.want)
				continue
			}
			if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s: no Vary: Accept-Encoding", path)
			}
			if got := decode(t, rec); got != string(root[name].Data) {
				t.Errorf("%s as %q decodes to something else than the file", path, tc.want)
			}
			if tc.want != "" && rec.Header().Get("Content-Length") != strconv.Itoa(len(root[name+suffix[tc.want]].Data)) {
				t.Errorf("%s as %q: Content-Length %q", path, tc.want, rec.Header().Get("Content-Length"))
			}
		}
	}
	if ct := get(e, "/manifest.webmanifest", "br").Header().Get("Content-Type"); ct != "application/manifest+json" {
		t.Errorf("manifest type %q", ct)
	}
	if rec := get(e, "/icons/icon.png", "br, gzip"); rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != string(root["icons/icon.png"].Data) {
		t.Errorf("an image has no compressed copy and goes out as it is: %q", rec.Header().Get("Content-Encoding"))
	}
}

func TestTheLandingPageCarriesItsFirstScreen(t *testing.T) {
	e := app(t, built(t))
	for _, accept := range []string{"br", "gzip", ""} {
		rec := get(e, "/b/tok", accept)
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != accept || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("Accept-Encoding %q: %d %q %q", accept, rec.Code, rec.Header().Get("Content-Encoding"), rec.Header().Get("Cache-Control"))
		}
		html := decode(t, rec)
		for _, want := range []string{
			`<div id="app"><div class="page" data-first-screen="building">`,
			"纺织厂家属院", "驿城区 · 交通路18号 · 1991 年建成", "<p><strong>改造方案</strong></p>", "屋顶防水",
			"<h2>登录投票</h2>",   // the sign-in form's place, kept on the first screen
			"2027年1月6日 18:00", // Beijing time
			`<script type="application/json" id="anju-prefetch">{"body":`,
			`"path":"/public/buildings/tok"`,
			`<script type="module" src="/assets/index-x.js">`,
		} {
			if !strings.Contains(html, want) {
				t.Errorf("Accept-Encoding %q: the page lacks %q:\n%s", accept, want, html)
			}
		}
		// A name cannot end the script element nor open another, in the
		// carried answer or in the rendered screen.
		if strings.Count(html, "<script") != 2 || strings.Contains(html, "<script>alert") {
			t.Errorf("the building's name escaped its place:\n%s", html)
		}
	}
	// Unknown and retired tokens: the plain page, and the app says why.
	for _, p := range []string{"/b/nosuch", "/b/gone", "/b/", "/b/tok/extra", "/c/nosuch"} {
		rec := get(e, p, "")
		if rec.Code != 200 || decode(t, rec) != page {
			t.Errorf("%s: want the plain page, got %d %q", p, rec.Code, rec.Body.String())
		}
	}
}

func TestTheNoticeBoardCarriesItsFirstScreen(t *testing.T) {
	e := app(t, built(t))
	html := decode(t, get(e, "/c/board", "br"))
	for _, want := range []string{
		`data-first-screen="board"`, "<h1>纺织厂家属院</h1>", `<p class="plan-title">改造方案</p>`,
		`<p class="pre">屋顶防水、雨污分流</p>`,         // the largest text of the screen, painted before the app runs
		"2026年12月7日 10:00 – 2026年12月30日 12:00", // a vote closed early shows when it closed
		"已有 48 户参与，共 72 户", `"path":"/public/communities/board"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the board lacks %q:\n%s", want, html)
		}
	}
}

func TestOddTokensGetThePlainPage(t *testing.T) {
	e := app(t, built(t))
	for _, p := range []string{"/b/a%20b", "/b/a%3Fx=1", "/b/%00", "/b/a%23b", "/c/%E4%BD%A0%20%22", "/b/" + strings.Repeat("x", 5000)} {
		rec := get(e, p, "br")
		if rec.Code != 200 || decode(t, rec) != page {
			t.Errorf("%s: want the plain page, got %d %q", p, rec.Code, rec.Body.String())
		}
	}
}
