package api_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"mime/multipart"
	"strings"
	"testing"
	"time"
)

// complaint posts a complaint form with photos.
func (e *env) complaint(token string, photos [][]byte, fields ...string) *resp {
	e.t.Helper()
	return e.multipartPost("/api/v1/me/complaints", token, photos, nil, fields...)
}

// multipartPost posts fields and photos (field "photos") with extra headers.
func (e *env) multipartPost(path, token string, photos [][]byte, headers []string, fields ...string) *resp {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := w.WriteField(fields[i], fields[i+1]); err != nil {
			e.t.Fatal(err)
		}
	}
	for i, p := range photos {
		fw, err := w.CreateFormFile("photos", fmt.Sprintf("IMG_%04d.jpg", i))
		if err != nil {
			e.t.Fatal(err)
		}
		_, _ = fw.Write(p)
	}
	_ = w.Close()
	return e.do("POST", path, token, buf.Bytes(), append([]string{"Content-Type", w.FormDataContentType()}, headers...)...)
}

// events lists the "to" statuses of a complaint's timeline.
func events(c map[string]any) []string {
	var out []string
	for _, ev := range c["events"].([]any) {
		m := ev.(map[string]any)
		to, _ := m["to"].(string)
		out = append(out, fmt.Sprint(m["kind"], ":", to))
	}
	return out
}

