// Package webui serves the progressive web app built from web/ and embedded in
// the binary: the resident app at every path without a file extension, the
// staff page under /staff. index.html and the service worker are never cached;
// hashed assets are cached for good. Files are sent as the build compressed
// them (web/scripts/compress.mjs writes NAME.br and NAME.gz beside each),
// brotli or gzip as the phone accepts. The QR code's landing page and the
// notice board carry their first screen (firstscreen.go). Before the web app
// is built, a placeholder page says how to build it.
package webui

import (
	"bytes"
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"anju/server/httpx"
)

//go:embed all:app all:placeholder
var files embed.FS

// FS returns the built app, or the placeholder when the app was not built.
func FS() (fs.FS, bool) {
	app, err := fs.Sub(files, "app")
	if err == nil {
		if _, err := fs.Stat(app, "index.html"); err == nil {
			return app, true
		}
	}
	ph, _ := fs.Sub(files, "placeholder")
	return ph, false
}

// Register mounts the web app on e. API paths never reach it.
func Register(e *echo.Echo) {
	root, _ := FS()
	register(e, root)
}

func register(e *echo.Echo, root fs.FS) {
	compressed := httpx.Compress()
	handler := func(c echo.Context) error {
		req := c.Request()
		p := path.Clean("/" + req.URL.Path)
		if p == "/api" || strings.HasPrefix(p, "/api/") {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		name := strings.TrimPrefix(p, "/")
		h := c.Response().Header()
		if path.Ext(p) == "" {
			page := "index.html"
			if p == "/staff" || strings.HasPrefix(p, "/staff/") {
				page = "staff.html"
			}
			if _, err := fs.Stat(root, page); err != nil {
				page = "index.html"
			}
			h.Set("Cache-Control", "no-cache")
			if page == "index.html" && req.Method == http.MethodGet {
				if html, err := fs.ReadFile(root, page); err == nil {
					if withScreen := renderFirstScreen(e, req, p, html); withScreen != nil {
						// Rendered per request, so compressed per request.
						return compressed(func(c echo.Context) error { return c.HTMLBlob(http.StatusOK, withScreen) })(c)
					}
				}
			}
			return serveFile(c, root, page)
		}
		if _, err := fs.Stat(root, name); err != nil {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		switch {
		case strings.HasPrefix(name, "assets/"):
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		default:
			h.Set("Cache-Control", "no-cache")
		}
		return serveFile(c, root, name)
	}
	e.GET("/*", handler)
	e.HEAD("/*", handler)
}

// encodings are the build's compressed copies, the phone's favourite first.
var encodings = []struct{ name, suffix string }{{"br", ".br"}, {"gzip", ".gz"}}

// serveFile sends the built file name, compressed as the build left it when
// the request accepts that encoding.
func serveFile(c echo.Context, root fs.FS, name string) error {
	req, w := c.Request(), c.Response()
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	h.Set("Content-Type", contentType(name))
	for _, enc := range encodings {
		if !httpx.AcceptsEncoding(req, enc.name) {
			continue
		}
		if data, err := fs.ReadFile(root, name+enc.suffix); err == nil {
			// Not ServeContent: it leaves out Content-Length for an encoded
			// body, and a phone shows progress by it.
			h.Set("Content-Encoding", enc.name)
			h.Set("Content-Length", strconv.Itoa(len(data)))
			w.WriteHeader(http.StatusOK)
			if req.Method != http.MethodHead {
				_, err = w.Write(data)
			}
			return err
		}
	}
	data, err := fs.ReadFile(root, name)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	http.ServeContent(w, req, name, time.Time{}, bytes.NewReader(data))
	return nil
}

// contentType is a built file's type by its extension.
func contentType(name string) string {
	if strings.HasSuffix(name, ".webmanifest") {
		return "application/manifest+json"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
