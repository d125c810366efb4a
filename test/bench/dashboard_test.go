//go:build bench

// Package bench_test times the city dashboard on a city-sized PostgreSQL
// database: 11 districts, 2,000 projects and 500,000 households with stages,
// dates, votes, complaints and ratings, generated with COPY. It is built only
// with the bench tag (make bench), so the ordinary test run neither runs nor
// skips it.
package bench_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib"

	"anju/server/app"
	"anju/server/auth"
	"anju/server/config"
	"anju/server/store/storetest"
	"anju/server/tlog"
	"anju/server/votelog"
)

// logID is a generated plan's log id, clear of the logs (and, below, the
// leaves: 10,000,000 on) the server makes itself at start (the audit log).
func logID(planID int64) int64 { return 1_000_000 + planID }

// sigSHA stands for the SHA-256 of a signature image in generated leaves.
var sigSHA = strings.Repeat("5f", 32)

const (
	districtCount  = 11
	projectCount   = 2000
	householdTotal = 500_000
	runs           = 20
)

var districtNames = []string{"驿城区", "经济开发区", "遂平县", "西平县", "上蔡县", "汝南县", "平舆县", "正阳县", "确山县", "泌阳县", "新蔡县"}

func TestDashboardLoad(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Fatal("the dashboard benchmark needs TEST_DATABASE_URL naming a PostgreSQL database (make bench sets it)")
	}
	ctx := context.Background()
	dbURL := freshSchema(t, base)
	a, srv := startAnju(t, dbURL, nil)

	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	began := time.Now()
	now := time.Now().UTC()
	g := generate(now)
	for _, tb := range g.tables() {
		n, err := conn.CopyFrom(ctx, pgx.Identifier{tb.name}, tb.cols, pgx.CopyFromRows(tb.rows))
		if err != nil {
			t.Fatalf("copy %s: %v", tb.name, err)
		}
		t.Logf("%-16s %8d rows", tb.name, n)
	}
	// What autovacuum would have done on a live database: statistics and the
	// visibility map that index-only scans rely on.
	if _, err := conn.Exec(ctx, "VACUUM (ANALYZE)"); err != nil {
		t.Fatal(err)
	}
	t.Logf("generated in %s", time.Since(began).Round(100*time.Millisecond))

	city := login(t, srv.URL, "bench-city")
	if _, err := a.Staffs.Create(ctx, nil, auth.NewStaff{Username: "bench-district", Password: "bench-district-password",
		Role: auth.RoleDistrict, DistrictID: 1}); err != nil {
		t.Fatal(err)
	}
	district := login(t, srv.URL, "bench-district")
	path := fmt.Sprintf("/api/v1/dashboard?year=%d", now.Year())
	var d struct {
		Districts []struct {
			StartedHouseholds int `json:"started_households"`
		} `json:"districts"`
		Consent struct{ Projects, Reached int } `json:"consent"`
	}
	if err := json.Unmarshal(get(t, srv.URL+path, city), &d); err != nil || len(d.Districts) != districtCount || d.Consent.Projects != projectCount {
		t.Fatalf("dashboard answer: %+v (%v)", d, err)
	}
	t.Logf("dashboard: %d districts, %d projects, %d with consent reached", len(d.Districts), d.Consent.Projects, d.Consent.Reached)
	for _, who := range []struct{ name, token string }{{"city", city}, {"district", district}} {
		p50, p95, max := timeIt(t, srv.URL+path, who.token)
		fmt.Printf("GET %s as %s staff, %d runs on PostgreSQL: p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", path, who.name, runs, p50, p95, max)
	}
	p50, p95, max := timeIt(t, srv.URL+fmt.Sprintf("/api/v1/reports/monthly.xlsx?month=%s", now.Format("2006-01")), city)
	fmt.Printf("GET monthly.xlsx (all districts, %d projects) as city staff: p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", projectCount, p50, p95, max)
}

// timeIt warms up, then times runs sequential requests: p50, p95 and max in ms.
func timeIt(t *testing.T, u, token string) (p50, p95, max float64) {
	for i := 0; i < 3; i++ {
		get(t, u, token)
	}
	var ms []float64
	for i := 0; i < runs; i++ {
		start := time.Now()
		get(t, u, token)
		ms = append(ms, float64(time.Since(start).Microseconds())/1000)
	}
	sort.Float64s(ms)
	at := func(q float64) float64 { return ms[int(math.Ceil(q*float64(len(ms))))-1] }
	return at(0.5), at(0.95), ms[len(ms)-1]
}

func get(t *testing.T, u, token string) []byte {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, res.StatusCode, body)
	}
	return body
}

func login(t *testing.T, base, user string) string {
	res, err := http.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, user, user+"-password")))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("login %s: %d %v", user, res.StatusCode, err)
	}
	return out.Token
}

