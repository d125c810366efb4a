package httpx

import (
	"net/http"
	"strings"

	"github.com/CAFxX/httpcompression"
	"github.com/labstack/echo/v4"
)

// CompressMin is the smallest answer worth compressing: below it the
// encoding's framing costs about what it saves (a building's landing data,
// with a plan's headline, is 400–900 bytes and halves).
const CompressMin = 256

// notCompressed are answers that are compressed already (photos, workbooks,
// archives) or must reach the phone event by event (live tallies).
var notCompressed = []string{
	"text/event-stream",
	"image/png", "image/jpeg", "image/webp", "image/gif",
	"application/zip", "application/gzip", "application/pdf", "application/octet-stream",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// Compress answers with brotli or gzip, whichever the client accepts (brotli
// first, with "Vary: Accept-Encoding"), for answers of CompressMin bytes or
// more: the JSON of the API and the pages rendered per request. Files built
// ahead (the web app's assets) are compressed at build time and carry their
// Content-Encoding already, which this leaves alone. The negotiation, the
// buffering up to the threshold, Flush and the removal of Accept-Ranges are
// CAFxX/httpcompression's (well tested; we would only get them wrong again).
// With prefixes, only requests whose path starts with one are compressed:
// the server-wide middleware leaves the web app's files alone (a group's
// middleware would add catch-all routes, and 405s would turn into 404s).
func Compress(prefixes ...string) echo.MiddlewareFunc {
	adapter, err := httpcompression.DefaultAdapter(
		httpcompression.MinSize(CompressMin),
		httpcompression.ContentTypes(notCompressed, true),
		// Level 5 is brotli's speed/size balance for answers built per
		// request; the web app's files get level 11 at build time.
		httpcompression.BrotliCompressionLevel(5),
		// zstd is accepted by no phone browser WeChat ships; keep to two.
		httpcompression.ZstandardCompressor(nil),
		httpcompression.DeflateCompressor(nil),
	)
	if err != nil {
		panic(err) // the options above are constants
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !hasPrefix(c.Request().URL.Path, prefixes) {
				return next(c)
			}
			if strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "text/event-stream") {
				return next(c) // EventSource: every event must leave at once
			}
			// Not echo.WrapMiddleware: it leaves the context's response on
			// the compressor after the compressor is closed, and an error
			// answered further out would be written into it. Here an error is
			// answered inside, through the compressor, and echo's response
			// gets its own writer back, even after a panic.
			res := c.Response()
			plain := res.Writer
			defer func() { res.Writer = plain }()
			adapter(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				c.SetRequest(r)
				res.Writer = w
				if err := next(c); err != nil {
					c.Error(err)
				}
			})).ServeHTTP(plain, c.Request())
			return nil
		}
	}
}

func hasPrefix(path string, prefixes []string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, p := range prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// AcceptsEncoding tells whether the request's Accept-Encoding admits enc
// (a "q=0" refuses it; "*" admits what is not named).
func AcceptsEncoding(r *http.Request, enc string) bool {
	star := false
	for _, field := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(field, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			name = strings.ToLower(strings.TrimSpace(name))
			refused := false
			for _, p := range strings.Split(params, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(strings.TrimSpace(k), "q") {
					v = strings.TrimRight(strings.TrimSpace(v), "0")
					refused = v == "" || v == "." || v == "0."
				}
			}
			switch name {
			case enc:
				return !refused
			case "*":
				star = !refused
			}
		}
	}
	return star
}
