package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestNULAndBadUTF8AreRefusedAtTheEdge: the requests that reached PostgreSQL
// with a NUL byte (SQLSTATE 22021, a 500) and their invalid-UTF-8 cousins get
// a 400 that names the place, on both databases; Open311 answers in its own
// error shape.
func TestNULAndBadUTF8AreRefusedAtTheEdge(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("边界", 1)
		planID := e.publishPlan(es, "方案", time.Hour)
		b := es.buildings[0]
		hh := e.signIn(b, b.households[0])
		for _, c := range []struct{ method, path string }{
			{"GET", "/api/v1/public/buildings/%00"},
			{"GET", "/api/v1/public/buildings/" + b.token + "%00"},
			{"GET", "/api/v1/public/buildings/%FF%FE"},
			{"GET", "/api/v1/public/communities/1%00"},
			{"GET", "/api/v1/public/communities/%00/updates"},
			{"GET", "/api/v1/public/communities/%C3%28/updates"},
			{"GET", fmt.Sprintf("/api/v1/communities/%d/buildings?q=%%00", es.communityID)},
			{"GET", "/api/v1/projects?stage=%FF"},
			{"GET", "/api/v1/projects?%00=1"},
		} {
			e.do(c.method, c.path, e.staff, nil).wantError(400, "invalid_text")
		}
		for _, c := range []struct{ path, body string }{
			{"/api/v1/auth/login", `{"username":"\u0000","password":"x"}`},
			{"/api/v1/auth/login", `{"username":"admin\u0000","password":"admin-password"}`},
			{"/api/v1/auth/household", `{"building_token":"\u0000","room":"101","code":"AAAAAAAA"}`},
			{"/api/v1/auth/household", "{\"building_token\":\"" + b.token + "\",\"room\":\"\xff\",\"code\":\"AAAAAAAA\"}"},
		} {
			r := e.do("POST", c.path, "", c.body).wantError(400, "invalid_text")
			if !strings.Contains(c.body, `\u0000`) {
				continue
			}
			if d, _ := r.get("error.details").(map[string]any); d == nil || d["field"] == "" {
				t.Errorf("%s %s: the answer does not name the field: %s", c.path, c.body, r.body)
			}
		}
		// An escaped backslash followed by the text u0000 is not a NUL.
		e.do("POST", "/api/v1/auth/login", "", `{"username":"x\\u0000","password":"wrong-password"}`).want(401)
		e.do("PUT", "/api/v1/me/ballot", hh, vote(planID, "agree", "agree"), "Idempotency-Key", "k\xff").wantError(400, "invalid_text")

		// Multipart text fields and file names.
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("category", "lighting")
		_ = w.WriteField("description", "楼道灯坏了\x00")
		_ = w.Close()
		e.do("POST", "/api/v1/me/complaints", hh, buf.Bytes(), "Content-Type", w.FormDataContentType()).wantError(400, "invalid_text")

		// Numbers beyond the columns: int4 for a criterion number, int8 for ids.
		for _, p := range []string{
			fmt.Sprintf("/api/v1/projects/%d/start-criteria/9223372036854775807/evidence", es.projectID),
			fmt.Sprintf("/api/v1/projects/%d/start-criteria/2147483648/evidence", es.projectID),
			"/api/v1/projects/9223372036854775808/consent",
			"/api/v1/satisfaction?year=2147483648",
		} {
			r := e.do("GET", p, e.staff, nil)
			if r.status != 400 && r.status != 404 {
				t.Errorf("GET %s: %d %s, want 400 or 404", p, r.status, r.body)
			}
		}

		// Open311 keeps GeoReport's error shape.
		for _, p := range []string{"/open311/v2/requests.json?service_code=%00", "/open311/v2/requests/%00.json",
			"/open311/v2/requests.json?status=%FF"} {
			r := e.do("GET", p, "", nil).want(400)
			var geo []struct {
				Code        int    `json:"code"`
				Description string `json:"description"`
			}
			if err := json.Unmarshal(r.body, &geo); err != nil || len(geo) != 1 || geo[0].Code != 400 || geo[0].Description == "" {
				t.Errorf("GET %s: not a GeoReport error: %s", p, r.body)
			}
		}
		fields := url.Values{"api_key": {"x"}, "service_code": {"lighting\x00"}, "address_id": {"1"}, "description": {"d"}}
		if r := e.form("/open311/v2/requests.json", fields); r.status != 400 || !bytes.HasPrefix(r.body, []byte(`[{"code":400`)) {
			t.Errorf("Open311 form with a NUL: %d %s", r.status, r.body)
		}
	})
}
