package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// upload posts one file as a multipart form, with extra fields.
func (e *env) upload(path, token, field, filename string, data []byte, fields ...string) *resp {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := w.WriteField(fields[i], fields[i+1]); err != nil {
			e.t.Fatal(err)
		}
	}
	if field != "" {
		fw, err := w.CreateFormFile(field, filename)
		if err != nil {
			e.t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	return e.do("POST", path, token, buf.Bytes(), "Content-Type", w.FormDataContentType())
}

func xlsx(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportHouseholds: the committee's own sheet, as .xlsx or .csv (UTF-8 or
// GB18030), all rows or none, with a row-by-row report.
func TestImportHouseholds(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("导入", 0, 0, 0)
		path := func(b int) string { return fmt.Sprintf("/api/v1/buildings/%d/households:import", es.buildings[b].id) }

		good := xlsx(t, [][]any{
			{"楼栋", "单元", "楼层", "房号", "建筑面积", "业主", "电话"},
			{"1号楼", "1单元", 1, "101", 72.5, "张三", "13800001111"},
			{"1号楼", "1单元", "1层", "102", "68.00㎡", "李四", ""},
			{},
			{"", "2单元", 2, "２０１", 80, "", ""},
		})
		r := e.upload(path(0), e.staff, "file", "roll.xlsx", good).want(201)
		if r.num("created") != 3 || len(r.get("households").([]any)) != 3 {
			t.Fatalf("xlsx import: %s", r.body)
		}
		first := r.get("households").([]any)[0].(map[string]any)
		if first["room"] != "101" || len(first["code"].(string)) != 8 {
			t.Fatalf("imported households carry their codes once: %v", first)
		}
		// The imported code signs in.
		e.do("POST", "/api/v1/auth/household", "", map[string]any{"building_token": es.buildings[0].token,
			"room": "101", "code": first["code"]}).want(200)
		list := e.do("GET", fmt.Sprintf("/api/v1/buildings/%d/households", es.buildings[0].id), e.staff, nil).want(200).items()
		if len(list) != 3 || list[2]["room"] != "201" || list[2]["area_m2"] != 80.0 {
			t.Fatalf("imported roll: %v", list)
		}

		csvText := "building,entrance,floor,room,area,owner,phone,owner_group\n2号楼,1单元,3,301,60.5,王五,13900002222,\n2号楼,1单元,3,302,61,开发商,,developer\n"
		e.upload(path(1), e.staff, "file", "roll.csv", []byte("\xef\xbb\xbf"+csvText)).want(201)

		gbk, err := simplifiedchinese.GB18030.NewEncoder().String("房号,楼层,面积,业主\n101,1,55.5,赵六\n")
		if err != nil {
			t.Fatal(err)
		}
		if n := e.upload(path(2), e.staff, "file", "excel.csv", []byte(gbk)).want(201).num("created"); n != 1 {
			t.Fatalf("GB18030 csv created %v", n)
		}
		owner := e.do("GET", fmt.Sprintf("/api/v1/buildings/%d/households", es.buildings[2].id), e.staff, nil).want(200).items()[0]["owner_masked"]
		if owner != "赵*" {
			t.Fatalf("GB18030 text must be decoded: owner %v", owner)
		}

		// A bad sheet: every bad row is reported, nothing is imported.
		bad := "房号,楼层,面积,楼栋,单元\n401,4,70,1号楼,\n402,four,70,1号楼,\n403,4,-1,1号楼,\n401,4,70,1号楼,\n101,1,70,1号楼,1单元\n404,4,70,3号楼,\n"
		rej := e.upload(path(0), e.staff, "file", "bad.csv", []byte(bad)).wantError(422, "import_rejected")
		errs := rej.get("errors").([]any)
		rows := []float64{}
		for _, x := range errs {
			rows = append(rows, x.(map[string]any)["row"].(float64))
		}
		if fmt.Sprint(rows) != "[3 4 5 6 7]" || rej.num("created") != 0 {
			t.Fatalf("row report: %s", rej.body)
		}
		if n := len(e.do("GET", fmt.Sprintf("/api/v1/buildings/%d/households", es.buildings[0].id), e.staff, nil).want(200).items()); n != 3 {
			t.Fatalf("a rejected sheet imported %d rows", n-3)
		}
		e.upload(path(0), e.staff, "file", "x.csv", []byte("name,age\nx,1\n")).wantError(422, "import_rejected")
		e.upload(path(0), e.staff, "file", "x.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00")).wantError(400, "not_a_spreadsheet")
		e.upload(path(0), e.staff, "file", "x.xlsx", []byte("PK\x03\x04garbage")).wantError(400, "not_a_spreadsheet")
		e.upload(path(0), e.staff, "", "", nil, "other", "x").wantError(400, "invalid_field")
		e.do("POST", path(0), e.staff, map[string]any{"file": "x"}).wantError(400, "unsupported_media_type")
		e.upload(path(0), e.staff, "file", "big.csv", bytes.Repeat([]byte("a"), 6<<20)).wantError(413, "file_too_large")
	})
}