// startAnju starts Anju on dbURL (a fresh schema), with tune's changes to
// the configuration, and a city staff member "bench-city".
func startAnju(t *testing.T, dbURL string, tune func(*config.Config)) (*app.App, *httptest.Server) {
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.FilesDir, cfg.PublicURL, cfg.JWTSecret = dbURL, t.TempDir(), "https://anju.example.cn", ""
	if tune != nil {
		tune(&cfg)
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Echo)
	t.Cleanup(func() { srv.Close(); _ = a.Close() })
	if _, err := a.Staffs.Create(context.Background(), nil, auth.NewStaff{Username: "bench-city", Password: "bench-city-password",
		Role: auth.RoleCity}); err != nil {
		t.Fatal(err)
	}
	return a, srv
}

// freshSchema makes a schema of its own and returns the URL that uses it; it
// is dropped afterwards unless ANJU_TEST_KEEP_SCHEMA is set.
func freshSchema(t *testing.T, base string) string { return storetest.PostgresURL(t, base) }

// city is the generated data, row by row, in COPY order.
type city struct {
	districts, targets, communities, buildings, households [][]any
	projects, plans, ballots, complaints, ratings          [][]any
	logs, leaves                                           [][]any
}

type table struct {
	name string
	cols []string
	rows [][]any
}

func (c *city) tables() []table {
	return []table{
		{"districts", []string{"id", "name", "created_at"}, c.districts},
		{"district_targets", []string{"district_id", "year", "start_households", "complete_households", "continuing_households", "updated_at"}, c.targets},
		{"communities", []string{"id", "district_id", "name", "address", "built_year", "created_at"}, c.communities},
		{"buildings", []string{"id", "community_id", "name", "token", "created_at"}, c.buildings},
		{"households", []string{"id", "building_id", "entrance", "room", "floor", "area_centi", "code_hash", "code_issued_at", "created_at"}, c.households},
		{"projects", []string{"id", "community_id", "year", "kind", "stage", "ledger_households", "started_on", "accepted_on", "created_at"}, c.projects},
		{"plans", []string{"id", "project_id", "version", "status", "title", "management_mode", "voting_opens_at", "voting_closes_at",
			"published_at", "closed_at", "created_at", "updated_at"}, c.plans},
		{"ballots", []string{"plan_id", "household_id", "revision", "plan_choice", "management_choice", "channel", "recorded_at", "created_at"}, c.ballots},
		// The count comes from the plans' logs (issue 10): one leaf per vote.
		{"tlog_logs", []string{"id", "subject", "origin", "created_at"}, c.logs},
		{"tlog_leaves", []string{"id", "log_id", "ref", "leaf", "leaf_hash", "appended_at"}, c.leaves},
		{"complaints", []string{"project_id", "community_id", "district_id", "building_id", "household_id", "source", "category",
			"description", "status", "deadline", "created_at", "updated_at"}, c.complaints},
		{"ratings", []string{"project_id", "household_id", "overall", "quality", "civilised", "timeliness", "communication", "created_at", "updated_at"}, c.ratings},
	}
}

var stageShare = []struct {
	stage string
	upTo  float64
}{{"survey", 0.08}, {"mobilization", 0.18}, {"planning", 0.40}, {"construction", 0.75}, {"acceptance", 0.85}, {"handed_over", 1}}

