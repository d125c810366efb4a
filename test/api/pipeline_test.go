package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func ledger(over map[string]any) map[string]any {
	b := map[string]any{"kind": "new", "households": 5, "buildings": 1, "floor_area_m2": 380.5, "investment_yuan": 500000,
		"funding":            []map[string]any{{"source": "central", "amount_yuan": 300000}, {"source": "district", "amount_yuan": 200000}},
		"responsible_person": "张建设", "responsible_phone": "13800001111", "design_unit": "驻马店市规划设计院",
		"construction_unit": "驻马店建工集团", "supervision_unit": "天中监理公司"}
	for k, v := range over {
		b[k] = v
	}
	return b
}

// TestLedgerRegistration: the ledger entry, its checks and the built-year rule.
func TestLedgerRegistration(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("台账", 2)
		path := fmt.Sprintf("/api/v1/projects/%d/ledger", es.projectID)
		e.do("PUT", path, e.staff, ledger(map[string]any{"investment_yuan": 500001})).wantError(400, "invalid_field")
		e.do("PUT", path, e.staff, ledger(map[string]any{"kind": "old"})).wantError(400, "invalid_field")
		e.do("PUT", path, e.staff, ledger(map[string]any{"households": 0})).wantError(400, "invalid_field")
		e.do("PUT", path, e.staff, ledger(map[string]any{"responsible_person": ""})).wantError(400, "invalid_field")
		e.do("PUT", path, e.staff, ledger(map[string]any{"funding": []map[string]any{{"source": "lottery", "amount_yuan": 500000}}})).wantError(400, "invalid_field")
		first := e.do("PUT", path, e.staff, ledger(nil)).want(200)
		if first.get("registered_at") == nil || first.num("ledger_households") != 5 || first.num("investment_yuan") != 500000 ||
			first.num("floor_area_m2") != 380.5 || first.str("construction_unit") != "驻马店建工集团" {
			t.Fatalf("registered: %s", first.body)
		}
		again := e.do("PUT", path, e.staff, ledger(map[string]any{"households": 6})).want(200)
		if again.str("registered_at") != first.str("registered_at") || again.num("ledger_households") != 6 {
			t.Fatalf("a correction changed the registration: %s", again.body)
		}
		// A community built in 2005 needs a reason.
		c := e.do("POST", "/api/v1/communities", e.staff, map[string]any{"district_id": es.districtID, "name": "新世纪花园",
			"address": "新华路8号", "built_year": 2005}).want(201).id("id")
		p := e.do("POST", fmt.Sprintf("/api/v1/communities/%d/projects", c), e.staff, map[string]any{"year": 2026}).want(201).id("id")
		r := e.do("PUT", fmt.Sprintf("/api/v1/projects/%d/ledger", p), e.staff, ledger(nil)).wantError(409, "built_after_cutoff")
		if r.get("error.details.built_year") != float64(2005) {
			t.Fatalf("details: %s", r.body)
		}
		e.do("PUT", fmt.Sprintf("/api/v1/projects/%d/ledger", p), e.staff, ledger(map[string]any{"built_year_reason": "2005年建成但管网严重老化，经区政府同意纳入"})).want(200)
		audit := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/audit", es.projectID), e.staff, nil).want(200)
		if !strings.Contains(string(audit.body), "project.register") || !strings.Contains(string(audit.body), "project.ledger") {
			t.Fatalf("registration not audited: %s", audit.body)
		}
	})
}