// TestCodesForSlipsAndRollEdits: new codes for printing, and roll changes
// during a vote are audited as such.
func TestCodesForSlipsAndRollEdits(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("纸条", 3)
		b := es.buildings[0]
		old := e.signIn(b, b.households[0])
		slips := e.do("POST", fmt.Sprintf("/api/v1/buildings/%d/codes:issue", b.id), e.staff, nil).want(200).items()
		if len(slips) != 3 || slips[0]["household_id"] == nil || len(slips[0]["code"].(string)) != 8 {
			t.Fatalf("slips: %v", slips)
		}
		e.do("GET", "/api/v1/me", old, nil).wantError(401, "session_expired")
		one := e.do("POST", fmt.Sprintf("/api/v1/buildings/%d/codes:issue", b.id), e.staff,
			map[string]any{"household_ids": []int64{b.households[1].id}}).want(200).items()
		if len(one) != 1 || one[0]["room"] != b.households[1].room {
			t.Fatalf("one slip: %v", one)
		}
		e.do("POST", fmt.Sprintf("/api/v1/buildings/%d/codes:issue", b.id), e.staff,
			map[string]any{"household_ids": []int64{999999}}).wantError(400, "invalid_field")

		edit := map[string]any{"room": b.households[2].room, "entrance": "1单元", "floor": 1, "area_m2": 99.5,
			"owner_name": "钱七", "owner_phone": "", "owner_group": "g1"}
		r := e.do("PUT", fmt.Sprintf("/api/v1/households/%d", b.households[2].id), e.staff, edit).want(200)
		if r.num("area_m2") != 99.5 || r.str("owner_masked") != "钱*" || r.str("owner_group") != "g1" {
			t.Fatalf("edit: %s", r.body)
		}
		e.publishPlan(es, "方案", time.Hour)
		edit["area_m2"] = 100
		e.do("PUT", fmt.Sprintf("/api/v1/households/%d", b.households[2].id), e.staff, edit).want(200)
		audit := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/audit", es.projectID), e.staff, nil).want(200).items()
		if audit[0]["action"] != "household.update.during_vote" || audit[0]["actor"] != "staff:admin" ||
			!strings.Contains(string(e.do("GET", fmt.Sprintf("/api/v1/projects/%d/audit", es.projectID), e.staff, nil).body), `"action":"household.update"`) {
			t.Fatalf("a roll change during the vote must be audited as such: %v", audit[0])
		}
		edit["room"] = b.households[0].room
		e.do("PUT", fmt.Sprintf("/api/v1/households/%d", b.households[2].id), e.staff, edit).wantError(409, "household_exists")
	})
}

// TestCivilCodeTally: a project counted by the Civil Code rules shows area
// and heads, and decides by both.
func TestCivilCodeTally(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("民法典", 4, 2)
		s := e.do("PUT", fmt.Sprintf("/api/v1/projects/%d/settings", es.projectID), e.staff,
			map[string]any{"consent_rule": "civil-code-major"}).want(200)
		if s.str("consent_rule") != "civil-code-major" || s.num("objection_days") != 7 {
			t.Fatalf("settings: %s", s.body)
		}
		e.do("PUT", fmt.Sprintf("/api/v1/projects/%d/settings", es.projectID), e.staff,
			map[string]any{"consent_rule": "majority"}).wantError(400, "invalid_field")
		planID := e.publishPlan(es, "方案", time.Hour)
		e.do("PUT", fmt.Sprintf("/api/v1/projects/%d/settings", es.projectID), e.staff,
			map[string]any{"consent_rule": "households-80"}).wantError(409, "settings_locked")

		// 6 households of 72.5 m² each; 4 vote (2/3 of area and heads), 3 agree (3/4).
		all := append(append([]household{}, es.buildings[0].households...), es.buildings[1].households...)
		for i, h := range all[:4] {
			b := es.buildings[0]
			if i >= 4 {
				b = es.buildings[1]
			}
			choice := "agree"
			if i == 3 {
				choice = "disagree"
			}
			e.do("PUT", "/api/v1/me/ballot", e.signIn(b, h), vote(planID, choice, "agree")).want(200)
		}
		tally := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, nil).want(200)
		if tally.str("rule") != "civil-code-major" || tally.get("turnout.reached") != true || tally.get("plan.reached") != true ||
			tally.num("heads.total") != 6 || tally.num("heads.participating") != 4 || tally.num("area.total_m2") != 435 ||
			tally.num("area.plan_agree_m2") != 217.5 || tally.get("reached") != true {
			t.Fatalf("civil code tally: %s", tally.body)
		}
		bs := tally.get("buildings").([]any)
		if b0 := bs[0].(map[string]any); b0["eligible"] != 4.0 || b0["turnout"].(map[string]any)["reached"] != true {
			t.Fatalf("per building: %v", b0)
		}
	})
}

// TestBuildingScopedVote: a vote of one building (a lift) counts only it.
func TestBuildingScopedVote(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("电梯", 2, 5)
		lift := es.buildings[1]
		r := e.do("PUT", fmt.Sprintf("/api/v1/projects/%d/settings", es.projectID), e.staff,
			map[string]any{"scope_building_id": lift.id, "threshold_percent": 90}).want(200)
		if r.str("scope_building_name") != "2号楼" || r.num("threshold_percent") != 90 {
			t.Fatalf("scope: %s", r.body)
		}
		other := e.setupEstate("别处", 1)
		e.do("PUT", fmt.Sprintf("/api/v1/projects/%d/settings", es.projectID), e.staff,
			map[string]any{"scope_building_id": other.buildings[0].id}).wantError(400, "invalid_field")
		planID := e.publishPlan(es, "加装电梯", time.Hour)
		for _, h := range lift.households {
			e.do("PUT", "/api/v1/me/ballot", e.signIn(lift, h), vote(planID, "agree", "agree")).want(200)
		}
		tally := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, nil).want(200)
		if tally.num("eligible") != 5 || tally.get("reached") != true || len(tally.get("buildings").([]any)) != 1 ||
			len(tally.get("non_voters").([]any)) != 0 {
			t.Fatalf("a building-scoped vote counts that building only: %s", tally.body)
		}
	})
}
