//go:build bench

package bench_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"anju/test/fixture"
)

// client calls Anju's API during a benchmark's setup and checks, as staff
// would: the benchmark may not import test/api, so these are its few calls.
type client struct {
	t     *testing.T
	base  string
	staff string // a city staff member's token
}

// call sends body as JSON and fails the test unless the answer is want; it
// returns the decoded JSON object.
func (c *client) call(method, path, token string, body any, want int) map[string]any {
	c.t.Helper()
	out, err := c.try(method, path, token, body, want)
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

// try is call for goroutines, which may not end the test themselves.
func (c *client) try(method, path, token string, body any, want int) (map[string]any, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		return nil, fmt.Errorf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("%s %s: answer is not a JSON object: %s", method, path, raw)
	}
	return out, nil
}

// num reads a number field of an answer.
func num(t *testing.T, m map[string]any, key string) int64 {
	t.Helper()
	n, ok := m[key].(float64)
	if !ok {
		t.Fatalf("no number %q in %v", key, m)
	}
	return int64(n)
}

// str reads a string field of an answer.
func str(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	s, ok := m[key].(string)
	if !ok {
		t.Fatalf("no string %q in %v", key, m)
	}
	return s
}

// household is one signed-in household of a community.
type household struct {
	id    int64
	token string
}

// community is a community with one building, a project and its published plan.
type community struct {
	projectID, planID int64
	households        []household
}

// newCommunity registers a community of n households in one building of the
// district, with a project and a plan open for votes for 48 hours, and
// signs every household in.
func (c *client) newCommunity(districtID int64, name string, n int) *community {
	c.t.Helper()
	cid := num(c.t, c.call("POST", "/api/v1/communities", c.staff, map[string]any{
		"district_id": districtID, "name": name + "小区", "address": name + "路1号", "built_year": 1990}, 201), "id")
	b := c.call("POST", fmt.Sprintf("/api/v1/communities/%d/buildings", cid), c.staff, map[string]any{"name": "1号楼"}, 201)
	bid, buildingToken := num(c.t, b, "id"), str(c.t, b, "token")
	type registered struct {
		id         int64
		room, code string
	}
	var regs []registered
	for j := 0; j < n; j++ {
		room := fmt.Sprintf("%d%02d", j/2+1, j%2+1)
		h := c.call("POST", fmt.Sprintf("/api/v1/buildings/%d/households", bid), c.staff, map[string]any{
			"room": room, "entrance": "1单元", "floor": j/2 + 1, "area_m2": 72.5,
			"owner_name": "王建国", "owner_phone": "13812345678"}, 201)
		regs = append(regs, registered{id: num(c.t, h, "id"), room: room, code: str(c.t, h, "code")})
	}
	com := &community{households: make([]household, n)}
	com.projectID = num(c.t, c.call("POST", fmt.Sprintf("/api/v1/communities/%d/projects", cid), c.staff,
		map[string]any{"year": 2026}, 201), "id")
	com.planID = num(c.t, c.call("POST", fmt.Sprintf("/api/v1/projects/%d/plans", com.projectID), c.staff, planBody(name), 201), "id")
	c.call("POST", fmt.Sprintf("/api/v1/plans/%d/publish", com.planID), c.staff, nil, 200)
	// Sign-in hashes the code with argon2id (about 15 ms of CPU): two at a
	// time keep both cores busy without starving the database.
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	errs := make([]error, len(regs))
	for j, r := range regs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out, err := c.try("POST", "/api/v1/auth/household", "", map[string]any{
				"building_token": buildingToken, "room": r.room, "code": r.code}, 200)
			tok, _ := out["token"].(string)
			if err == nil && tok == "" {
				err = fmt.Errorf("household sign-in answered no token: %v", out)
			}
			com.households[j], errs[j] = household{id: r.id, token: tok}, err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		c.t.Fatal(err)
	}
	return com
}

// planBody is a valid plan whose vote closes in 48 hours.
func planBody(title string) map[string]any {
	return map[string]any{
		"title": title + "改造方案", "summary": "屋顶防水和楼道照明", "management_mode": "professional",
		"management_description": "公开选聘物业", "budget_total_yuan": 100000.5,
		"funding": []map[string]any{{"source": "central", "amount_yuan": 80000}, {"source": "residents", "amount_yuan": 20000.5}},
		"items": []map[string]any{
			{"catalog_code": "01", "description": "屋顶防水翻新", "quantity": "800 m²", "budget_yuan": 60000},
			{"catalog_code": "14", "description": "楼道声光控灯"},
		},
		"voting_closes_at": time.Now().UTC().Add(48 * time.Hour).Format(time.RFC3339),
	}
}

// signature is fixture.Signature, a valid one.
var signature = fixture.Signature
