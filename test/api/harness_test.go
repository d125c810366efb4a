// Package api_test drives Anju through its HTTP API, as a client would, on a
// fresh database per scenario. Every scenario runs on SQLite and, when
// TEST_DATABASE_URL names a PostgreSQL database, on PostgreSQL too (each run in
// its own schema, dropped afterwards).
package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"anju/server/app"
	"anju/server/auth"
	"anju/server/config"
	"anju/server/store/storetest"
	"anju/test/fixture"
)

// dialects lists the databases every scenario runs on.
func dialects(t *testing.T) []string {
	d := []string{"sqlite"}
	if os.Getenv("TEST_DATABASE_URL") != "" {
		d = append(d, "postgres")
	}
	return d
}

// each runs fn once per database, each on a fresh one.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			fn(t, newEnv(t, d, nil))
		})
	}
}

// env is a running server on a fresh database.
type env struct {
	t       *testing.T
	app     *app.App
	srv     *httptest.Server
	dialect string
	dbURL   string
	staff   string // a city admin's token
}

// freshDatabase returns a database URL nobody else uses.
func freshDatabase(t *testing.T, dialect string) string {
	t.Helper()
	if dialect == "sqlite" {
		return filepath.Join(t.TempDir(), "anju.db")
	}
	return storetest.PostgresURL(t, os.Getenv("TEST_DATABASE_URL"))
}

func testConfig(t *testing.T, dbURL string) config.Config {
	cfg := config.Defaults()
	cfg.DatabaseURL = dbURL
	cfg.FilesDir = t.TempDir()
	cfg.PublicURL = "https://anju.example.cn"
	cfg.LoginRatePerMinute = 100000
	cfg.JWTSecret = ""
	return cfg
}

func newEnv(t *testing.T, dialect string, tweak func(*config.Config)) *env {
	t.Helper()
	cfg := testConfig(t, freshDatabase(t, dialect))
	if tweak != nil {
		tweak(&cfg)
	}
	return startEnv(t, dialect, cfg)
}

// startEnv starts a server and signs in a city admin it creates.
func startEnv(t *testing.T, dialect string, cfg config.Config) *env {
	t.Helper()
	e := startServer(t, dialect, cfg)
	e.staff = e.createStaff("admin", "city", 0, 0)
	return e
}

// logBuffer collects the server's log lines for a test to read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) lines() []string { return strings.Split(strings.TrimSpace(l.String()), "\n") }

// startLogged starts a server on cfg's database like startServer, logging
// everything from debug up into the returned buffer.
func startLogged(t *testing.T, dialect string, cfg config.Config) (*env, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatalf("start app: %v", err)
	}
	srv := httptest.NewServer(a.Echo)
	t.Cleanup(func() {
		srv.Close()
		_ = a.Close()
	})
	return &env{t: t, app: a, srv: srv, dialect: dialect, dbURL: cfg.DatabaseURL}, logs
}

// startServer starts a server on cfg's database.
func startServer(t *testing.T, dialect string, cfg config.Config) *env {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	a, err := app.New(context.Background(), cfg, log)
	if err != nil {
		t.Fatalf("start app: %v", err)
	}
	srv := httptest.NewServer(a.Echo)
	t.Cleanup(func() {
		srv.Close()
		_ = a.Close()
	})
	return &env{t: t, app: a, srv: srv, dialect: dialect, dbURL: cfg.DatabaseURL}
}

// createStaff makes an account the way the command line does and signs it in.
func (e *env) createStaff(username, role string, districtID, communityID int64) string {
	e.t.Helper()
	_, err := e.app.Staffs.Create(context.Background(), nil, staffReq(username, role, districtID, communityID))
	if err != nil {
		e.t.Fatalf("create staff %s: %v", username, err)
	}
	r := e.do("POST", "/api/v1/auth/login", "", map[string]any{"username": username, "password": username + "-password"})
	r.want(200)
	return r.str("token")
}

// resp is an HTTP answer.
type resp struct {
	t      *testing.T
	req    string
	status int
	header http.Header
	body   []byte
	json   map[string]any
	list   []any // Open311 answers are arrays
}

func (r *resp) want(status int) *resp {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("%s: status %d, want %d; body %s", r.req, r.status, status, r.body)
	}
	return r
}

// wantError checks the status and the error envelope's code.
func (r *resp) wantError(status int, code string) *resp {
	r.t.Helper()
	r.want(status)
	e, _ := r.json["error"].(map[string]any)
	if e == nil || e["code"] != code || e["message"] == "" {
		r.t.Fatalf("%s: want error code %q with a message, got %s", r.req, code, r.body)
	}
	return r
}

func (r *resp) errorCode() string {
	e, _ := r.json["error"].(map[string]any)
	if e == nil {
		return ""
	}
	s, _ := e["code"].(string)
	return s
}

func (r *resp) get(path string) any {
	var v any = r.json
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			r.t.Fatalf("%s: %s is not an object in %s", r.req, path, r.body)
		}
		v = m[k]
	}
	return v
}

func (r *resp) str(path string) string {
	r.t.Helper()
	s, ok := r.get(path).(string)
	if !ok {
		r.t.Fatalf("%s: %s is not a string in %s", r.req, path, r.body)
	}
	return s
}

func (r *resp) num(path string) float64 {
	r.t.Helper()
	n, ok := r.get(path).(float64)
	if !ok {
		r.t.Fatalf("%s: %s is not a number in %s", r.req, path, r.body)
	}
	return n
}

