package files

import (
	"net/http"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"anju/server/httpx"
)

// Sandbox is the Content-Security-Policy of every stored file: opened on its
// own, it runs no script, loads nothing and gets no origin (so it can read
// nothing of the app's), whatever a PDF or a disguised file carries. It does
// not touch how a page shows it (an <img>, or the console's frame of a fetched
// blob: URL), since a policy applies to the document it comes with.
const Sandbox = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'none'"

// Send answers a stored file: the one rule for every route that serves an
// upload. Photos are shown inline; anything else (a PDF) is a download, never
// rendered on the app's origin; the type is never sniffed. name is the base of
// the download name (the extension follows the content type); cache is the
// Cache-Control value.
func Send(c echo.Context, f *File, data []byte, name, cache string) error {
	kind, ext, disposition := f.ContentType, "", "attachment"
	switch kind {
	case JPEG:
		ext, disposition = ".jpg", "inline"
	case PNG:
		ext, disposition = ".png", "inline"
	case PDF:
		ext = ".pdf"
	default:
		kind = "application/octet-stream"
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", Sandbox)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", httpx.ContentDisposition(disposition, safeName(name)+ext, ""))
	h.Set("Cache-Control", cache)
	return c.Blob(http.StatusOK, kind, data)
}

// safeName keeps a download name to letters, digits and a little punctuation
// (Chinese titles included), so no client can read a path, a header break or a
// hidden extension into it.
func safeName(name string) string {
	var b strings.Builder
	n := 0
	for _, r := range name {
		if n >= 80 {
			break
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '(' || r == ')':
			b.WriteRune(r)
		case unicode.IsSpace(r) || r == '.':
			b.WriteRune('_')
		default:
			continue
		}
		n++
	}
	out := strings.Trim(b.String(), "_")
	if out == "" {
		return "file"
	}
	return out
}
