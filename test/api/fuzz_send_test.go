package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// build makes the request for one slot of a route: baselines everywhere, one
// hostile value of the class in the slot.
func (f *fuzzer) build(rng *rand.Rand, r *fuzzRoute, slot string, class int) fuzzCase {
	c := fuzzCase{route: r, slot: slot, who: f.caller(rng, r, slot), header: map[string]string{}}
	kind, name, _ := strings.Cut(slot, ":")
	hostile := pick(rng, hostileText[class])
	if kind == "header" && strings.ContainsFunc(hostile, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		hostile = "k\xff" // the client refuses control characters in headers; so does the server
	}
	if kind == "path" || kind == "query" || kind == "header" || kind == "form" {
		c.value = describe(hostile)
	}
	p := r.path
	for _, prm := range r.pathParams {
		v := f.pathValue(r.path, prm)
		if kind == "path" && name == prm {
			v = hostile
		}
		p = strings.Replace(p, "{"+prm+"}", url.PathEscape(v), 1)
	}
	if kind == "query" {
		p += "?" + url.QueryEscape(name) + "=" + url.QueryEscape(hostile)
	}
	c.path = p
	if kind == "header" {
		c.header[name] = hostile
	}
	switch {
	case r.json != nil:
		c.contentType = "application/json"
		switch {
		case slot == "body":
			raw := pick(rng, hostileBodies)
			c.body, c.value = []byte(raw), describe(raw)
		case kind == "body":
			raw := pick(rng, hostileJSON[class])
			c.body, c.value = []byte(f.object(r.json, name, raw)), describe(raw)
		default:
			c.body = []byte(f.object(r.json, "", ""))
		}
	case r.form != nil:
		target := ""
		if kind == "form" {
			target = name
		}
		c.body, c.contentType = f.formBody(rng, r.form, target, hostile)
	}
	return c
}

// pathValue is an existing id or token for a path parameter.
func (f *fuzzer) pathValue(path, param string) string {
	if param == "token" {
		for prefix, v := range map[string]string{"/public/buildings/": f.ids["public/buildings"],
			"/public/communities/": f.ids["public/communities"], "/files/": f.ids["files"], "/photos/": f.ids["photos"]} {
			if strings.Contains(path, prefix) {
				return v
			}
		}
	}
	if param == "id" {
		segs := strings.Split(path, "/")
		for i, s := range segs {
			if s == "{id}" && i > 0 {
				if v, ok := f.ids[segs[i-1]]; ok {
					return v
				}
			}
		}
	}
	if v, ok := f.ids[param]; ok {
		return v
	}
	return "1"
}

