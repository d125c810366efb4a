package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// formPhoto is a JPEG "photo of the signed form" carrying an EXIF block with a
// GPS tag, which must not survive the upload.
func formPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 120, 80))
	for x := 0; x < 120; x++ {
		img.Set(x, 40, color.Black)
	}
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, img, nil); err != nil {
		t.Fatal(err)
	}
	exif := []byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08GPSLatitude 31.58N GPSLongitude 114.08E")
	app1 := append([]byte{0xFF, 0xE1, byte((len(exif) + 2) >> 8), byte(len(exif) + 2)}, exif...)
	raw := plain.Bytes()
	return append(append(append([]byte{}, raw[:2]...), app1...), raw[2:]...)
}

// TestPaperBallots: door-to-door paper ballots count the same, carry the
// photo and the staff member, replace an online vote rather than add to it,
// and the household sees them.
func TestPaperBallots(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("入户", 3)
		planID := e.publishPlan(es, "方案", time.Hour)
		b := es.buildings[0]
		committee := e.createStaff("committee-li", "committee", 0, es.communityID)
		paper := func(h household, plan, mgmt string, extra ...string) *resp {
			fields := append([]string{"household_id", fmt.Sprint(h.id), "plan_choice", plan, "management_choice", mgmt}, extra...)
			return e.upload(fmt.Sprintf("/api/v1/plans/%d/paper-ballots", planID), committee, "photo", "form.jpg", formPhoto(t), fields...)
		}
		// A household that voted online, then a paper ballot: one vote, the paper one.
		hh := e.signIn(b, b.households[0])
		online := e.do("PUT", "/api/v1/me/ballot", hh, vote(planID, "disagree", "disagree", nil)).want(200)
		rec := paper(b.households[0], "agree", "agree").want(201)
		if rec.str("channel") != "paper" || rec.str("recorded_by") != "committee-li" || rec.id("replaces") != online.id("id") {
			t.Fatalf("paper receipt: %s", rec.body)
		}
		mine := e.do("GET", "/api/v1/me/ballot", hh, nil).want(200)
		if mine.str("channel") != "paper" || mine.str("recorded_by") != "committee-li" || mine.str("plan_choice") != "agree" {
			t.Fatalf("the household sees the paper ballot: %s", mine.body)
		}
		// The phone still holds the online receipt: its change is refused as stale.
		e.do("PUT", "/api/v1/me/ballot", hh, vote(planID, "disagree", "disagree", online.id("id"))).wantError(409, "stale_ballot")
		paper(b.households[1], "agree", "abstain").want(201)

		tally := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, nil).want(200)
		if tally.num("voted") != 2 || tally.num("paper") != 2 || tally.num("plan.agree") != 2 {
			t.Fatalf("paper ballots count once each: %s", tally.body)
		}
		hist := e.do("GET", fmt.Sprintf("/api/v1/households/%d/ballots", b.households[0].id), e.staff, nil).want(200).items()
		if len(hist) != 2 || hist[1]["channel"] != "paper" || hist[1]["recorded_by_name"] != "committee-li" || hist[1]["evidence_url"] == nil {
			t.Fatalf("history: %v", hist)
		}
		photo := e.do("GET", hist[1]["evidence_url"].(string), e.staff, nil).want(200)
		if photo.header.Get("Content-Type") != "image/jpeg" || bytes.Contains(photo.body, []byte("GPSLatitude")) || bytes.Contains(photo.body, []byte("Exif")) {
			t.Fatalf("the stored photo must be a re-encoded JPEG without EXIF (%s, %d bytes)", photo.header.Get("Content-Type"), len(photo.body))
		}
		if hist[1]["signature_url"] != nil || hist[0]["signature_url"] == nil {
			t.Fatalf("a paper ballot's evidence is the photo, an online vote's the signature: %v", hist)
		}
		e.do("GET", fmt.Sprintf("/api/v1/ballot-revisions/%d/signature.png", rec.id("id")), e.staff, nil).wantError(404, "signature_not_found")
		audit := string(e.do("GET", fmt.Sprintf("/api/v1/projects/%d/audit", es.projectID), e.staff, nil).want(200).body)
		for _, want := range []string{`"action":"ballot.paper"`, `"action":"ballot.crossing"`, `"actor":"staff:committee-li"`} {
			if !strings.Contains(audit, want) {
				t.Fatalf("audit log lacks %s: %s", want, audit)
			}
		}
		if chain := e.do("GET", fmt.Sprintf("/api/v1/plans/%d/ballots/verify", planID), e.staff, nil).want(200); chain.get("intact") != true {
			t.Fatalf("chain with paper ballots: %s", chain.body)
		}

		// Bad paper ballots change nothing.
		path := fmt.Sprintf("/api/v1/plans/%d/paper-ballots", planID)
		e.upload(path, committee, "", "", nil, "household_id", fmt.Sprint(b.households[2].id), "plan_choice", "agree", "management_choice", "agree").wantError(400, "invalid_field")
		e.upload(path, committee, "photo", "x.txt", []byte("not a photo at all"), "household_id", fmt.Sprint(b.households[2].id), "plan_choice", "agree", "management_choice", "agree").wantError(400, "unsupported_file_type")
		paper(b.households[2], "yes", "agree").wantError(400, "invalid_field")
		e.upload(path, committee, "photo", "f.jpg", formPhoto(t), "household_id", "abc").wantError(400, "invalid_field")
		other := e.setupEstate("别的", 1)
		e.upload(path, committee, "photo", "f.jpg", formPhoto(t), "household_id", fmt.Sprint(other.buildings[0].households[0].id),
			"plan_choice", "agree", "management_choice", "agree").wantError(400, "invalid_field")
		if n := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", es.projectID), e.staff, nil).want(200).num("voted"); n != 2 {
			t.Fatalf("bad paper ballots changed the tally to %v", n)
		}
	})
}

