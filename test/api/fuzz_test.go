package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestFuzzEveryRoute walks every route of the OpenAPI document and sends NUL
// bytes, numbers beyond the columns, invalid UTF-8, wrong types, deep nesting
// and huge values into every path parameter, query value, header and body
// field (from the request schemas), as staff of the right kind, as a household
// and anonymously. Any 5xx fails it. ANJU_FUZZ_REQUESTS sets the number of
// requests per database (default 2000; `make fuzz` sends 100,000),
// ANJU_FUZZ_SEED replays a run, ANJU_FUZZ_WORKERS sets the parallelism (1 makes
// the order exact).
func TestFuzzEveryRoute(t *testing.T) {
	budget := envInt(t, "ANJU_FUZZ_REQUESTS", 2000)
	workers := envInt(t, "ANJU_FUZZ_WORKERS", 4)
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("ANJU_FUZZ_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("ANJU_FUZZ_SEED=%q: %v", v, err)
		}
		seed = n
	}
	t.Logf("fuzz seed %d (replay with ANJU_FUZZ_SEED=%d), %d requests per database", seed, seed, budget)
	each(t, func(t *testing.T, e *env) {
		f := newFuzzer(t, e, seed)
		start := time.Now()
		f.run(budget, workers)
		f.report(time.Since(start))
	})
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive whole number", name, v)
	}
	return n
}

// fuzzRoute is one operation of the OpenAPI document.
type fuzzRoute struct {
	method, path, access string
	pathParams, query    []string
	headers              []string
	json                 *schema
	form                 *schema
}

// fuzzCase is one request to send.
type fuzzCase struct {
	route       *fuzzRoute
	who, slot   string
	value       string
	path        string
	contentType string
	body        []byte
	header      map[string]string
}

type fuzzer struct {
	t      *testing.T
	e      *env
	seed   uint64
	routes []*fuzzRoute
	known  map[string]string // field name → a valid raw JSON value
	ids    map[string]string // path segment before {id} → an existing id
	b2     int64             // the building whose households the fuzzer signs in with
	photo  []byte

	mu       sync.Mutex
	who      map[string][]string // identity → bearer tokens ("" for anonymous)
	statuses map[int]int
	failures []fuzzFailure
	spent    map[string]time.Duration // time spent per operation, to keep the run short
	sent     atomic.Int64
	client   *http.Client
}

