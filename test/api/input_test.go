package api_test

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"anju/server/openapi"
)

// TestBadInputGetsClearAnswers: malformed, mistyped, oversized and unknown
// input gets a 4xx with a code and message, never a 500, and changes nothing.
func TestBadInputGetsClearAnswers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("输入", 1)
		planID := e.publishPlan(es, "方案", time.Hour)
		b := es.buildings[0]
		hh := e.signIn(b, b.households[0])
		path := fmt.Sprintf("/api/v1/communities/%d/buildings", es.communityID)

		e.do("POST", path, e.staff, `{"name": "2号楼"`).wantError(400, "malformed_json")
		e.do("POST", path, e.staff, `{"name": 7}`).wantError(400, "invalid_field")
		e.do("POST", path, e.staff, `{"nmae": "x"}`).wantError(400, "unknown_field")
		e.do("POST", path, e.staff, `[]`).wantError(400, "malformed_json")
		e.do("POST", path, e.staff, ``).wantError(400, "malformed_json")
		e.do("POST", path, e.staff, `{"name": "a"} {"name": "b"}`).wantError(400, "malformed_json")
		e.do("POST", path, e.staff, map[string]any{"name": strings.Repeat("楼", 51)}).wantError(400, "invalid_field")
		e.do("POST", path, e.staff, map[string]any{"name": "  "}).wantError(400, "invalid_field")
		e.do("POST", path, e.staff, "name=x", "Content-Type", "application/x-www-form-urlencoded").wantError(400, "unsupported_media_type")
		big := `{"name": "` + strings.Repeat("x", 1<<20) + `"}`
		e.do("POST", path, e.staff, big).wantError(413, "body_too_large")
		e.do("POST", "/api/v1/communities/999999/buildings", e.staff, map[string]any{"name": "x"}).wantError(404, "community_not_found")
		e.do("POST", "/api/v1/communities/abc/buildings", e.staff, map[string]any{"name": "x"}).wantError(400, "invalid_id")
		e.do("POST", "/api/v1/communities/-1/buildings", e.staff, map[string]any{"name": "x"}).wantError(400, "invalid_id")
		e.do("GET", "/api/v1/no-such-route", e.staff, nil).wantError(404, "not_found")
		e.do("DELETE", "/api/v1/districts", e.staff, nil).wantError(405, "method_not_allowed")
		if n := len(e.do("GET", path, e.staff, nil).want(200).items()); n != 1 {
			t.Fatalf("bad requests created buildings: %d", n)
		}

		hpath := fmt.Sprintf("/api/v1/buildings/%d/households", b.id)
		for name, body := range map[string]map[string]any{
			"area zero":         {"room": "901", "floor": 9, "area_m2": 0},
			"area 3 decimals":   {"room": "901", "floor": 9, "area_m2": 70.123},
			"area negative":     {"room": "901", "floor": 9, "area_m2": -5},
			"floor too high":    {"room": "901", "floor": 300, "area_m2": 60},
			"bad phone":         {"room": "901", "floor": 9, "area_m2": 60, "owner_phone": "call me"},
			"room missing":      {"floor": 9, "area_m2": 60},
			"room control char": {"room": "9\x0001", "floor": 9, "area_m2": 60},
		} {
			r := e.do("POST", hpath, e.staff, body)
			if r.status != 400 || r.errorCode() == "" {
				t.Errorf("%s: %d %s", name, r.status, r.body)
			}
		}
		e.do("POST", hpath, e.staff, map[string]any{"room": b.households[0].room, "entrance": "1单元", "floor": 1, "area_m2": 60}).
			wantError(409, "household_exists")

		ppath := fmt.Sprintf("/api/v1/projects/%d/plans", es.projectID)
		bad := func(mut func(map[string]any)) *resp {
			body := planBody("x", time.Hour)
			mut(body)
			return e.do("POST", ppath, e.staff, body)
		}
		bad(func(b map[string]any) { b["management_mode"] = "物业公司" }).wantError(400, "invalid_field")
		bad(func(b map[string]any) { b["items"] = []map[string]any{{"catalog_code": "32", "description": "x"}} }).wantError(400, "invalid_field")
		bad(func(b map[string]any) { b["items"] = []map[string]any{} }).wantError(400, "invalid_field")
		bad(func(b map[string]any) {
			b["items"] = []map[string]any{{"catalog_code": "01", "description": "a"}, {"catalog_code": "01", "description": "b"}}
		}).wantError(400, "invalid_field")
		bad(func(b map[string]any) { b["budget_total_yuan"] = 99999 }).wantError(400, "invalid_field")
		bad(func(b map[string]any) { b["voting_closes_at"] = "next week" }).wantError(400, "malformed_json")
		bad(func(b map[string]any) { b["voting_closes_at"] = time.Now().Add(-time.Hour).Format(time.RFC3339) }).wantError(400, "invalid_field")
		bad(func(b map[string]any) { delete(b, "voting_closes_at") }).wantError(400, "invalid_field")
		bad(func(b map[string]any) {
			b["funding"] = []map[string]any{{"source": "lottery", "amount_yuan": 100000.5}}
		}).wantError(400, "invalid_field")
		e.do("POST", "/api/v1/plans/999999/publish", e.staff, nil).wantError(404, "plan_not_found")

		// Votes: bad choices, signatures and keys change nothing.
		for name, body := range map[string]map[string]any{
			"choice":        {"plan_id": planID, "plan_choice": "yes", "management_choice": "agree", "signature": signature},
			"no signature":  {"plan_id": planID, "plan_choice": "agree", "management_choice": "agree"},
			"not png":       {"plan_id": planID, "plan_choice": "agree", "management_choice": "agree", "signature": "data:image/jpeg;base64,AAAA"},
			"bad base64":    {"plan_id": planID, "plan_choice": "agree", "management_choice": "agree", "signature": "data:image/png;base64,@@@"},
			"png garbage":   {"plan_id": planID, "plan_choice": "agree", "management_choice": "agree", "signature": "data:image/png;base64,aGVsbG8="},
			"blank":         {"plan_id": planID, "plan_choice": "agree", "management_choice": "agree", "signature": blankSignature()},
			"replaces junk": {"plan_id": planID, "plan_choice": "agree", "management_choice": "agree", "signature": signature, "replaces": "abc"},
			"no plan":       {"plan_choice": "agree", "management_choice": "agree", "signature": signature},
		} {
			r := e.do("PUT", "/api/v1/me/ballot", hh, body)
			if r.status != 400 || r.errorCode() == "" {
				t.Errorf("vote with bad %s: %d %s", name, r.status, r.body)
			}
		}
		e.do("PUT", "/api/v1/me/ballot", hh, vote(planID, "agree", "agree"), "Idempotency-Key", strings.Repeat("k", 101)).
			wantError(400, "invalid_idempotency_key")
		e.do("PUT", "/api/v1/me/ballot", hh, vote(999999, "agree", "agree")).wantError(404, "plan_not_found")
		e.do("GET", "/api/v1/me/ballot?plan_id=x", hh, nil).wantError(400, "invalid_query")
		e.do("GET", "/api/v1/me/ballot", hh, nil).wantError(404, "ballot_not_found")
		e.do("GET", fmt.Sprintf("/api/v1/buildings/%d/qr.png?size=5", b.id), e.staff, nil).wantError(400, "invalid_query")
	})
}