// TestCloseNoticesObjections walks the end of a vote: close, preliminary
// notice, an objection and its answer, the final notice, the public board.
func TestCloseNoticesObjections(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("公示", 5)
		planID := e.publishPlan(es, "方案", time.Hour)
		b := es.buildings[0]
		com := e.do("GET", fmt.Sprintf("/api/v1/communities/%d", es.communityID), e.staff, nil).want(200)
		board := "/api/v1/public/communities/" + com.str("public_token")
		if !strings.HasSuffix(com.str("board_url"), "/c/"+com.str("public_token")) {
			t.Fatalf("board link: %s", com.body)
		}
		tokens := make([]string, 5)
		for i, h := range b.households {
			tokens[i] = e.signIn(b, h)
		}
		for i := 0; i < 4; i++ {
			e.do("PUT", "/api/v1/me/ballot", tokens[i], vote(planID, "agree", "agree")).want(200)
		}
		pub := e.do("GET", board, "", nil).want(200)
		if pub.num("participation.voted") != 4 || pub.num("participation.eligible") != 5 || pub.get("result") != nil ||
			strings.Contains(string(pub.body), "王建国") || pub.str("plan.voting_status") != "open" {
			t.Fatalf("board during the vote: participation only, no result, no names: %s", pub.body)
		}
		e.do("POST", fmt.Sprintf("/api/v1/projects/%d/consent/notices", es.projectID), e.staff, map[string]any{"kind": "preliminary"}).wantError(409, "voting_open")
		closed := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/consent/close", es.projectID), e.staff, nil).want(200)
		if closed.str("voting_status") != "closed" || closed.get("closed_at") == nil || closed.get("reached") != true {
			t.Fatalf("close: %s", closed.body)
		}
		e.do("POST", fmt.Sprintf("/api/v1/projects/%d/consent/close", es.projectID), e.staff, nil).wantError(409, "voting_closed")
		e.do("PUT", "/api/v1/me/ballot", tokens[4], vote(planID, "agree", "agree")).wantError(409, "voting_closed")
		pub = e.do("GET", board, "", nil).want(200)
		if pub.get("result.reached") != true || pub.num("result.plan.agree") != 4 || pub.get("result.eligible") != 5.0 ||
			pub.get("plan.closed_at") == nil {
			t.Fatalf("board after closing shows the result: %s", pub.body)
		}

		e.do("POST", "/api/v1/me/objections", tokens[4], map[string]any{"reason": "我家没有收到通知"}).wantError(409, "objection_period_not_open")
		e.do("POST", fmt.Sprintf("/api/v1/projects/%d/consent/notices", es.projectID), e.staff, map[string]any{"kind": "final"}).wantError(409, "preliminary_missing")
		pre := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/consent/notices", es.projectID), e.staff, map[string]any{"kind": "preliminary"}).want(201)
		deadline, err := time.Parse(time.RFC3339, pre.str("objection_deadline"))
		if err != nil || deadline.Sub(time.Now()) < 6*24*time.Hour {
			t.Fatalf("objection deadline %v (default 7 days): %s", err, pre.body)
		}
		e.do("POST", fmt.Sprintf("/api/v1/projects/%d/consent/notices", es.projectID), e.staff, map[string]any{"kind": "preliminary"}).wantError(409, "notice_exists")
		e.do("POST", "/api/v1/me/objections", tokens[4], map[string]any{"reason": "短"}).wantError(400, "invalid_field")
		obj := e.do("POST", "/api/v1/me/objections", tokens[4], map[string]any{"reason": "我家没有收到入户通知，不知道投票时间"}).want(201)
		e.do("POST", fmt.Sprintf("/api/v1/projects/%d/consent/notices", es.projectID), e.staff, map[string]any{"kind": "final"}).wantError(409, "objection_period_running")
		list := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/objections", es.projectID), e.staff, nil).want(200).items()
		if len(list) != 1 || list[0]["room"] != b.households[4].room || list[0]["owner_masked"] != "王**" || list[0]["answer"] != nil {
			t.Fatalf("objections for staff: %v", list)
		}
		e.do("POST", fmt.Sprintf("/api/v1/objections/%d/answer", obj.id("id")), e.staff, map[string]any{"answer": "已于11月20日张贴通知并入户告知，投票结果有效。"}).want(200)
		e.do("POST", fmt.Sprintf("/api/v1/objections/%d/answer", obj.id("id")), e.staff, map[string]any{"answer": "again"}).wantError(409, "already_answered")
		mine := e.do("GET", "/api/v1/me/objections", tokens[4], nil).want(200).items()
		if len(mine) != 1 || mine[0]["answer"] == nil {
			t.Fatalf("the household sees the answer: %v", mine)
		}
		// Let the objection period pass (the clock is the database's; move the deadline back).
		if err := e.app.DB.WithContext(context.Background()).Exec("UPDATE consent_notices SET objection_deadline = ? WHERE kind = 'preliminary'",
			time.Now().UTC().Add(-time.Minute)).Error; err != nil {
			t.Fatal(err)
		}
		e.do("POST", "/api/v1/me/objections", tokens[4], map[string]any{"reason": "再提一个异议可以吗"}).wantError(409, "objection_period_closed")
		final := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/consent/notices", es.projectID), e.staff, map[string]any{"kind": "final"}).want(201)
		if final.get("result.reached") != true {
			t.Fatalf("final notice: %s", final.body)
		}
		pub = e.do("GET", board, "", nil).want(200)
		if kinds := fmt.Sprint(pub.get("notices")); !strings.Contains(kinds, "final") || !strings.Contains(kinds, "preliminary") {
			t.Fatalf("the board lists both notices: %s", pub.body)
		}
		e.do("GET", "/api/v1/public/communities/nosuchboard", "", nil).wantError(404, "community_not_found")
	})
}