// generate builds a plausible city as of now: every project in now's year,
// 15 % continuing from the year before; stages, dates, votes, complaints and
// ratings follow the stage.
func generate(now time.Time) *city {
	r := mrand.New(mrand.NewPCG(2026, 5))
	c := &city{}
	year := now.Year()
	jan1 := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	today := now.Truncate(24 * time.Hour)
	elapsed := int(today.Sub(jan1).Hours()/24) + 1
	dayIn := func(from time.Time, days int) time.Time {
		return from.AddDate(0, 0, r.IntN(max(days, 1)))
	}
	for i := 0; i < districtCount; i++ {
		c.districts = append(c.districts, []any{int64(i + 1), districtNames[i], jan1})
	}
	// Households per community: 100–400, scaled to the total.
	sizes := make([]int, projectCount)
	sum := 0
	for i := range sizes {
		sizes[i] = 100 + r.IntN(301)
		sum += sizes[i]
	}
	left := householdTotal
	for i := range sizes {
		sizes[i] = sizes[i] * householdTotal / sum
		left -= sizes[i]
	}
	sizes[0] += left
	newHH, contHH := make([]int, districtCount), make([]int, districtCount)
	var hid, bid, planID int64
	for i := 0; i < projectCount; i++ {
		cid, district := int64(i+1), int64(1+i%districtCount)
		c.communities = append(c.communities, []any{cid, district, fmt.Sprintf("小区%04d", i+1), fmt.Sprintf("建设路%d号", i+1), int32(1975 + r.IntN(24)), jan1})
		var rollIDs, rollBuildings []int64
		for n, b := 0, 1; n < sizes[i]; b++ {
			bid++
			c.buildings = append(c.buildings, []any{bid, cid, fmt.Sprintf("%d号楼", b), fmt.Sprintf("bench%09d", bid), jan1})
			for k := 0; k < 24 && n < sizes[i]; k, n = k+1, n+1 {
				hid++
				c.households = append(c.households, []any{hid, bid, fmt.Sprintf("%d单元", k/12+1), fmt.Sprintf("%d%02d", k%12/2+1, k%2+1),
					int32(k%12/2 + 1), int64(6000 + r.IntN(4000)), "bench", jan1, jan1})
				rollIDs, rollBuildings = append(rollIDs, hid), append(rollBuildings, bid)
			}
		}
		// The project.
		kind, stage := "new", ""
		var started, accepted any
		if r.Float64() < 0.15 {
			kind = "continuing"
			s := dayIn(jan1.AddDate(-1, 2, 0), 240)
			started = s
			stage = "construction"
			if r.Float64() < 0.85 {
				acc := dayIn(jan1, min(elapsed, 181))
				accepted, stage = acc, "handed_over"
			}
			contHH[district-1] += sizes[i]
		} else {
			x := r.Float64()
			for _, s := range stageShare {
				if x < s.upTo {
					stage = s.stage
					break
				}
			}
			newHH[district-1] += sizes[i]
			if stage == "construction" || stage == "acceptance" || stage == "handed_over" {
				s := dayIn(jan1, elapsed*2/3)
				started = s
				if stage == "handed_over" || (stage == "acceptance" && r.Float64() < 0.5) {
					accepted = s.AddDate(0, 0, r.IntN(max(int(today.Sub(s).Hours()/24), 1)))
				}
			}
		}
		var ledger any
		if r.Float64() < 0.9 || started != nil {
			ledger = int32(sizes[i])
		}
		c.projects = append(c.projects, []any{cid, cid, int32(year), kind, stage, ledger, started, accepted, jan1})

		// Its published plan and the votes on it.
		if stage == "survey" || stage == "mobilization" {
			continue
		}
		planID++
		opens := dayIn(jan1, elapsed/2)
		if kind == "continuing" {
			opens = jan1.AddDate(-1, 1, 0)
		}
		closes := opens.AddDate(0, 0, 30)
		turnout, agree := 0.92+r.Float64()*0.08, 0.96 // it started: the vote passed
		if stage == "planning" {
			closes = today.AddDate(0, 0, r.IntN(40)-10)
			turnout, agree = 0.4+r.Float64()*0.55, 0.75+r.Float64()*0.2
		}
		c.plans = append(c.plans, []any{planID, cid, int32(1), "published", "改造方案", "professional", opens, closes, opens, nil, opens, opens})
		c.logs = append(c.logs, []any{logID(planID), fmt.Sprintf("plan/%d", planID), fmt.Sprintf("anju.example.cn/plans/%d", planID), opens})
		for _, h := range rollIDs {
			if r.Float64() >= turnout {
				continue
			}
			plan, mgmt := "agree", "agree"
			if r.Float64() >= agree {
				plan = "disagree"
			}
			if r.Float64() >= agree {
				mgmt = "abstain"
			}
			at := opens.Add(time.Duration(r.IntN(30*24)) * time.Hour)
			c.ballots = append(c.ballots, []any{planID, h, int32(1), plan, mgmt, "online", at, at})
			leaf := votelog.Encode(&votelog.Vote{PlanID: planID, HouseholdID: h, Revision: 1, PlanChoice: plan,
				ManagementChoice: mgmt, Channel: "online", SignatureSHA256: sigSHA, RecordedAt: at})
			c.leaves = append(c.leaves, []any{10_000_000 + int64(len(c.leaves)), logID(planID), h, leaf, tlog.LeafHash(leaf), at})
		}
		// Complaints once work has started, ratings once accepted.
		if started == nil {
			continue
		}
		for n := r.IntN(31); n > 0; n-- {
			k := r.IntN(len(rollIDs))
			at := dayIn(jan1, elapsed).Add(time.Duration(r.IntN(24)) * time.Hour)
			status, deadline := "closed", any(at.AddDate(0, 0, 7))
			switch x := r.Float64(); {
			case x < 0.1:
				status = "rejected"
			case x < 0.25:
				status, deadline = "assigned", at.AddDate(0, 0, 7)
			case x < 0.3:
				status = "submitted"
			}
			c.complaints = append(c.complaints, []any{cid, cid, district, rollBuildings[k], rollIDs[k], "resident", "quality",
				"楼道墙面开裂", status, deadline, at, at})
		}
		if accepted == nil {
			continue
		}
		for _, h := range rollIDs {
			if r.Float64() < 0.4 {
				o := 2 + r.IntN(4)
				c.ratings = append(c.ratings, []any{cid, h, int32(o), int32(o), int32(4), int32(4), int32(4), today, today})
			}
		}
	}
	for d := 0; d < districtCount; d++ {
		start := newHH[d] * 21 / 20
		c.targets = append(c.targets, []any{int64(d + 1), int32(year), int32(start), int32(start * 7 / 10), int32(contHH[d]), jan1})
	}
	return c
}