// TestGarbageNeverCausesA500 sends junk to every route of the table.
func TestGarbageNeverCausesA500(t *testing.T) {
	e := newEnv(t, "sqlite", nil)
	es := e.setupEstate("垃圾", 1)
	hh := e.signIn(es.buildings[0], es.buildings[0].households[0])
	junk := []string{`{`, `null`, `{"plan_id": "1"}`, `{"id": 1e309}`, `"text"`, `{"items": [null]}`, `{"name": {"a": 1}}`}
	for _, rt := range e.app.Routes {
		tok := e.staff
		if rt.Access.ForHouseholds() {
			tok = hh
		}
		for _, id := range []string{"1", "0", "99999999999999999999", "%00"} {
			path := strings.NewReplacer("{id}", id, "{token}", id).Replace(openapi.Path(rt.Path))
			for _, body := range junk {
				r := e.do(rt.Method, path, tok, body) // do() fails the test on any 5xx
				if r.status < 400 && rt.Request != nil {
					t.Errorf("%s %s with %s: accepted (%d)", rt.Method, path, body, r.status)
				}
			}
		}
	}
}

// TestQRCodeDecodesToTheResidentLink reads the PNG back with a QR decoder.
func TestQRCodeDecodesToTheResidentLink(t *testing.T) {
	e := newEnv(t, "sqlite", nil)
	es := e.setupEstate("二维码", 1)
	b := es.buildings[0]
	want := "https://anju.example.cn/b/" + b.token
	r := e.do("GET", fmt.Sprintf("/api/v1/buildings/%d/qr.png?size=400", b.id), e.staff, nil).want(200)
	img, format, err := image.Decode(bytes.NewReader(r.body))
	if err != nil || format != "png" {
		t.Fatalf("qr.png is not a PNG: %v", err)
	}
	if img.Bounds().Dx() != 400 {
		t.Fatalf("qr.png is %d px wide, want 400", img.Bounds().Dx())
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	if res.GetText() != want {
		t.Fatalf("QR says %q, want %q", res.GetText(), want)
	}
	// After rotation the QR carries the new link.
	newTok := e.do("POST", fmt.Sprintf("/api/v1/buildings/%d/token:rotate", b.id), e.staff, nil).want(200).str("token")
	r = e.do("GET", fmt.Sprintf("/api/v1/buildings/%d/qr.png", b.id), e.staff, nil).want(200)
	img, _, _ = image.Decode(bytes.NewReader(r.body))
	bmp, _ = gozxing.NewBinaryBitmapFromImage(img)
	res, err = qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil || res.GetText() != "https://anju.example.cn/b/"+newTok {
		t.Fatalf("rotated QR: %v %v", res, err)
	}
}

// TestOpenAPIDocumentsEveryRoute compares the document with Echo's routes.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	e := newEnv(t, "sqlite", nil)
	doc := e.do("GET", "/api/v1/openapi.json", "", nil).want(200)
	paths := doc.get("paths").(map[string]any)
	n := 0
	for _, r := range e.app.Echo.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		n++
		p := openapi.Path(r.Path)
		ops, ok := paths[p].(map[string]any)
		if !ok || ops[strings.ToLower(r.Method)] == nil {
			t.Errorf("%s %s is served but not documented", r.Method, p)
		}
	}
	if n < 30 {
		t.Fatalf("only %d API routes found", n)
	}
	for _, must := range []string{"/api/v1/auth/household", "/api/v1/me/ballot", "/api/v1/projects/{id}/consent",
		"/api/v1/buildings/{id}/qr.png", "/api/v1/buildings/{id}/token:rotate", "/api/v1/public/buildings/{token}"} {
		if paths[must] == nil {
			t.Errorf("%s missing from the document", must)
		}
	}
	e.do("GET", "/healthz", "", nil).want(200)
	if e.do("GET", "/readyz", "", nil).want(200).get("status") != "ready" {
		t.Fatal("readyz")
	}
}

// TestSecurityHeaders: no framing of the app, but the console may show a PDF
// it fetched (a blob: URL) in a frame, e.g. the evidence of a start criterion.
func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, "sqlite", nil)
	csp := e.do("GET", "/healthz", "", nil).want(200).header.Get("Content-Security-Policy")
	for _, want := range []string{"frame-ancestors 'none'", "frame-src 'self' blob:", "object-src 'none'", "script-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
}