// TestComplaintLifecycle: a household files with photos, staff assign and
// resolve, the household reopens, staff resolve again, the household confirms.
func TestComplaintLifecycle(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("投诉", 2)
		b := es.buildings[0]
		a, other := e.signIn(b, b.households[0]), e.signIn(b, b.households[1])
		fields := []string{"category", "quality", "description", "新做的屋面下雨漏水，卧室墙面发霉", "catalog_code", "01",
			"entrance", "1单元", "floor", "6"}
		photo := formPhoto(t)
		filed := e.multipartPost("/api/v1/me/complaints", a, [][]byte{photo, photo}, []string{"Idempotency-Key", "k-1"}, fields...).want(201)
		id := filed.id("id")
		if filed.str("status") != "submitted" || filed.get("deadline") == nil || filed.str("catalog_name") != "屋顶" {
			t.Fatalf("filed: %s", filed.body)
		}
		// The phone retries after a lost answer: the same complaint, not a second one.
		again := e.multipartPost("/api/v1/me/complaints", a, [][]byte{photo, photo}, []string{"Idempotency-Key", "k-1"}, fields...).want(200)
		if again.id("id") != id {
			t.Fatalf("replay made complaint %d, first was %d", again.id("id"), id)
		}
		e.multipartPost("/api/v1/me/complaints", a, nil, []string{"Idempotency-Key", "k-1"}, fields...).wantError(422, "idempotency_key_reused")

		mine := e.do("GET", "/api/v1/me/complaints", a, nil).want(200).items()
		if len(mine) != 1 || len(mine[0]["photos"].([]any)) != 2 {
			t.Fatalf("my complaints: %v", mine)
		}
		if _, ok := mine[0]["household"]; ok {
			t.Fatal("a household's own view carries staff fields")
		}
		if n := len(e.do("GET", "/api/v1/me/complaints", other, nil).want(200).items()); n != 0 {
			t.Fatalf("another household sees %d complaints", n)
		}
		e.do("POST", fmt.Sprintf("/api/v1/me/complaints/%d/confirm", id), other, nil).wantError(404, "complaint_not_found")
		e.do("GET", fmt.Sprintf("/api/v1/me/complaints/%d", id), other, nil).wantError(404, "complaint_not_found")
		if e.do("GET", fmt.Sprintf("/api/v1/me/complaints/%d", id), a, nil).want(200).str("description") != "新做的屋面下雨漏水，卧室墙面发霉" {
			t.Fatal("one complaint")
		}
		url := mine[0]["photos"].([]any)[0].(map[string]any)["url"].(string)
		if tok := strings.TrimPrefix(url, "/api/v1/photos/"); len(tok) != 52 { // 256 bits, as docs/DECISIONS.md says
			t.Fatalf("photo link %q does not carry a 256-bit token", url)
		}
		img := e.do("GET", url, "", nil).want(200)
		if img.header.Get("Content-Type") != "image/jpeg" || bytes.Contains(img.body, []byte("GPS")) || bytes.Contains(img.body, []byte("Exif")) {
			t.Fatalf("photo served as %s with EXIF left in", img.header.Get("Content-Type"))
		}
		if _, err := jpeg.Decode(bytes.NewReader(img.body)); err != nil {
			t.Fatalf("photo is not a JPEG: %v", err)
		}

		// Staff: the queue, then assign to a unit.
		q := e.do("GET", "/api/v1/complaints?status=submitted", e.staff, nil).want(200)
		if q.num("total") != 1 {
			t.Fatalf("queue: %s", q.body)
		}
		item := q.items()[0]
		hh := item["household"].(map[string]any)
		if hh["owner_masked"] != "王**" || strings.Contains(string(q.body), "13812345678") {
			t.Fatalf("queue shows the owner unmasked: %v", hh)
		}
		tr := fmt.Sprintf("/api/v1/complaints/%d/transitions", id)
		e.do("POST", tr, e.staff, map[string]any{"to": "assigned"}).wantError(400, "invalid_field")
		unit := e.do("POST", "/api/v1/units", e.staff, map[string]any{"name": "驻马店建工集团", "kind": "contractor",
			"phone": "0396-1234567", "district_id": es.districtID}).want(201).id("id")
		e.do("POST", "/api/v1/units", e.staff, map[string]any{"name": "驻马店建工集团", "kind": "contractor",
			"district_id": es.districtID}).wantError(409, "unit_exists")
		e.do("POST", "/api/v1/units", e.staff, map[string]any{"name": "x", "kind": "builder"}).wantError(400, "invalid_field")
		assigned := e.do("POST", tr, e.staff, map[string]any{"to": "assigned", "unit_id": unit, "note": "请施工单位三日内查勘"}).want(200)
		if assigned.str("status") != "assigned" || assigned.get("unit.name") != "驻马店建工集团" {
			t.Fatalf("assigned: %s", assigned.body)
		}
		deadline, _ := time.Parse(time.RFC3339, assigned.str("deadline"))
		if days := time.Until(deadline).Hours() / 24; days < 5 || days > 10 {
			t.Fatalf("resolve deadline %s is not 5 working days away", deadline)
		}
		// The household cannot confirm before it is resolved; the 409 names what is allowed.
		r := e.do("POST", fmt.Sprintf("/api/v1/me/complaints/%d/confirm", id), a, nil).wantError(409, "transition_not_allowed")
		if fmt.Sprint(r.get("error.details.from")) != "assigned" {
			t.Fatalf("409 details: %s", r.body)
		}
		e.do("POST", tr, e.staff, map[string]any{"to": "in_progress"}).want(200)
		r = e.do("POST", tr, e.staff, map[string]any{"to": "submitted"}).wantError(409, "transition_not_allowed")
		if fmt.Sprint(r.get("error.details.allowed")) != "[assigned resolved rejected merged]" {
			t.Fatalf("allowed from in_progress: %s", r.body)
		}
		e.do("POST", tr, e.staff, map[string]any{"to": "resolved"}).wantError(400, "invalid_field")
		e.do("POST", tr, e.staff, map[string]any{"to": "resolved", "note": "已重做防水层并闭水试验"}).want(200)
		e.do("POST", fmt.Sprintf("/api/v1/complaints/%d/replies", id), e.staff, map[string]any{"note": "如仍漏水请重新打开"}).want(200)

		// The household: not fixed, reopen with a reason.
		e.do("POST", fmt.Sprintf("/api/v1/me/complaints/%d/reopen", id), a, map[string]any{"reason": "x"}).wantError(400, "invalid_field")
		re := e.do("POST", fmt.Sprintf("/api/v1/me/complaints/%d/reopen", id), a, map[string]any{"reason": "昨晚下雨又漏了"}).want(200)
		if re.str("status") != "reopened" || re.get("deadline") == nil {
			t.Fatalf("reopened: %s", re.body)
		}
		e.do("POST", tr, e.staff, map[string]any{"to": "resolved", "note": "更换了破损的檐口卷材"}).want(200)
		mine = e.do("GET", "/api/v1/me/complaints", a, nil).want(200).items()
		if fmt.Sprint(mine[0]["allowed"]) != "[confirm reopen]" {
			t.Fatalf("allowed for the household: %v", mine[0]["allowed"])
		}
		done := e.do("POST", fmt.Sprintf("/api/v1/me/complaints/%d/confirm", id), a, nil).want(200)
		if done.str("status") != "closed" || done.get("open") != false {
			t.Fatalf("confirmed: %s", done.body)
		}
		want := "[status:submitted status:assigned status:in_progress status:resolved reply: status:reopened status:resolved status:closed]"
		if got := fmt.Sprint(events(done.json)); got != want {
			t.Fatalf("timeline %s, want %s", got, want)
		}
		for _, ev := range done.get("events").([]any) {
			m := ev.(map[string]any)
			if m["actor"] == "" || m["at"] == nil {
				t.Fatalf("an event without who or when: %v", m)
			}
		}
		e.do("POST", tr, e.staff, map[string]any{"to": "assigned", "unit_id": unit}).wantError(409, "transition_not_allowed")
		e.do("POST", tr, e.staff, map[string]any{"to": "fixed"}).wantError(400, "invalid_field")
		audit := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/audit", es.projectID), e.staff, nil).want(200)
		_ = audit
	})
}