// TestConsentRollExport opens the archive workbook and checks it cell by cell.
func TestConsentRollExport(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("名册", 3)
		planID := e.publishPlan(es, "方案", time.Hour)
		b := es.buildings[0]
		e.do("PUT", "/api/v1/me/ballot", e.signIn(b, b.households[0]), vote(planID, "agree", "disagree")).want(200)
		committee := e.createStaff("committee-wang", "committee", 0, es.communityID)
		e.upload(fmt.Sprintf("/api/v1/plans/%d/paper-ballots", planID), committee, "photo", "form.jpg", formPhoto(t),
			"household_id", fmt.Sprint(b.households[1].id), "plan_choice", "abstain", "management_choice", "agree").want(201)
		r := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent/roll.xlsx", es.projectID), e.staff, nil).want(200)
		if !strings.Contains(r.header.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("download name: %q", r.header.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatalf("the roll is not a workbook: %v", err)
		}
		rows, err := f.GetRows("表决名册")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 5 || !strings.Contains(rows[0][0], "名册小区") {
			t.Fatalf("title and 3 households expected: %v", rows)
		}
		want := [][]string{
			{"楼栋", "单元", "楼层", "房号", "业主", "面积(m²)", "改造方案", "物业管理模式", "方式", "时间(北京时间)", "确认方式", "录入人员"},
			{"1号楼", "1单元", "1", "101", "王**", "72.5", "同意", "不同意", "手机", "*", "手写签名", ""},
			{"1号楼", "1单元", "1", "102", "王**", "72.5", "弃权", "同意", "纸质", "*", "纸质表照片", "committee-wang"},
			{"1号楼", "1单元", "2", "201", "王**", "72.5", "未投票", "未投票"},
		}
		for i, w := range want {
			got := rows[i+1]
			for j, cell := range w {
				value := "" // excelize leaves trailing empty cells out
				if j < len(got) {
					value = got[j]
				}
				if cell == "*" {
					if _, err := time.Parse("2006-01-02 15:04:05", value); err != nil {
						t.Fatalf("row %d col %d: %q is not a time", i+2, j+1, value)
					}
					continue
				}
				if value != cell {
					t.Fatalf("row %d col %d: %q, want %q", i+2, j+1, value, cell)
				}
			}
		}
		if strings.Contains(string(r.body), "王建国") {
			t.Fatal("the roll must mask owners")
		}
	})
}