func newFuzzer(t *testing.T, e *env, seed uint64) *fuzzer {
	es := e.setupEstate("模糊", 3, 2)
	planID := e.publishPlan(es, "模糊方案", 24*time.Hour)
	b1, b2 := es.buildings[0], es.buildings[1]
	hh := e.signIn(b2, b2.households[0])
	f := &fuzzer{t: t, e: e, seed: seed, b2: b2.id, photo: fuzzPNG(), statuses: map[int]int{}, spent: map[string]time.Duration{},
		client: &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("category", "quality")
	_ = w.WriteField("description", "楼道灯坏了很久没人修")
	fw, _ := w.CreateFormFile("photos", "a.png")
	_, _ = fw.Write(f.photo)
	_ = w.Close()
	complaint := e.do("POST", "/api/v1/me/complaints", hh, buf.Bytes(), "Content-Type", w.FormDataContentType()).want(201).id("id")
	key := e.do("POST", "/api/v1/api-keys", e.staff, map[string]any{"name": "模糊热线"}).want(201)
	community := e.do("GET", fmt.Sprintf("/api/v1/communities/%d", es.communityID), e.staff, nil).want(200)
	board, _ := community.get("public_token").(string)
	f.who = map[string][]string{
		"city": {e.staff}, "anonymous": {""}, "household": {hh},
		"district":  {e.createStaff("fz-district", "district", es.districtID, 0)},
		"committee": {e.createStaff("fz-committee", "committee", es.districtID, es.communityID)},
	}
	q := strconv.Quote
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	today := time.Now().UTC().Format(time.DateOnly)
	f.ids = map[string]string{"projects": id(es.projectID), "communities": id(es.communityID), "buildings": id(b1.id),
		"districts": id(es.districtID), "plans": id(planID), "households": id(b1.households[1].id),
		"complaints": id(complaint), "api-keys": id(key.id("id")), "requests": id(complaint) + ".json",
		"attachment_id": "1", "n": "2", "year": "2026", "public/buildings": b1.token, "public/communities": board,
		"files": b1.token, "photos": b1.token}
	f.known = map[string]string{
		"building_token": q(b1.token), "room": q(b1.households[0].room), "code": `"AAAAAAAA"`, "entrance": `"1单元"`,
		"username": `"fz-nobody"`, "password": `"wrong-password"`, "plan_id": id(planID), "plan_choice": `"agree"`,
		"management_choice": `"agree"`, "signature": q(signature), "household_id": id(b1.households[1].id),
		"household_ids": "[" + id(b1.households[1].id) + "]", "complaint_id": id(complaint), "district_id": id(es.districtID),
		"community_id": id(es.communityID), "scope_building_id": id(b1.id), "building_id": id(b1.id), "year": "2026",
		"built_year": "1990", "floor": "3", "area_m2": "60.5", "owner_phone": `"13812345678"`, "owner_name": `"王建国"`,
		"name": `"模糊测试"`, "management_mode": `"professional"`, "consent_rule": `"households-80"`, "threshold_percent": "80",
		"objection_days": "7", "catalog_code": `"01"`, "catalog_codes": `["01"]`, "category": `"quality"`, "to": `"assigned"`,
		"kind": `"preliminary"`, "method": `"door"`, "inspected_on": q(today), "visited_on": q(today), "confirmed_on": q(today),
		"deadline": q(time.Now().UTC().AddDate(0, 1, 0).Format(time.DateOnly)), "role": `"committee"`, "passed": "true",
		"overall": "5", "quality": "5", "civilised": "5", "timeliness": "5", "communication": "5", "source": `"central"`,
		"amount_yuan": "100", "budget_yuan": "100", "budget_total_yuan": "100", "description": `"屋顶漏水需要修理"`,
		"reason": `"测试用的理由"`, "note": `"备注"`, "answer": `"已答复"`, "replaces": "null", "warranty": `"false"`,
		"month": q(time.Now().UTC().Format("2006-01")), "as_of": q(today), "api_key": `"x"`, "service_code": `"quality"`,
		"address_id": q(id(b1.id)), "title": `"方案"`, "summary": `"摘要"`, "person": `"张三"`, "text": `"进展"`,
		"author": `"施工方"`, "phone": `"13812345678"`,
	}
	f.routes = readRoutes(t, e)
	return f
}

// readRoutes reads the operations from the server's own OpenAPI document.
func readRoutes(t *testing.T, e *env) []*fuzzRoute {
	raw, err := json.Marshal(e.app.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Access     string `json:"x-access"`
			Parameters []struct {
				Name, In string
			} `json:"parameters"`
			RequestBody *struct {
				Content map[string]struct {
					Schema *schema `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var out []*fuzzRoute
	for path, ops := range doc.Paths {
		for method, op := range ops {
			r := &fuzzRoute{method: strings.ToUpper(method), path: path, access: op.Access}
			for _, p := range op.Parameters {
				switch p.In {
				case "path":
					r.pathParams = append(r.pathParams, p.Name)
				case "query":
					r.query = append(r.query, p.Name)
				case "header":
					r.headers = append(r.headers, p.Name)
				}
			}
			if op.RequestBody != nil {
				r.json = op.RequestBody.Content["application/json"].Schema
				r.form = op.RequestBody.Content["multipart/form-data"].Schema
			}
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].method+out[i].path < out[j].method+out[j].path })
	if len(out) < 100 {
		t.Fatalf("the OpenAPI document lists only %d operations", len(out))
	}
	return out
}

// slots are the places of a route the fuzzer puts a hostile value into;
// "who" sends it as is, only varying the caller.
func (r *fuzzRoute) slots() []string {
	out := []string{"who"}
	for _, p := range r.pathParams {
		out = append(out, "path:"+p)
	}
	for _, q := range r.query {
		out = append(out, "query:"+q)
	}
	for _, h := range r.headers {
		out = append(out, "header:"+h)
	}
	if r.json != nil {
		out = append(out, "body")
		for _, f := range bodySlots(r.json) {
			out = append(out, "body:"+f)
		}
	}
	if r.form != nil {
		for _, name := range r.form.fields() {
			out = append(out, "form:"+name)
		}
	}
	return out
}

// run sends budget requests from workers in parallel: round after round over
// every slot of every route, in an order drawn from the seed, each round with
// the next class of hostile values.
func (f *fuzzer) run(budget, workers int) {
	type slot struct {
		r    *fuzzRoute
		name string
	}
	var all []slot
	for _, r := range f.routes {
		for _, s := range r.slots() {
			all = append(all, slot{r, s})
		}
	}
	f.t.Logf("%d operations, %d places to fuzz", len(f.routes), len(all))
	rng := rand.New(rand.NewPCG(f.seed, 0x616e6a75))
	cases := make(chan fuzzCase, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range cases {
				f.send(c)
			}
		}()
	}
	for n, round := 0, 0; n < budget; round++ {
		rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		for _, s := range all {
			if n == budget {
				break
			}
			if n%250 == 0 {
				f.refresh()
			}
			if budget >= 10000 && n > 0 && n%(budget/10) == 0 {
				f.mu.Lock()
				f.t.Logf("%d of %d sent, %d failed so far", n, budget, len(f.failures))
				f.mu.Unlock()
			}
			cases <- f.build(rng, s.r, s.name, round%classes)
			n++
		}
	}
	close(cases)
	wg.Wait()
}

// caller picks an identity: mostly the route's own kind, else any.
func (f *fuzzer) caller(rng *rand.Rand, r *fuzzRoute, slot string) string {
	own := map[string][]string{"public": {"anonymous", "household", "city"}, "household": {"household"},
		"household-claim": {"household"}, "staff": {"city", "district", "committee"}, "manager": {"city", "district"}, "city": {"city"}}[r.access]
	if slot == "who" || rng.IntN(10) < 2 || len(own) == 0 {
		return pick(rng, []string{"anonymous", "household", "city", "district", "committee"})
	}
	return pick(rng, own)
}
