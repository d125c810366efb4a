// Package webui serves the progressive web app built from web/ and embedded in
// the binary: the resident app at every path without a file extension, the
// staff page under /staff. index.html and the service worker are never cached;
// hashed assets are cached for good. Before the web app is built, a placeholder
// page says how to build it.
package webui

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
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
	server := http.FileServer(http.FS(root))
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
			html, err := fs.ReadFile(root, page)
			if err != nil {
				return err
			}
			h.Set("Cache-Control", "no-cache")
			return c.HTMLBlob(http.StatusOK, html)
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
		if strings.HasSuffix(name, ".webmanifest") {
			h.Set("Content-Type", "application/manifest+json")
		}
		server.ServeHTTP(c.Response(), req)
		return nil
	}
	e.GET("/*", handler)
	e.HEAD("/*", handler)
}