// TestComplaintRejectMergeEscalateAutoClose covers the other ways a
// complaint ends, and what happens when nobody acts in time.
func TestComplaintRejectMergeEscalateAutoClose(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("督办", 3)
		b := es.buildings[0]
		h1, h2, h3 := e.signIn(b, b.households[0]), e.signIn(b, b.households[1]), e.signIn(b, b.households[2])
		file := func(tok, desc string) int64 {
			return e.complaint(tok, nil, "category", "disturbance", "description", desc).want(201).id("id")
		}
		c1, c2, c3 := file(h1, "晚上十点后还在切割钢筋"), file(h2, "夜间施工噪音太大睡不着"), file(h3, "希望顺便把我家的窗户换了")

		// Rejected: the household sees who and why.
		tr := func(id int64) string { return fmt.Sprintf("/api/v1/complaints/%d/transitions", id) }
		e.do("POST", tr(c3), e.staff, map[string]any{"to": "rejected"}).wantError(400, "invalid_field")
		e.do("POST", tr(c3), e.staff, map[string]any{"to": "rejected", "note": "户内门窗不在本次改造范围内"}).want(200)
		rej := e.do("GET", "/api/v1/me/complaints", h3, nil).want(200).items()[0]
		last := rej["events"].([]any)[len(rej["events"].([]any))-1].(map[string]any)
		if rej["status"] != "rejected" || last["note"] != "户内门窗不在本次改造范围内" || !strings.Contains(last["actor"].(string), "admin") {
			t.Fatalf("rejected as the household sees it: %v", rej)
		}

		// Merged: the duplicate's household follows the original.
		e.do("POST", tr(c2), e.staff, map[string]any{"to": "merged"}).wantError(400, "invalid_field")
		e.do("POST", tr(c2), e.staff, map[string]any{"to": "merged", "into": c2}).wantError(400, "invalid_field")
		e.do("POST", tr(c2), e.staff, map[string]any{"to": "merged", "into": c3}).wantError(400, "invalid_field")
		e.do("POST", tr(c2), e.staff, map[string]any{"to": "merged", "into": c1, "note": "同一工地夜间施工"}).want(200)
		unit := e.do("POST", "/api/v1/units", e.staff, map[string]any{"name": "城管执法中队", "kind": "department",
			"district_id": es.districtID}).want(201).id("id")
		deadline, err := time.Parse(time.RFC3339, e.do("POST", tr(c1), e.staff, map[string]any{"to": "assigned", "unit_id": unit}).want(200).str("deadline"))
		if err != nil {
			t.Fatal(err)
		}
		dup := e.do("GET", "/api/v1/me/complaints", h2, nil).want(200).items()[0]
		if dup["status"] != "merged" || dup["primary"].(map[string]any)["status"] != "assigned" {
			t.Fatalf("the merged complaint's household is not told: %v", dup)
		}

		// Nobody acts: overdue → district, later → city.
		district := e.createStaff("district-a", "district", es.districtID, 0)
		other := e.setupEstate("别处", 1)
		otherDistrict := e.createStaff("district-b", "district", other.districtID, 0)
		committee := e.createStaff("committee-a", "committee", es.districtID, es.communityID)
		if n := e.do("GET", "/api/v1/complaints?escalated=true", district, nil).want(200).num("total"); n != 0 {
			t.Fatalf("%v escalated before any deadline", n)
		}
		e.app.Feedback.SetClock(func() time.Time { return deadline.Add(-time.Minute) })
		if n, err := e.app.Feedback.Sweep(t.Context()); err != nil || n != 0 {
			t.Fatalf("a sweep before the deadline touched %d (%v)", n, err)
		}
		start := deadline
		e.app.Feedback.SetClock(func() time.Time { return deadline.Add(time.Hour) })
		if _, err := e.app.Feedback.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
		esc := e.do("GET", "/api/v1/complaints?escalated=true", district, nil).want(200)
		if esc.num("total") != 1 || esc.items()[0]["id"] != float64(c1) || esc.items()[0]["overdue"] != true {
			t.Fatalf("district's escalated queue: %s", esc.body)
		}
		if lvl := esc.items()[0]["escalation_level"]; lvl != float64(1) {
			t.Fatalf("escalation level %v just after the deadline", lvl)
		}
		if n := e.do("GET", "/api/v1/complaints?escalated=true", e.staff, nil).want(200).num("total"); n != 0 {
			t.Fatalf("the city sees %v escalated before the district had its days", n)
		}
		e.app.Feedback.SetClock(func() time.Time { return start.Add(20 * 24 * time.Hour) })
		if _, err := e.app.Feedback.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
		city := e.do("GET", "/api/v1/complaints?escalated=true", e.staff, nil).want(200)
		if city.num("total") != 1 || city.items()[0]["escalation_level"] != float64(2) {
			t.Fatalf("city's escalated queue: %s", city.body)
		}
		if n := e.do("GET", "/api/v1/complaints?overdue=true", committee, nil).want(200).num("total"); n != 1 {
			t.Fatalf("committee overdue: %v", n)
		}
		if n := e.do("GET", "/api/v1/complaints", otherDistrict, nil).want(200).num("total"); n != 0 {
			t.Fatalf("another district sees %v complaints", n)
		}
		e.do("GET", fmt.Sprintf("/api/v1/complaints/%d", c1), otherDistrict, nil).wantError(404, "complaint_not_found")
		e.do("POST", tr(c1), otherDistrict, map[string]any{"to": "resolved", "note": "x"}).wantError(404, "complaint_not_found")
		mine := e.do("GET", "/api/v1/me/complaints", h1, nil).want(200).items()[0]
		if !strings.Contains(fmt.Sprint(events(mine)), "escalated:") {
			t.Fatalf("the household does not see the escalation: %v", events(mine))
		}
		// Re-sweeping changes nothing.
		if n, err := e.app.Feedback.Sweep(t.Context()); err != nil || n != 0 {
			t.Fatalf("second sweep touched %d (%v)", n, err)
		}

		// Resolved but never confirmed: it closes itself after auto_close_days.
		e.do("POST", tr(c1), committee, map[string]any{"to": "resolved", "note": "已调整施工时间为8:00-18:00"}).want(200)
		e.app.Feedback.SetClock(func() time.Time { return start.Add(38 * 24 * time.Hour) })
		if _, err := e.app.Feedback.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
		closed := e.do("GET", "/api/v1/me/complaints", h1, nil).want(200).items()[0]
		if closed["status"] != "closed" || !strings.Contains(fmt.Sprint(closed["events"]), "系统自动关闭") {
			t.Fatalf("not auto-closed: %v", closed)
		}
		dup = e.do("GET", "/api/v1/me/complaints", h2, nil).want(200).items()[0]
		if dup["primary"].(map[string]any)["status"] != "closed" {
			t.Fatalf("merged household not told of the close: %v", dup["primary"])
		}
	})
}

