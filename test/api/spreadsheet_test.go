package api_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestSpreadsheetsDoNotCarryFormulas: names that people type or import can
// start with = + - @; in the consent roll and the monthly report they must
// reach the workbook as text a spreadsheet will not evaluate (OWASP's CSV
// injection advice: a leading single quote).
func TestSpreadsheetsDoNotCarryFormulas(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		district := e.do("POST", "/api/v1/districts", e.staff, map[string]any{"name": "=区"}).want(201).id("id")
		community := e.do("POST", "/api/v1/communities", e.staff, map[string]any{
			"district_id": district, "name": `=HYPERLINK("http://evil.example","点我")`, "address": "路1号", "built_year": 1990}).want(201).id("id")
		r := e.do("POST", fmt.Sprintf("/api/v1/communities/%d/buildings", community), e.staff,
			map[string]any{"name": "+1号楼"}).want(201)
		b := building{id: r.id("id"), token: r.str("token")}
		h := e.do("POST", fmt.Sprintf("/api/v1/buildings/%d/households", b.id), e.staff, map[string]any{
			"room": "101", "entrance": "@单元", "floor": 1, "area_m2": 60, "owner_name": "-王"}).want(201)
		b.households = append(b.households, household{id: h.id("id"), room: "101", code: h.str("code")})
		es := &estate{districtID: district, communityID: community, buildings: []building{b}}
		es.projectID = e.do("POST", fmt.Sprintf("/api/v1/communities/%d/projects", community), e.staff,
			map[string]any{"year": time.Now().UTC().Year()}).want(201).id("id")
		e.publishPlan(es, "方案", time.Hour)

		roll := openWorkbook(t, e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent/roll.xlsx", es.projectID), e.staff, nil).want(200).body)
		rows, err := roll.GetRows("表决名册")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(rows[0][0], `'=HYPERLINK(`) {
			t.Fatalf("roll title %q: the community name must not start a formula", rows[0][0])
		}
		if got := rows[2][:5]; got[0] != "'+1号楼" || got[1] != "'@单元" || got[2] != "1" || got[4] != "'-*" {
			t.Fatalf("roll row %q: building, entrance and masked owner must be escaped, the floor a number", got)
		}
		assertNoFormulas(t, roll)

		month := time.Now().UTC().Add(8 * time.Hour).Format("2006-01")
		report := openWorkbook(t, e.do("GET", fmt.Sprintf("/api/v1/reports/monthly.xlsx?month=%s&district_id=%d", month, district), e.staff, nil).want(200).body)
		found := false
		for _, sheet := range report.GetSheetList() {
			rows, err := report.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows[2:] {
				for _, cell := range row {
					if strings.HasPrefix(cell, "=") || strings.HasPrefix(cell, "+") || strings.HasPrefix(cell, "@") {
						t.Fatalf("report sheet %s: cell %q would be read as a formula", sheet, cell)
					}
					found = found || cell == `'=HYPERLINK("http://evil.example","点我")` || cell == "'=区"
				}
			}
		}
		if !found {
			t.Fatal("the report should list the district and the community, escaped")
		}
		assertNoFormulas(t, report)
	})
}

func openWorkbook(t *testing.T, body []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	return f
}

// assertNoFormulas checks that no cell of the workbook holds a formula.
func assertNoFormulas(t *testing.T, f *excelize.File) {
	t.Helper()
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					t.Fatalf("%s!%s holds the formula %q", sheet, cell, formula)
				}
			}
		}
	}
}
