package httpx

import (
	"mime"
	"testing"
)

func TestContentDispositionNamesChineseDownloads(t *testing.T) {
	for _, c := range []struct{ disposition, name, fallback, want string }{
		{"attachment", "月报-全市-2026-10.xlsx", "monthly-report-2026-10.xlsx",
			`attachment; filename="monthly-report-2026-10.xlsx"; filename*=UTF-8''%E6%9C%88%E6%8A%A5-%E5%85%A8%E5%B8%82-2026-10.xlsx`},
		{"inline", "设计说明.pdf", "", `inline; filename="file.pdf"; filename*=UTF-8''%E8%AE%BE%E8%AE%A1%E8%AF%B4%E6%98%8E.pdf`},
		{"attachment", "roll\"\r\n.xlsx", "", `attachment; filename="roll.xlsx"; filename*=UTF-8''roll%22%0D%0A.xlsx`},
	} {
		got := ContentDisposition(c.disposition, c.name, c.fallback)
		if got != c.want {
			t.Errorf("ContentDisposition(%q) = %s, want %s", c.name, got, c.want)
		}
		// What browsers parse: the real name comes back whole.
		if _, params, err := mime.ParseMediaType(got); err != nil || params["filename"] != c.name {
			t.Errorf("%s parses as %q (%v), want %q", got, params["filename"], err, c.name)
		}
	}
}