// TestStartCriteriaAndRectifications: consent is computed, 2–5 need evidence,
// all five make the project started; hand-over waits for every rectification.
func TestStartCriteriaAndRectifications(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("开工", 5)
		b := es.buildings[0]
		crit := fmt.Sprintf("/api/v1/projects/%d/start-criteria", es.projectID)
		got := e.do("GET", crit, e.staff, nil).want(200)
		list := got.get("criteria").([]any)
		if len(list) != 5 || got.get("started") != false || list[0].(map[string]any)["computed"] != true || list[0].(map[string]any)["met"] != false {
			t.Fatalf("criteria: %s", got.body)
		}
		today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly) // the day in China, as people enter it
		pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		e.putEvidence(es.projectID, 1, pdf, "confirmed_on", today, "person", "李").wantError(400, "invalid_field")
		e.putEvidence(es.projectID, 6, pdf, "confirmed_on", today, "person", "李").wantError(400, "invalid_field")
		e.putEvidence(es.projectID, 2, nil, "confirmed_on", today, "person", "李").wantError(400, "invalid_field")
		e.putEvidence(es.projectID, 2, pdf, "confirmed_on", "2099-01-01", "person", "李").wantError(400, "invalid_field")
		e.putEvidence(es.projectID, 2, pdf, "confirmed_on", today).wantError(400, "invalid_field")
		e.putEvidence(es.projectID, 2, []byte("<html>contract</html>"), "confirmed_on", today, "person", "李").wantError(400, "unsupported_file_type")
		r := e.putEvidence(es.projectID, 4, pdf, "confirmed_on", "2026-03-02", "person", "李主任", "note", "合同编号 ZMD-2026-017").want(200)
		c4 := r.get("criteria").([]any)[3].(map[string]any)
		if c4["met"] != true || c4["confirmed_on"] != "2026-03-02" || c4["by"] != "admin" || c4["evidence_url"] == nil {
			t.Fatalf("criterion 4: %v", c4)
		}
		ev := e.do("GET", c4["evidence_url"].(string), e.staff, nil).want(200)
		if ev.header.Get("Content-Type") != "application/pdf" || string(ev.body) != string(pdf) {
			t.Fatalf("evidence: %s %q", ev.header.Get("Content-Type"), ev.body)
		}
		e.do("GET", crit+"/3/evidence", e.staff, nil).wantError(404, "criterion_not_confirmed")
		other := e.setupEstate("别的社区", 1)
		committee := e.createStaff("committee-other", "committee", other.districtID, other.communityID)
		e.do("GET", crit, committee, nil).wantError(404, "project_not_found")
		e.do("GET", c4["evidence_url"].(string), committee, nil).wantError(404, "project_not_found")
		for _, n := range []int{2, 3, 5} {
			e.putEvidence(es.projectID, n, formPhoto(t), "confirmed_on", today, "person", "李主任").want(200)
		}
		if e.do("GET", crit, e.staff, nil).want(200).get("started") != false {
			t.Fatal("started without consent")
		}
		planID := e.publishPlan(es, "开工方案", time.Hour)
		for i := 0; i < 4; i++ {
			e.do("PUT", "/api/v1/me/ballot", e.signIn(b, b.households[i]), vote(planID, "agree", "agree")).want(200)
		}
		// Nobody opens the page: the starter notices on its own.
		if n, err := e.app.Pipeline.MarkStarted(t.Context()); err != nil || n != 1 {
			t.Fatalf("starter marked %d (%v)", n, err)
		}
		if n, _ := e.app.Pipeline.MarkStarted(t.Context()); n != 0 {
			t.Fatalf("starter marked %d again", n)
		}
		got = e.do("GET", crit, e.staff, nil).want(200)
		if got.get("started") != true || !strings.HasPrefix(got.str("started_on"), today) {
			t.Fatalf("all five hold: %s", got.body)
		}
		prj := e.do("GET", fmt.Sprintf("/api/v1/projects/%d", es.projectID), e.staff, nil).want(200)
		if !strings.HasPrefix(prj.str("started_on"), today) {
			t.Fatalf("project started_on: %s", prj.body)
		}
		for _, st := range []string{"mobilization", "planning", "construction", "acceptance"} {
			e.advance(es.projectID, st).want(200)
		}
		acc := fmt.Sprintf("/api/v1/projects/%d/acceptance", es.projectID)
		e.do("POST", acc, e.staff, map[string]any{"inspected_on": today, "passed": true,
			"rectifications": []map[string]any{{"description": "x", "deadline": "2020-01-01"}}}).wantError(400, "invalid_field")
		e.do("POST", acc, e.staff, map[string]any{"inspected_on": today, "passed": true, "note": "合格，有两处整改",
			"rectifications": []map[string]any{{"description": "2单元屋面檐口泛水收头不严", "deadline": "2099-01-10"},
				{"description": "东侧雨水井盖高出路面", "deadline": "2099-01-10"}}}).want(201)
		r = e.advance(es.projectID, "handed_over").wantError(409, "transition_refused")
		if fmt.Sprint(r.get("error.details.reason_codes")) != "[rectifications_open]" {
			t.Fatalf("hand-over with open issues: %s", r.body)
		}
		rects := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/rectifications", es.projectID), e.staff, nil).want(200).items()
		if len(rects) != 2 || rects[0]["closed_at"] != nil {
			t.Fatalf("rectifications: %v", rects)
		}
		for _, rc := range rects {
			close := fmt.Sprintf("/api/v1/rectifications/%d/close", int64(rc["id"].(float64)))
			e.do("POST", close, e.staff, map[string]any{"note": ""}).wantError(400, "invalid_field")
			e.do("POST", close, e.staff, map[string]any{"note": "已返工并复查合格"}).want(200)
			e.do("POST", close, e.staff, map[string]any{"note": "again"}).wantError(409, "rectification_closed")
		}
		e.do("POST", "/api/v1/rectifications/999999/close", e.staff, map[string]any{"note": "x"}).wantError(404, "rectification_not_found")
		e.advance(es.projectID, "handed_over").want(200)
	})
}

