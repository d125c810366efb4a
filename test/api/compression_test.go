package api_test

import (
	"net/http"
	"testing"
	"time"

	"anju/test/fixture"
)

// TestAnswersReachPhonesCompressed: the landing data a QR code opens (and
// every API answer worth it) goes out as brotli or gzip, whichever the phone
// accepts, and decodes to the very answer an uncompressed request gets.
func TestAnswersReachPhonesCompressed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("压缩", 1)
		e.publishPlan(es, "屋顶防水与管网改造方案", 48*time.Hour)
		path := "/api/v1/public/buildings/" + es.buildings[0].token
		fetch := func(accept string) (*http.Response, []byte) {
			t.Helper()
			req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept-Encoding", accept) // set by hand: Go's client then decodes nothing itself
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			raw, err := fixture.Decoded(res.Header.Get("Content-Encoding"), res.Body)
			if err != nil {
				t.Fatalf("Accept-Encoding %q: %v", accept, err)
			}
			return res, raw
		}
		_, plain := fetch("identity")
		for _, enc := range []string{"br", "gzip"} {
			res, got := fetch(enc)
			if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != enc || res.Header.Get("Vary") != "Accept-Encoding" {
				t.Fatalf("Accept-Encoding %s: %d, encoding %q, Vary %q", enc, res.StatusCode, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
			}
			if string(got) != string(plain) {
				t.Fatalf("Accept-Encoding %s decodes to\n%s\nnot\n%s", enc, got, plain)
			}
		}
	})
}
