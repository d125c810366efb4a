package files

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func send(t *testing.T, kind, name string) http.Header {
	t.Helper()
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
	if err := Send(c, &File{ContentType: kind}, []byte("data"), name, "private, no-store"); err != nil {
		t.Fatal(err)
	}
	return rec.Header()
}

// TestStoredFilesAreNeverRenderedOnTheAppsOrigin: a PDF is a download, every
// stored file is sandboxed and never sniffed.
func TestStoredFilesAreNeverRenderedOnTheAppsOrigin(t *testing.T) {
	for _, c := range []struct{ kind, name, disposition, wantType string }{
		{PDF, "设计说明", `attachment; filename="file.pdf"; filename*=UTF-8''%E8%AE%BE%E8%AE%A1%E8%AF%B4%E6%98%8E.pdf`, PDF},
		{JPEG, "photo", `inline; filename="photo.jpg"; filename*=UTF-8''photo.jpg`, JPEG},
		{PNG, "屋面 图 v2", `inline; filename="v2.png"; filename*=UTF-8''%E5%B1%8B%E9%9D%A2_%E5%9B%BE_v2.png`, PNG},
		{"text/html", "x", `attachment; filename="x"; filename*=UTF-8''x`, "application/octet-stream"},
	} {
		h := send(t, c.kind, c.name)
		if h.Get("Content-Disposition") != c.disposition {
			t.Errorf("%s: Content-Disposition %q, want %q", c.kind, h.Get("Content-Disposition"), c.disposition)
		}
		if h.Get("Content-Type") != c.wantType || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") || h.Get("Cache-Control") != "private, no-store" {
			t.Errorf("%s: headers %v", c.kind, h)
		}
	}
}

func TestSafeNames(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd":             "etcpasswd",
		"a\r\nSet-Cookie: x=1":         "a__Set-Cookie_x1",
		`"quoted";name`:                "quotedname",
		"":                             "file",
		"...":                          "file",
		"屋面防水节点图（第二版）":                 "屋面防水节点图第二版",
		"report.pdf.exe":               "report_pdf_exe",
		strings.Repeat("长", 200) + "x": strings.Repeat("长", 80),
	} {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
}
