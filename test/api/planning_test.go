package api_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"testing"
	"time"
)

// TestNeedsPoll: before the plan, households tick what they want most; the
// committee sees the ranking; once a plan is published the poll is over.
func TestNeedsPoll(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("点单", 3, 2)
		answers := []struct {
			b, h  int
			codes []string
			note  string
		}{
			{0, 0, []string{"26", "01"}, "想装电梯"},
			{0, 1, []string{"26", "16"}, ""},
			{0, 2, []string{"01"}, ""},
			{1, 0, []string{"26", "01", "01"}, "楼道太暗"},
		}
		for _, a := range answers {
			b := es.buildings[a.b]
			r := e.do("PUT", "/api/v1/me/needs", e.signIn(b, b.households[a.h]), map[string]any{"catalog_codes": a.codes, "note": a.note}).want(200)
			if r.id("project_id") != es.projectID {
				t.Fatalf("needs answer: %s", r.body)
			}
		}
		hh := e.signIn(es.buildings[0], es.buildings[0].households[0])
		e.do("PUT", "/api/v1/me/needs", hh, map[string]any{"catalog_codes": []string{"26"}}).want(200) // a change replaces
		if got := e.do("GET", "/api/v1/me/needs", hh, nil).want(200); fmt.Sprint(got.get("catalog_codes")) != "[26]" {
			t.Fatalf("my needs: %s", got.body)
		}
		e.do("PUT", "/api/v1/me/needs", hh, map[string]any{"catalog_codes": []string{}}).wantError(400, "invalid_field")
		e.do("PUT", "/api/v1/me/needs", hh, map[string]any{"catalog_codes": []string{"99"}}).wantError(400, "invalid_field")
		e.do("PUT", "/api/v1/me/needs", hh, map[string]any{"catalog_codes": []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"}}).wantError(400, "invalid_field")
		e.do("GET", "/api/v1/me/needs", e.signIn(es.buildings[1], es.buildings[1].households[1]), nil).wantError(404, "needs_not_found")

		r := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/needs", es.projectID), e.staff, nil).want(200)
		items := r.get("items").([]any)
		top := items[0].(map[string]any)
		if r.num("eligible") != 5 || r.num("respondents") != 4 || top["catalog_code"] != "26" || top["count"] != 3.0 ||
			top["name_zh"] != "加装电梯" || top["share"] != 0.75 {
			t.Fatalf("ranking: %s", r.body)
		}
		second := items[1].(map[string]any)
		if second["catalog_code"] != "01" || second["count"] != 2.0 {
			t.Fatalf("01 is ticked by two households (a repeated code counts once): %v", second)
		}
		b0 := r.get("buildings").([]any)[0].(map[string]any)
		if b0["respondents"] != 3.0 || b0["eligible"] != 3.0 {
			t.Fatalf("per building: %v", b0)
		}
		if notes := r.get("notes").([]any); len(notes) != 1 || notes[0].(map[string]any)["note"] != "楼道太暗" {
			t.Fatalf("notes (the first household cleared its note): %v", notes)
		}
		e.publishPlan(es, "方案", time.Hour)
		e.do("PUT", "/api/v1/me/needs", hh, map[string]any{"catalog_codes": []string{"01"}}).wantError(409, "needs_closed")
	})
}

func drawing(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestAttachmentsAndChanges: drawings travel with a draft, become public with
// the plan, and a new version says what changed.
func TestAttachmentsAndChanges(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("图纸", 1)
		v1 := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/plans", es.projectID), e.staff, planBody("第一版", time.Hour)).want(201).id("id")
		att := e.upload(fmt.Sprintf("/api/v1/plans/%d/attachments", v1), e.staff, "file", "roof.png", drawing(t), "title", "屋面防水节点图").want(201)
		pdf := e.upload(fmt.Sprintf("/api/v1/plans/%d/attachments", v1), e.staff, "file", "a.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"), "title", "设计说明").want(201)
		e.upload(fmt.Sprintf("/api/v1/plans/%d/attachments", v1), e.staff, "file", "x.exe", []byte("MZ\x90\x00binary"), "title", "x").wantError(400, "unsupported_file_type")
		e.do("DELETE", fmt.Sprintf("/api/v1/plans/%d/attachments/%d", v1, pdf.id("id")), e.staff, nil).want(204)
		draftURL := att.str("url")
		if got := e.do("GET", draftURL, e.staff, nil).want(200); got.header.Get("Content-Type") != "image/png" {
			t.Fatalf("draft attachment for staff: %s", got.header.Get("Content-Type"))
		}
		e.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", v1), e.staff, nil).want(200)
		hh := e.signIn(es.buildings[0], es.buildings[0].households[0])
		plan := e.do("GET", "/api/v1/me/plan", hh, nil).want(200)
		atts := plan.get("attachments").([]any)
		if len(atts) != 1 || atts[0].(map[string]any)["title"] != "屋面防水节点图" {
			t.Fatalf("residents see the drawing: %v", atts)
		}
		public := atts[0].(map[string]any)["url"].(string)
		if got := e.do("GET", public, "", nil).want(200); !bytes.HasPrefix(got.body, []byte("\x89PNG")) {
			t.Fatal("the published drawing is public")
		}
		e.do("GET", "/api/v1/files/nosuchfile", "", nil).wantError(404, "file_not_found")
		e.upload(fmt.Sprintf("/api/v1/plans/%d/attachments", v1), e.staff, "file", "roof.png", drawing(t), "title", "迟到的图").wantError(409, "plan_published")

		body := planBody("第二版", 2*time.Hour)
		body["budget_total_yuan"] = 110000.5
		body["funding"] = []map[string]any{{"source": "central", "amount_yuan": 90000}, {"source": "residents", "amount_yuan": 20000.5}}
		body["items"] = []map[string]any{
			{"catalog_code": "01", "description": "屋顶防水翻新，加保温层", "quantity": "800 m²", "budget_yuan": 70000},
			{"catalog_code": "26", "description": "加装电梯一部"},
		}
		v2 := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/plans", es.projectID), e.staff, body).want(201).id("id")
		ch := e.do("GET", fmt.Sprintf("/api/v1/plans/%d/changes", v2), e.staff, nil).want(200)
		if ch.id("previous_plan_id") != v1 {
			t.Fatalf("changes: %s", ch.body)
		}
		added, removed := ch.get("items_added").([]any), ch.get("items_removed").([]any)
		changed, funding := ch.get("items_changed").([]any), ch.get("funding_changed").([]any)
		if len(added) != 1 || added[0].(map[string]any)["catalog_code"] != "26" || len(removed) != 1 ||
			removed[0].(map[string]any)["catalog_code"] != "14" || len(changed) != 2 || len(funding) != 1 ||
			funding[0].(map[string]any)["new"] != 90000.0 {
			t.Fatalf("what changed: %s", ch.body)
		}
		fields := fmt.Sprint(ch.get("fields"))
		for _, f := range []string{"title", "budget_total_yuan", "voting_closes_at"} {
			if !bytes.Contains([]byte(fields), []byte(f)) {
				t.Fatalf("field %s changed: %s", f, fields)
			}
		}
	})
}