// TestPlanAdjustment: swap communities until 31 March, never below the original.
func TestPlanAdjustment(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("调整", 1)
		year := time.Now().UTC().Year() + 1 // next year's plan is still open for adjustment
		project := func(name string, households int, invest int, reserve bool) int64 {
			c := e.do("POST", "/api/v1/communities", e.staff, map[string]any{"district_id": es.districtID, "name": name,
				"address": name + "1号", "built_year": 1990}).want(201).id("id")
			b := e.do("POST", fmt.Sprintf("/api/v1/communities/%d/projects", c), e.staff, map[string]any{"year": year}).want(201).id("id")
			e.do("PUT", fmt.Sprintf("/api/v1/projects/%d/ledger", b), e.staff, ledger(map[string]any{"households": households,
				"investment_yuan": invest, "reserve": reserve, "funding": []map[string]any{{"source": "central", "amount_yuan": invest}}})).want(200)
			return b
		}
		a := project("甲小区", 300, 3000000, false)
		b := project("乙小区", 200, 2000000, false)
		small := project("丙小区", 150, 1500000, true)
		big := project("丁小区", 260, 2600000, true)
		district := e.createStaff("district-adjust", "district", es.districtID, 0)
		committee := e.createStaff("committee-adjust", "committee", es.districtID, es.communityID)
		path := fmt.Sprintf("/api/v1/districts/%d/adjustments", es.districtID)
		body := func(withdraw, add []int64) map[string]any {
			return map[string]any{"year": year, "withdraw": withdraw, "add": add, "reason": "乙小区居民意见不一致，暂缓改造",
				"approved_by": "驿城区人民政府", "approval_ref": "驿政文〔2026〕12号"}
		}
		e.do("POST", path, committee, body([]int64{b}, []int64{big})).want(403)
		e.do("POST", path, district, body([]int64{b}, []int64{a})).wantError(400, "invalid_field") // a is not a reserve
		e.do("POST", path, district, body([]int64{small}, nil)).wantError(400, "invalid_field")    // a reserve cannot be withdrawn
		noApproval := body([]int64{b}, []int64{big})
		delete(noApproval, "approved_by")
		e.do("POST", path, district, noApproval).wantError(400, "invalid_field")
		r := e.do("POST", path, district, body([]int64{b}, []int64{small})).wantError(409, "below_original")
		if !strings.Contains(r.str("error.message"), "households 450 < 500") {
			t.Fatalf("says what falls short: %s", r.body)
		}
		plan := e.do("GET", fmt.Sprintf("/api/v1/districts/%d/annual-plan/%d", es.districtID, year), district, nil).want(200)
		if plan.num("current.households") != 500 || plan.num("original.households") != 500 || len(plan.get("adjustments").([]any)) != 0 {
			t.Fatalf("a refused adjustment changed the plan: %s", plan.body)
		}
		adj := e.do("POST", path, district, body([]int64{b}, []int64{big})).want(201)
		if adj.num("totals.after.households") != 560 || adj.num("totals.original.households") != 500 || adj.str("by") != "district-adjust" ||
			adj.str("approved_by") != "驿城区人民政府" {
			t.Fatalf("adjustment: %s", adj.body)
		}
		plan = e.do("GET", fmt.Sprintf("/api/v1/districts/%d/annual-plan/%d", es.districtID, year), district, nil).want(200)
		if plan.num("current.households") != 560 || plan.num("current.communities") != 2 || len(plan.get("adjustments").([]any)) != 1 {
			t.Fatalf("plan after: %s", plan.body)
		}
		if st := e.do("GET", fmt.Sprintf("/api/v1/projects/%d", b), e.staff, nil).want(200).str("plan_status"); st != "withdrawn" {
			t.Fatalf("withdrawn project is %s", st)
		}
		// A later swap is still measured against the original, not the last state.
		e.do("POST", path, district, body([]int64{big}, []int64{small})).wantError(409, "below_original")
		// Last year's plan is closed.
		old := body(nil, []int64{small})
		old["year"] = 2020
		e.do("POST", path, district, old).wantError(409, "adjustment_closed")
		other := e.setupEstate("别区", 1)
		e.do("POST", fmt.Sprintf("/api/v1/districts/%d/adjustments", other.districtID), district, body([]int64{a}, nil)).wantError(404, "district_not_found")
		_ = a
	})
}