// formBody is a multipart form of baselines and a valid photo in each file
// field, with target (a text or file field) hostile.
func (f *fuzzer) formBody(rng *rand.Rand, s *schema, target, hostile string) ([]byte, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, name := range s.fields() {
		if s.Properties[name].Format == "binary" {
			data, filename := f.photo, "photo.png"
			if name == target && rng.IntN(2) == 0 {
				data = pick(rng, hostileFiles)
			} else if name == target {
				filename = hostile
			}
			fw, _ := w.CreateFormFile(name, filename)
			_, _ = fw.Write(data)
			continue
		}
		v := f.known[name]
		if u, err := strconv.Unquote(v); err == nil {
			v = u
		}
		if name == target {
			v = hostile
		}
		if v != "" && v != "null" {
			_ = w.WriteField(name, v)
		}
	}
	_ = w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// send sends one request and records its status; a 5xx or a broken
// connection is a failure.
func (f *fuzzer) send(c fuzzCase) {
	f.mu.Lock()
	token := f.who[c.who][0]
	f.mu.Unlock()
	req, err := http.NewRequest(c.route.method, f.e.srv.URL+c.path, bytes.NewReader(c.body))
	if err != nil {
		f.fail(c, 0, "building the request: "+err.Error())
		return
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	f.sent.Add(1)
	start := time.Now()
	defer func() {
		f.mu.Lock()
		f.spent[c.route.method+" "+c.route.path] += time.Since(start)
		f.mu.Unlock()
	}()
	res, err := f.client.Do(req)
	if err != nil {
		f.fail(c, 0, err.Error())
		return
	}
	var body []byte
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") { // a live stream never ends
		body, _ = io.ReadAll(io.LimitReader(res.Body, 8<<20))
	}
	_ = res.Body.Close()
	f.mu.Lock()
	f.statuses[res.StatusCode]++
	f.mu.Unlock()
	if res.StatusCode >= 500 {
		f.fail(c, res.StatusCode, string(body))
	}
}

func (f *fuzzer) fail(c fuzzCase, status int, detail string) {
	if len(detail) > 300 {
		detail = detail[:300] + "…"
	}
	path := c.path
	if len(path) > 160 {
		path = path[:160] + "…"
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = append(f.failures, fuzzFailure{key: c.route.method + " " + c.route.path + " " + c.slot,
		line: fmt.Sprintf("%d %s %s as %s, %s = %s: %s", status, c.route.method, path, c.who, c.slot, c.value,
			strings.TrimSpace(detail))})
}

type fuzzFailure struct{ key, line string }

// call is a plain request for the fuzzer's own upkeep.
func (f *fuzzer) call(method, path, token string, body any) (int, map[string]any) {
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, f.e.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := f.client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// refresh keeps the identities and tokens usable: fuzzed requests may rotate
// a building's token or issue new codes, which ends the household's session.
func (f *fuzzer) refresh() {
	f.mu.Lock()
	hh, city := f.who["household"][0], f.who["city"][0]
	f.mu.Unlock()
	b1 := f.ids["buildings"]
	if st, out := f.call("GET", "/api/v1/buildings/"+b1, city, nil); st == 200 {
		if tok, ok := out["token"].(string); ok {
			f.known["building_token"], f.ids["public/buildings"] = strconv.Quote(tok), tok
		}
	}
	// A fuzzed close or a newer version ends the vote; open a new one so that
	// votes keep reaching the ballot code.
	if _, plan := f.call("GET", "/api/v1/plans/"+f.ids["plans"], city, nil); plan != nil && plan["voting_status"] != "open" {
		_, draft := f.call("POST", "/api/v1/projects/"+f.ids["projects"]+"/plans", city, planBody("模糊方案", 24*time.Hour))
		if id, ok := draft["id"].(float64); ok {
			pid := strconv.FormatInt(int64(id), 10)
			if st, _ := f.call("POST", "/api/v1/plans/"+pid+"/publish", city, nil); st == 200 {
				f.ids["plans"], f.known["plan_id"] = pid, pid
			}
		}
	}
	if st, _ := f.call("GET", "/api/v1/me", hh, nil); st == 200 {
		return
	}
	room := fmt.Sprintf("F%d", f.sent.Load())
	_, h := f.call("POST", fmt.Sprintf("/api/v1/buildings/%d/households", f.b2), city,
		map[string]any{"room": room, "entrance": "1单元", "floor": 1, "area_m2": 60})
	_, b := f.call("GET", fmt.Sprintf("/api/v1/buildings/%d", f.b2), city, nil)
	code, _ := h["code"].(string)
	tok, _ := b["token"].(string)
	if _, s := f.call("POST", "/api/v1/auth/household", "", map[string]any{"building_token": tok, "room": room, "code": code}); s != nil {
		if t, ok := s["token"].(string); ok {
			f.mu.Lock()
			f.who["household"] = []string{t}
			f.mu.Unlock()
		}
	}
}

func (f *fuzzer) report(elapsed time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	codes := make([]int, 0, len(f.statuses))
	for c := range f.statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	fives := 0
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", f.statuses[c], c))
		if c >= 500 {
			fives += f.statuses[c]
		}
	}
	sent := f.sent.Load()
	f.t.Logf("fuzz on %s: sent %d requests in %v (%.0f/s); %d answered 5xx, %d failed in all; statuses: %s",
		f.e.dialect, sent, elapsed.Round(time.Second), float64(sent)/elapsed.Seconds(), fives, len(f.failures), strings.Join(parts, " "))
	slow := make([]string, 0, len(f.spent))
	for r := range f.spent {
		slow = append(slow, r)
	}
	sort.Slice(slow, func(i, j int) bool { return f.spent[slow[i]] > f.spent[slow[j]] })
	for i := range min(5, len(slow)) {
		slow[i] = fmt.Sprintf("%s %v", slow[i], f.spent[slow[i]].Round(time.Millisecond))
	}
	f.t.Logf("most time went to: %s", strings.Join(slow[:min(5, len(slow))], "; "))
	if len(f.failures) == 0 {
		return
	}
	seen := map[string]int{}
	var first []string
	for _, l := range f.failures {
		if seen[l.key]++; seen[l.key] == 1 && len(first) < 40 {
			first = append(first, l.line)
		}
	}
	f.t.Errorf("%d of %d fuzzed requests failed (seed %d); the first of each route and place:\n%s", len(f.failures), sent,
		f.seed, strings.Join(first, "\n"))
}

// fuzzPNG is a small valid photo for upload fields.
func fuzzPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		img.Set(x, x*3/4, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
