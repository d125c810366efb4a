package webui

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"html/template"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// A page whose first screen the server writes into the HTML: the QR code's
// landing page and the notice board. On a 400 kbit/s line the app's script
// takes seconds to arrive; the building, the community and the plan's
// headline must not wait for it (issue 11). The server asks its own API for
// the page's data — the very answer the app would fetch, through the same
// handler — renders the top of the screen from it, and puts the answer
// beside it (the app's http client takes it instead of fetching again, see
// web/src/api/prefetch.ts). The app replaces the rendered part when it starts.
type firstScreen struct {
	prefix   string // the page's path before its token
	api      string // the API path that answers it, before the token, below /api/v1
	template string // the block of firstscreen.html
}

var firstScreens = []firstScreen{
	{prefix: "/b/", api: "/public/buildings/", template: "building"},
	{prefix: "/c/", api: "/public/communities/", template: "board"},
}

//go:embed firstscreen.html
var firstScreenHTML string

// chinaTime is how residents read times: Beijing time, whatever the server's zone.
var chinaTime = time.FixedZone("CST", 8*3600)

var screens = template.Must(template.New("").Funcs(template.FuncMap{
	// when shows an RFC 3339 time as the app does (formatDateTime, zh-CN).
	"when": func(v any) string {
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		return t.In(chinaTime).Format("2006年1月2日 15:04")
	},
}).Parse(firstScreenHTML))

// tokenShape is what a QR code's token can look like (registry tokens are
// base32); anything else is not asked for, and never reaches a URL built here.
var tokenShape = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// prefetchID is the id of the script element that carries the API answer;
// web/src/api/prefetch.ts reads it.
const prefetchID = "anju-prefetch"

// appRoot is where the app mounts in index.html.
const appRoot = `<div id="app"></div>`

// renderFirstScreen returns page (index.html) with the first screen of the
// page at p and the API answer it came from, or nil when p has none or its
// data cannot be had (an unknown or retired token): the app then shows why,
// as it always has.
func renderFirstScreen(e *echo.Echo, r *http.Request, p string, page []byte) []byte {
	for _, fs := range firstScreens {
		token, ok := strings.CutPrefix(p, fs.prefix)
		if !ok {
			continue
		}
		if !tokenShape.MatchString(token) {
			return nil // no token looks like that: the app says "not found"
		}
		apiPath := fs.api + token
		body := askAPI(e, r, "/api/v1"+apiPath)
		if body == nil {
			return nil
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber() // counts and years print as they came
		var data map[string]any
		if dec.Decode(&data) != nil {
			return nil
		}
		var screen bytes.Buffer
		if screens.ExecuteTemplate(&screen, fs.template, data) != nil {
			return nil
		}
		// json.Marshal escapes <, > and &: the answer cannot end the script element.
		carried, err := json.Marshal(map[string]any{"path": apiPath, "body": data})
		if err != nil {
			return nil
		}
		var out bytes.Buffer
		out.WriteString(`<script type="application/json" id="` + prefetchID + `">`)
		out.Write(carried)
		out.WriteString(`</script><div id="app">`)
		out.Write(screen.Bytes())
		out.WriteString(`</div>`)
		if !bytes.Contains(page, []byte(appRoot)) {
			return nil
		}
		return bytes.Replace(page, []byte(appRoot), out.Bytes(), 1)
	}
	return nil
}

// askAPI answers a GET of path as the API would answer the phone, through
// every middleware and the same handler; nil unless it is a 200.
func askAPI(e *echo.Echo, r *http.Request, path string) []byte {
	req := httptest.NewRequestWithContext(r.Context(), http.MethodGet, path, nil)
	req.RemoteAddr = r.RemoteAddr
	for _, h := range []string{"X-Forwarded-For", "X-Real-Ip", "User-Agent", "Accept-Language"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return nil
	}
	return rec.Body.Bytes()
}