// readEvents reads server-sent tally events from a live stream.
func readEvents(t *testing.T, e *env, projectID int64) (<-chan map[string]any, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+fmt.Sprintf("/api/v1/projects/%d/consent/events", projectID), nil)
	req.Header.Set("Authorization", "Bearer "+e.staff)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	out := make(chan map[string]any, 16)
	go func() {
		defer res.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "tally":
				var m map[string]any
				if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &m) == nil {
					out <- m
				}
			}
		}
	}()
	return out, cancel
}

func nextTally(t *testing.T, ch <-chan map[string]any, voted float64) map[string]any {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-ch:
			if !ok {
				t.Fatal("the event stream ended")
			}
			if m["voted"] == voted {
				return m
			}
		case <-deadline:
			t.Fatalf("no tally with voted = %v within 10 s", voted)
		}
	}
}

// TestLiveTally: the tally stream moves while residents vote; on PostgreSQL a
// vote taken by another instance reaches it through LISTEN/NOTIFY.
func TestLiveTally(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("实时", 3)
		planID := e.publishPlan(es, "方案", time.Hour)
		b := es.buildings[0]
		events, stop := readEvents(t, e, es.projectID)
		defer stop()
		nextTally(t, events, 0)
		e.do("PUT", "/api/v1/me/ballot", e.signIn(b, b.households[0]), vote(planID, "agree", "agree")).want(200)
		if m := nextTally(t, events, 1); m["plan"].(map[string]any)["agree"] != 1.0 {
			t.Fatalf("live tally: %v", m)
		}
		if e.dialect != "postgres" {
			return
		}
		other := startServer(t, e.dialect, testConfig(t, e.dbURL))
		other.staff = e.staff
		other.do("PUT", "/api/v1/me/ballot", other.signIn(b, b.households[1]), vote(planID, "disagree", "agree")).want(200)
		if m := nextTally(t, events, 2); m["plan"].(map[string]any)["disagree"] != 1.0 {
			t.Fatalf("a vote on another instance must reach this stream: %v", m)
		}
	})
}