// pngBomb is a PNG header that claims 50,000 × 50,000 pixels.
func pngBomb() []byte {
	var b bytes.Buffer
	b.Write([]byte("\x89PNG\r\n\x1a\n"))
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 50000)
	binary.BigEndian.PutUint32(ihdr[4:], 50000)
	ihdr[8], ihdr[9] = 8, 2
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// TestComplaintBadInput: every bad form is a clear 4xx and files nothing.
func TestComplaintBadInput(t *testing.T) {
	e := newEnv(t, "sqlite", nil)
	es := e.setupEstate("坏数据", 1)
	hh := e.signIn(es.buildings[0], es.buildings[0].households[0])
	ok := []string{"category", "safety", "description", "楼道堆放的钢管随时会倒"}
	e.complaint(hh, nil, "category", "weather", "description", "楼道堆放的钢管随时会倒").wantError(400, "invalid_field")
	e.complaint(hh, nil, "category", "safety", "description", "倒").wantError(400, "invalid_field")
	e.complaint(hh, nil, append(ok, "catalog_code", "99")...).wantError(400, "invalid_field")
	e.complaint(hh, nil, append(ok, "building_id", "999999")...).wantError(400, "invalid_field")
	e.complaint(hh, nil, append(ok, "warranty", "maybe")...).wantError(400, "invalid_field")
	e.complaint(hh, [][]byte{[]byte("<html><script>alert(1)</script></html>")}, ok...).wantError(400, "unsupported_file_type")
	e.complaint(hh, [][]byte{[]byte("%PDF-1.4 not a photo")}, ok...).wantError(400, "unsupported_file_type")
	e.complaint(hh, [][]byte{pngBomb()}, ok...).wantError(400, "image_too_large")
	e.complaint(hh, [][]byte{append([]byte("\xff\xd8\xff\xe0"), make([]byte, 100)...)}, ok...).wantError(400, "unreadable_image")
	ten := make([][]byte, 10)
	for i := range ten {
		ten[i] = formPhoto(t)
	}
	e.complaint(hh, ten, ok...).wantError(400, "invalid_field")
	big := append(formPhoto(t), make([]byte, 10<<20)...)
	e.complaint(hh, [][]byte{big}, ok...).wantError(413, "file_too_large")
	e.do("POST", "/api/v1/me/complaints", hh, map[string]any{"category": "safety"}).wantError(400, "unsupported_media_type")
	e.complaint(hh, nil, append(ok, "warranty", "true")...).wantError(409, "warranty_not_started")
	if n := len(e.do("GET", "/api/v1/me/complaints", hh, nil).want(200).items()); n != 0 {
		t.Fatalf("bad forms filed %d complaints", n)
	}
	e.do("GET", "/api/v1/complaints?status=lost", e.staff, nil).wantError(400, "invalid_field")
	e.do("GET", "/api/v1/complaints?overdue=yes", e.staff, nil).wantError(400, "invalid_field")
	e.do("GET", "/api/v1/complaints?limit=1000", e.staff, nil).wantError(400, "invalid_field")
	e.do("GET", "/api/v1/photos/nonexistent", "", nil).wantError(404, "photo_not_found")
	// Files that are not complaint or progress photos are never served here.
	e.complaint(hh, [][]byte{formPhoto(t)}, ok...).want(201)
	_ = image.Rect
}