func (r *resp) id(path string) int64 { return int64(r.num(path)) }

func (r *resp) items() []map[string]any {
	r.t.Helper()
	raw, ok := r.json["items"].([]any)
	if !ok {
		r.t.Fatalf("%s: no items list in %s", r.req, r.body)
	}
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i], _ = v.(map[string]any)
	}
	return out
}

// do sends a request; body is JSON-encoded unless it is a string or []byte.
func (e *env) do(method, path, token string, body any, headers ...string) *resp {
	e.t.Helper()
	var rd io.Reader
	var sent []byte // a JSON body, for checkAnswer
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
		sent = []byte(b)
	case []byte:
		rd = bytes.NewReader(b)
		sent = b
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
		sent = raw
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := &resp{t: e.t, req: method + " " + path, status: res.StatusCode, header: res.Header, body: raw}
	e.checkAnswer(e.t, method, path, sent, res.StatusCode, res.Header, raw)
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if strings.HasPrefix(path, "/open311/") && bytes.HasPrefix(raw, []byte("[")) {
			if err := json.Unmarshal(raw, &r.list); err != nil {
				e.t.Fatalf("%s: answer is not a JSON array: %s", r.req, raw)
			}
		} else if err := json.Unmarshal(raw, &r.json); err != nil {
			e.t.Fatalf("%s: answer is not a JSON object: %s", r.req, raw)
		}
	}
	if r.status >= 500 {
		e.t.Fatalf("%s: server error %d: %s", r.req, r.status, raw)
	}
	return r
}

// estate is a community set up through the API.
type estate struct {
	districtID, communityID, projectID int64
	buildings                          []building
}

type building struct {
	id         int64
	token      string
	households []household
}

type household struct {
	id   int64
	room string
	code string
}

// setupEstate registers a district, a community with buildings of n
// households each, and a project, all through the API.
func (e *env) setupEstate(name string, perBuilding ...int) *estate {
	e.t.Helper()
	es := &estate{}
	es.districtID = e.do("POST", "/api/v1/districts", e.staff, map[string]any{"name": name + "区"}).want(201).id("id")
	es.communityID = e.do("POST", "/api/v1/communities", e.staff, map[string]any{
		"district_id": es.districtID, "name": name + "小区", "address": name + "路1号", "built_year": 1990}).want(201).id("id")
	for i, n := range perBuilding {
		r := e.do("POST", fmt.Sprintf("/api/v1/communities/%d/buildings", es.communityID), e.staff,
			map[string]any{"name": fmt.Sprintf("%d号楼", i+1)}).want(201)
		b := building{id: r.id("id"), token: r.str("token")}
		for j := 0; j < n; j++ {
			room := fmt.Sprintf("%d%02d", j/2+1, j%2+1)
			h := e.do("POST", fmt.Sprintf("/api/v1/buildings/%d/households", b.id), e.staff, map[string]any{
				"room": room, "entrance": "1单元", "floor": j/2 + 1, "area_m2": 72.5,
				"owner_name": "王建国", "owner_phone": "13812345678"}).want(201)
			b.households = append(b.households, household{id: h.id("id"), room: room, code: h.str("code")})
		}
		es.buildings = append(es.buildings, b)
	}
	es.projectID = e.do("POST", fmt.Sprintf("/api/v1/communities/%d/projects", es.communityID), e.staff,
		map[string]any{"year": 2026}).want(201).id("id")
	return es
}

// planBody is a valid plan closing in d.
func planBody(title string, closesIn time.Duration) map[string]any {
	return map[string]any{
		"title": title, "summary": "屋顶防水和楼道照明", "management_mode": "professional",
		"management_description": "公开选聘物业", "budget_total_yuan": 100000.5,
		"funding": []map[string]any{{"source": "central", "amount_yuan": 80000}, {"source": "residents", "amount_yuan": 20000.5}},
		"items": []map[string]any{
			{"catalog_code": "01", "description": "屋顶防水翻新", "quantity": "800 m²", "budget_yuan": 60000},
			{"catalog_code": "14", "description": "楼道声光控灯"},
		},
		"voting_closes_at": time.Now().UTC().Add(closesIn).Format(time.RFC3339),
	}
}

// publishPlan drafts and publishes a plan for the estate's project.
func (e *env) publishPlan(es *estate, title string, closesIn time.Duration) int64 {
	e.t.Helper()
	id := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/plans", es.projectID), e.staff, planBody(title, closesIn)).want(201).id("id")
	e.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", id), e.staff, nil).want(200)
	return id
}

// signIn signs a household in and returns its token.
func (e *env) signIn(b building, h household) string {
	e.t.Helper()
	return e.do("POST", "/api/v1/auth/household", "", map[string]any{
		"building_token": b.token, "room": h.room, "code": h.code}).want(200).str("token")
}

// signature is fixture.Signature, a valid one.
var signature = fixture.Signature

func staffReq(username, role string, districtID, communityID int64) auth.NewStaff {
	return auth.NewStaff{Username: username, Password: username + "-password", Role: role,
		DistrictID: districtID, CommunityID: communityID}
}

func vote(planID int64, plan, mgmt string, replaces ...any) map[string]any {
	b := map[string]any{"plan_id": planID, "plan_choice": plan, "management_choice": mgmt, "signature": signature}
	if len(replaces) > 0 {
		b["replaces"] = replaces[0]
	}
	return b
}

func blankSignature() string { return fixture.BlankSignature }
