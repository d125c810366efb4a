package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// advance moves a project one stage on and returns the answer.
func (e *env) advance(projectID int64, to string) *resp {
	e.t.Helper()
	return e.do("POST", fmt.Sprintf("/api/v1/projects/%d/transitions", projectID), e.staff, map[string]any{"to": to})
}

// confirmCriteria confirms start criteria 2–5 with a photo each.
func (e *env) confirmCriteria(projectID int64) {
	e.t.Helper()
	for n := 2; n <= 5; n++ {
		e.putEvidence(projectID, n, formPhoto(e.t), "confirmed_on", time.Now().UTC().Format(time.DateOnly), "person", "李主任").want(200)
	}
}

// putEvidence confirms start criterion n with a file and fields.
func (e *env) putEvidence(projectID int64, n int, file []byte, fields ...string) *resp {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = w.WriteField(fields[i], fields[i+1])
	}
	if file != nil {
		fw, _ := w.CreateFormFile("evidence", "evidence.bin")
		_, _ = fw.Write(file)
	}
	_ = w.Close()
	return e.do("PUT", fmt.Sprintf("/api/v1/projects/%d/start-criteria/%d", projectID, n), e.staff, buf.Bytes(),
		"Content-Type", w.FormDataContentType())
}

// TestStagesRatingsWarrantyProgressVisits follows a project from survey to
// hand-over, with what residents can do at each point.
func TestStagesRatingsWarrantyProgressVisits(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("验收", 5)
		b := es.buildings[0]
		tokens := make([]string, 5)
		for i := range tokens {
			tokens[i] = e.signIn(b, b.households[i])
		}
		rating := map[string]any{"overall": 5, "quality": 4, "civilised": 3, "timeliness": 4, "communication": 5,
			"comment": "屋面做得很好", "items": []map[string]any{{"catalog_code": "01", "score": 5}}}
		e.do("POST", "/api/v1/me/ratings", tokens[0], rating).wantError(409, "rating_not_open")
		mp := e.do("GET", "/api/v1/me/project", tokens[0], nil).want(200)
		if mp.get("rating_open") != false || len(mp.get("buildings").([]any)) != 1 || mp.str("stage") != "survey" {
			t.Fatalf("my project before acceptance: %s", mp.body)
		}

		// Stages: one at a time, construction only with consent.
		if s := e.advance(es.projectID, "mobilization").want(200).str("stage"); s != "mobilization" {
			t.Fatalf("stage %s", s)
		}
		e.advance(es.projectID, "construction").wantError(409, "transition_refused")
		e.advance(es.projectID, "planning").want(200)
		r := e.advance(es.projectID, "construction").wantError(409, "transition_refused")
		if !strings.Contains(fmt.Sprint(r.get("error.details.reasons")), "no renovation plan") {
			t.Fatalf("reasons: %s", r.body)
		}
		planID := e.publishPlan(es, "屋面防水", time.Hour)
		for i := 0; i < 3; i++ {
			e.do("PUT", "/api/v1/me/ballot", tokens[i], vote(planID, "agree", "agree")).want(200)
		}
		r = e.advance(es.projectID, "construction").wantError(409, "transition_refused")
		if !strings.Contains(fmt.Sprint(r.get("error.details.reasons")), "consent") {
			t.Fatalf("3 of 5 let construction start: %s", r.body)
		}
		e.do("PUT", "/api/v1/me/ballot", tokens[3], vote(planID, "agree", "agree")).want(200)
		r = e.advance(es.projectID, "construction").wantError(409, "transition_refused")
		if fmt.Sprint(r.get("error.details.reason_codes")) != "[criterion_missing criterion_missing criterion_missing criterion_missing]" {
			t.Fatalf("construction without the start criteria: %s", r.body)
		}
		e.confirmCriteria(es.projectID)
		e.advance(es.projectID, "construction").want(200)

		// Progress posts with photos reach the community's residents.
		upd := e.multipartPost(fmt.Sprintf("/api/v1/projects/%d/updates", es.projectID), e.staff, [][]byte{formPhoto(t)}, nil,
			"text", "1号楼屋面防水卷材铺设完成，正在做闭水试验", "catalog_code", "01", "author", "驻马店建工集团").want(201)
		if upd.str("catalog_name") != "屋顶" || len(upd.get("photos").([]any)) != 1 {
			t.Fatalf("update: %s", upd.body)
		}
		e.multipartPost(fmt.Sprintf("/api/v1/projects/%d/updates", es.projectID), e.staff, nil, nil, "text", "").wantError(400, "invalid_field")
		e.multipartPost(fmt.Sprintf("/api/v1/projects/%d/updates", es.projectID), e.staff, [][]byte{[]byte("GIF89a")}, nil,
			"text", "外墙完成").wantError(400, "unsupported_file_type")
		timeline := e.do("GET", "/api/v1/me/updates", tokens[4], nil).want(200).items()
		if len(timeline) != 1 || timeline[0]["author"] != "驻马店建工集团" {
			t.Fatalf("resident timeline: %v", timeline)
		}
		board := e.do("GET", fmt.Sprintf("/api/v1/communities/%d", es.communityID), e.staff, nil).want(200).str("public_token")
		if n := len(e.do("GET", "/api/v1/public/communities/"+board+"/updates", "", nil).want(200).items()); n != 1 {
			t.Fatalf("the public board shows %d progress posts", n)
		}
		e.do("GET", "/api/v1/public/communities/nope/updates", "", nil).wantError(404, "community_not_found")
		photo := timeline[0]["photos"].([]any)[0].(map[string]any)["url"].(string)
		e.do("GET", photo, "", nil).want(200)
		outsider := e.setupEstate("外人", 1)
		if n := len(e.do("GET", "/api/v1/me/updates", e.signIn(outsider.buildings[0], outsider.buildings[0].households[0]), nil).want(200).items()); n != 0 {
			t.Fatalf("another community sees %d posts", n)
		}

		e.advance(es.projectID, "acceptance").want(200)
		e.advance(es.projectID, "handed_over").wantError(409, "transition_refused")
		acc := fmt.Sprintf("/api/v1/projects/%d/acceptance", es.projectID)
		e.do("POST", acc, e.staff, map[string]any{"inspected_on": "2026-13-01", "passed": true}).wantError(400, "invalid_field")
		e.do("POST", acc, e.staff, map[string]any{"inspected_on": "2026-11-20", "passed": false}).wantError(400, "invalid_field")
		e.do("POST", acc, e.staff, map[string]any{"inspected_on": "2026-11-20", "passed": false, "note": "檐口渗水，限期整改"}).want(201)
		e.do("POST", "/api/v1/me/ratings", tokens[0], rating).wantError(409, "rating_not_open")
		today := time.Now().UTC().Format(time.DateOnly)
		e.do("POST", acc, e.staff, map[string]any{"inspected_on": today, "passed": true, "note": "复验合格"}).want(201)

		// Ratings: once per household, changeable for a while.
		first := e.do("POST", "/api/v1/me/ratings", tokens[0], rating).want(201)
		if first.num("overall") != 5 || len(first.get("items").([]any)) != 1 {
			t.Fatalf("rating: %s", first.body)
		}
		rating["overall"] = 4
		e.do("POST", "/api/v1/me/ratings", tokens[0], rating).want(200)
		e.do("POST", "/api/v1/me/ratings", tokens[1], map[string]any{"overall": 2, "quality": 2, "civilised": 1,
			"timeliness": 3, "communication": 2, "comment": "施工期间噪音大"}).want(201)
		e.do("POST", "/api/v1/me/ratings", tokens[2], map[string]any{"overall": 6, "quality": 2, "civilised": 1,
			"timeliness": 3, "communication": 2}).wantError(400, "invalid_field")
		e.do("POST", "/api/v1/me/ratings", tokens[2], map[string]any{"overall": 5, "quality": 5, "civilised": 5,
			"timeliness": 5, "communication": 5, "items": []map[string]any{{"catalog_code": "26", "score": 5}}}).wantError(400, "invalid_field")
		sat := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/satisfaction", es.projectID), e.staff, nil).want(200)
		if sat.num("ratings") != 2 || sat.num("rate") != 0.5 || sat.num("average") != 3 || sat.num("households") != 5 {
			t.Fatalf("satisfaction: %s", sat.body)
		}
		if sat.num("dimensions.civilised.rate") != 0 || sat.num("dimensions.communication.rate") != 0.5 {
			t.Fatalf("dimensions: %s", sat.body)
		}
		items := sat.get("items").([]any)
		if len(items) != 1 || items[0].(map[string]any)["rate"] != float64(1) {
			t.Fatalf("items: %s", sat.body)
		}
		dist := e.do("GET", "/api/v1/satisfaction?year=2026", e.staff, nil).want(200).items()
		if len(dist) != 1 || dist[0]["rate"] != 0.5 || dist[0]["projects"] != float64(1) {
			t.Fatalf("districts: %v", dist)
		}
		e.do("GET", "/api/v1/satisfaction?year=x", e.staff, nil).wantError(400, "invalid_field")
		e.app.Feedback.SetClock(func() time.Time { return time.Now().UTC().Add(31 * 24 * time.Hour) })
		e.do("POST", "/api/v1/me/ratings", tokens[0], rating).wantError(409, "rating_locked")
		e.app.Feedback.SetClock(func() time.Time { return time.Now().UTC() })

		// Warranty claims only after hand-over, and only within the period.
		leak := []string{"category", "quality", "description", "顶层卧室天花板又渗水了", "catalog_code", "01", "warranty", "true"}
		e.complaint(tokens[0], nil, leak...).wantError(409, "warranty_not_started")
		e.advance(es.projectID, "handed_over").want(200)
		e.advance(es.projectID, "survey").wantError(409, "transition_refused")
		claim := e.complaint(tokens[0], nil, leak...).want(201)
		want := time.Now().UTC().AddDate(5, 0, -1).Format(time.DateOnly)
		if claim.get("warranty.kind") != "leak" || claim.get("warranty.expires_on") != want {
			t.Fatalf("warranty claim: %s (want expiry %s)", claim.body, want)
		}
		e.app.Feedback.SetClock(func() time.Time { return time.Now().UTC().AddDate(3, 0, 0) })
		r = e.complaint(tokens[1], nil, "category", "quality", "description", "楼道灯又不亮了", "catalog_code", "14", "warranty", "true").
			wantError(409, "warranty_expired")
		if r.get("error.details.expires_on") == nil {
			t.Fatalf("no end date: %s", r.body)
		}
		e.complaint(tokens[1], nil, leak...).want(201)
		e.app.Feedback.SetClock(func() time.Time { return time.Now().UTC() })
		if n := e.do("GET", "/api/v1/complaints?warranty=true", e.staff, nil).want(200).num("total"); n != 2 {
			t.Fatalf("warranty queue: %v", n)
		}

		// Follow-up visits, one tied to the complaint.
		vp := fmt.Sprintf("/api/v1/projects/%d/visits", es.projectID)
		e.do("POST", vp, e.staff, map[string]any{"visited_on": today, "method": "door", "household_id": b.households[0].id,
			"complaint_id": claim.id("id"), "satisfied": true, "note": "入户查看，渗水已止"}).want(201)
		e.do("POST", vp, e.staff, map[string]any{"visited_on": today, "method": "phone", "note": "电话回访，满意"}).want(201)
		e.do("POST", vp, e.staff, map[string]any{"visited_on": today, "method": "letter", "note": "x"}).wantError(400, "invalid_field")
		e.do("POST", vp, e.staff, map[string]any{"visited_on": "2099-01-01", "method": "door", "note": "x"}).wantError(400, "invalid_field")
		e.do("POST", vp, e.staff, map[string]any{"visited_on": today, "method": "door", "note": "x",
			"household_id": outsider.buildings[0].households[0].id}).wantError(400, "invalid_field")
		visits := e.do("GET", vp, e.staff, nil).want(200).items()
		if len(visits) != 2 || visits[0]["by"] != "admin" {
			t.Fatalf("visits: %v", visits)
		}
		mine := e.do("GET", "/api/v1/me/complaints", tokens[0], nil).want(200).items()
		if !strings.Contains(fmt.Sprint(mine[0]["events"]), "入户查看") {
			t.Fatalf("the visit is not in the complaint's timeline: %v", mine[0]["events"])
		}
		stages := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/stages", es.projectID), e.staff, nil).want(200).items()
		if len(stages) != 5 || stages[4]["to"] != "handed_over" || stages[4]["by"] != "admin" {
			t.Fatalf("stage history: %v", stages)
		}
		prj := e.do("GET", fmt.Sprintf("/api/v1/projects/%d", es.projectID), e.staff, nil).want(200)
		if prj.get("accepted_on") == nil || prj.get("handed_over_at") == nil || prj.str("stage") != "handed_over" {
			t.Fatalf("project: %s", prj.body)
		}
	})
}

// form posts application/x-www-form-urlencoded fields.
func (e *env) form(path string, fields url.Values) *resp {
	e.t.Helper()
	return e.do("POST", path, "", fields.Encode(), "Content-Type", "application/x-www-form-urlencoded")
}

// TestOpen311 reads and files complaints as a city hotline would.
var timestamps = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})`)

func TestOpen311(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("热线", 2)
		b := es.buildings[0]
		hh := e.signIn(b, b.households[0])
		own := e.complaint(hh, [][]byte{formPhoto(t)}, "category", "safety", "description", "脚手架没有防护网", "entrance", "2单元").want(201).id("id")

		svc := e.do("GET", "/open311/v2/services.json", "", nil).want(200)
		if len(svc.list) != 6 || svc.list[0].(map[string]any)["service_code"] != "quality" {
			t.Fatalf("services: %s", svc.body)
		}
		district := e.createStaff("district-hotline", "district", es.districtID, 0)
		key := e.do("POST", "/api/v1/api-keys", district, map[string]any{"name": "12345热线"}).want(201)
		secret := key.str("key")
		if len(secret) != len("anju_")+52 { // 256 random bits in base32, as docs/DECISIONS.md says
			t.Fatalf("API key %q is not 256 bits", secret)
		}
		committee := e.createStaff("committee-hotline", "committee", es.districtID, es.communityID)
		e.do("POST", "/api/v1/api-keys", committee, map[string]any{"name": "x"}).want(403)

		fields := url.Values{"service_code": {"disturbance"}, "address_id": {fmt.Sprint(b.id)},
			"description": {"工地早上六点就开始施工"}, "first_name": {"李"}, "last_name": {"明"}, "phone": {"13912345678"}}
		r := e.form("/open311/v2/requests.json", fields).want(403)
		if len(r.list) != 1 || r.list[0].(map[string]any)["code"] != float64(403) {
			t.Fatalf("GeoReport error shape: %s", r.body)
		}
		fields.Set("api_key", secret)
		created := e.form("/open311/v2/requests.json", fields).want(201)
		reqID := created.list[0].(map[string]any)["service_request_id"].(string)
		bad := url.Values{"api_key": {secret}, "service_code": {"weather"}, "address_id": {fmt.Sprint(b.id)}, "description": {"x"}}
		e.form("/open311/v2/requests.json", bad).want(400)
		other := e.setupEstate("外区", 1)
		bad = url.Values{"api_key": {secret}, "service_code": {"quality"}, "address_id": {fmt.Sprint(other.buildings[0].id)}, "description": {"屋顶漏水"}}
		e.form("/open311/v2/requests.json", bad).want(400)

		list := e.do("GET", "/open311/v2/requests.json", "", nil).want(200)
		if len(list.list) != 2 {
			t.Fatalf("requests: %s", list.body)
		}
		// Times are taken out first: a room number such as 101 can turn up in their microseconds.
		shown := timestamps.ReplaceAllString(string(list.body), "")
		for _, secretish := range []string{"13912345678", "李", b.households[0].room, "王", "2单元", "photos", "household"} {
			if strings.Contains(shown, secretish) {
				t.Fatalf("Open311 shows personal data %q: %s", secretish, list.body)
			}
		}
		one := e.do("GET", "/open311/v2/requests/"+reqID+".json", "", nil).want(200).list[0].(map[string]any)
		if one["status"] != "open" || one["address_id"] != fmt.Sprint(b.id) || !strings.HasPrefix(one["status_notes"].(string), "submitted") {
			t.Fatalf("request: %v", one)
		}
		e.do("GET", "/open311/v2/requests/999999.json", "", nil).want(404)
		e.do("GET", "/open311/v2/requests/abc.json", "", nil).want(404)
		e.do("GET", "/open311/v2/requests.json?status=pending", "", nil).want(400)
		e.do("GET", "/open311/v2/requests.json?start_date=yesterday", "", nil).want(400)

		// Staff see it in the queue with the caller's contact masked, and answer it.
		staffView := e.do("GET", "/api/v1/complaints/"+reqID, district, nil).want(200)
		if staffView.str("source") != "open311" || staffView.str("contact_phone") != "139****5678" {
			t.Fatalf("staff view: %s", staffView.body)
		}
		e.do("POST", fmt.Sprintf("/api/v1/complaints/%s/transitions", reqID), district, map[string]any{"to": "rejected", "note": "施工时间符合规定"}).want(200)
		closed := e.do("GET", "/open311/v2/requests.json?status=closed", "", nil).want(200)
		if len(closed.list) != 1 || closed.list[0].(map[string]any)["status_notes"] != "rejected 不予受理" {
			t.Fatalf("closed: %s", closed.body)
		}
		if open := e.do("GET", fmt.Sprintf("/open311/v2/requests.json?service_request_id=%d", own), "", nil).want(200); len(open.list) != 1 {
			t.Fatalf("by id: %s", open.body)
		}

		keys := e.do("GET", "/api/v1/api-keys", district, nil).want(200).items()
		if len(keys) != 1 || keys[0]["key"] != nil {
			t.Fatalf("keys list shows the secret: %v", keys)
		}
		e.do("DELETE", fmt.Sprintf("/api/v1/api-keys/%d", key.id("id")), district, nil).want(200)
		fields.Set("description", "再次反映：早上六点施工")
		e.form("/open311/v2/requests.json", fields).want(http.StatusForbidden)
	})
}
