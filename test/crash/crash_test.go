// Package crash_test kills the server with SIGKILL while households vote, on
// SQLite and PostgreSQL, and checks what a court would ask (issue 10): no
// acknowledged vote is lost, a vote retried with its Idempotency-Key after
// the crash is never counted twice, every revision is a leaf of the plan's
// log, the log verifies, and every checkpoint a phone held before a crash is
// consistent with the log after it.
package crash_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"anju/server/store/storetest"
	"anju/test/testbin"
)

const (
	households = 12
	rounds     = 5
)

func TestKillNineLosesNoAcknowledgedVote(t *testing.T) {
	dir := t.TempDir()
	bin := testbin.Build(t, dir, filepath.Join("..", ".."))
	t.Run("sqlite", func(t *testing.T) { crashRounds(t, bin, filepath.Join(t.TempDir(), "anju.db")) })
	if base := os.Getenv("TEST_DATABASE_URL"); base != "" {
		t.Run("postgres", func(t *testing.T) { crashRounds(t, bin, storetest.PostgresURL(t, base)) })
	}
}

// server is one run of the binary.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	logs *bytes.Buffer
}

func start(t *testing.T, bin string, env []string, addr string) *server {
	t.Helper()
	s := &server{t: t, base: "http://" + addr, logs: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env, s.cmd.Stdout, s.cmd.Stderr = env, s.logs, s.logs
	s.cmd.Dir = t.TempDir()
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	testbin.WaitReady(t, s.base)
	return s
}

// kill is kill -9: no shutdown, no flush, no goodbye.
func (s *server) kill() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	_ = s.cmd.Wait()
}

var client = &http.Client{Timeout: 10 * time.Second}

// call sends a JSON request; status 0 means the connection failed.
func call(base, method, path, token string, body any, key string) (int, map[string]any) {
	var buf bytes.Buffer
	if body != nil {
		_ = json.NewEncoder(&buf).Encode(body)
	}
	req, _ := http.NewRequest(method, base+path, &buf)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func must(t *testing.T, base, method, path, token string, body any, want int) map[string]any {
	t.Helper()
	status, out := call(base, method, path, token, body, "")
	if status != want {
		t.Fatalf("%s %s: %d %v, want %d", method, path, status, out, want)
	}
	return out
}

var signature = func() string {
	img := image.NewNRGBA(image.Rect(0, 0, 60, 30))
	for x := 5; x < 55; x++ {
		img.Set(x, 5+x/3, color.NRGBA{0, 0, 0, 255})
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}()

// attempt is one vote sent: its key and body, and its receipt once acknowledged.
type attempt struct {
	household int
	key       string
	body      map[string]any
	receipt   float64 // the revision id; 0 until acknowledged
}

func newKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func crashRounds(t *testing.T, bin, dbURL string) {
	addr := testbin.FreeAddr(t)
	env := append(os.Environ(), "ANJU_DATABASE_URL="+dbURL, "ANJU_FILES_DIR=", "ANJU_HTTP_ADDR="+addr,
		"ANJU_PUBLIC_URL=http://"+addr, "ANJU_LOG_LEVEL=error", "ANJU_LOGIN_RATE_PER_MINUTE=100000")
	admin := exec.Command(bin, "admin", "create", "--username", "crash", "--password", "crash-password")
	admin.Env, admin.Dir = env, t.TempDir()
	if out, err := admin.CombinedOutput(); err != nil {
		t.Fatalf("anju admin create: %v\n%s", err, out)
	}
	s := start(t, bin, env, addr)
	staff := must(t, s.base, "POST", "/api/v1/auth/login", "", map[string]any{"username": "crash", "password": "crash-password"}, 200)["token"].(string)
	district := must(t, s.base, "POST", "/api/v1/districts", staff, map[string]any{"name": "驿城区"}, 201)["id"]
	community := must(t, s.base, "POST", "/api/v1/communities", staff, map[string]any{"district_id": district, "name": "纺织厂家属院",
		"address": "交通路18号", "built_year": 1991}, 201)["id"]
	b := must(t, s.base, "POST", fmt.Sprintf("/api/v1/communities/%v/buildings", community), staff, map[string]any{"name": "1号楼"}, 201)
	var ids []float64
	var tokens []string
	for i := range households {
		room := fmt.Sprintf("%d%02d", i/2+1, i%2+1)
		h := must(t, s.base, "POST", fmt.Sprintf("/api/v1/buildings/%v/households", b["id"]), staff, map[string]any{"room": room,
			"entrance": "1单元", "floor": i/2 + 1, "area_m2": 60.5, "owner_name": "王建国", "owner_phone": "13812345678"}, 201)
		ids = append(ids, h["id"].(float64))
		tok := must(t, s.base, "POST", "/api/v1/auth/household", "", map[string]any{"building_token": b["token"], "room": room, "code": h["code"]}, 200)
		tokens = append(tokens, tok["token"].(string))
	}
	project := must(t, s.base, "POST", fmt.Sprintf("/api/v1/communities/%v/projects", community), staff, map[string]any{"year": 2026}, 201)["id"]
	plan := must(t, s.base, "POST", fmt.Sprintf("/api/v1/projects/%v/plans", project), staff, map[string]any{
		"title": "改造方案", "summary": "屋顶防水", "management_mode": "professional", "management_description": "公开选聘物业",
		"budget_total_yuan": 100000, "funding": []map[string]any{{"source": "central", "amount_yuan": 100000}},
		"items":            []map[string]any{{"catalog_code": "01", "description": "屋顶防水翻新"}},
		"voting_closes_at": time.Now().UTC().Add(48 * time.Hour).Format(time.RFC3339)}, 201)["id"].(float64)
	must(t, s.base, "POST", fmt.Sprintf("/api/v1/plans/%v/publish", plan), staff, nil, 200)

	var attempts []*attempt
	var mu sync.Mutex
	type held struct {
		size float64
		root []byte
	}
	var checkpoints []held
	retried := 0
	rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 9))
	for round := range rounds {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for h := range households {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					choice := []string{"agree", "disagree", "abstain"}[mrand.IntN(3)]
					a := &attempt{household: h, key: newKey(), body: map[string]any{"plan_id": plan, "plan_choice": choice,
						"management_choice": "agree", "signature": signature}}
					status, out := call(s.base, "PUT", "/api/v1/me/ballot", tokens[h], a.body, a.key)
					mu.Lock()
					switch status {
					case 200:
						a.receipt = out["id"].(float64)
						attempts = append(attempts, a)
					case 0: // the server died under it: unknown whether it committed
						attempts = append(attempts, a)
						mu.Unlock()
						return
					default:
						mu.Unlock()
						t.Errorf("round %d: vote answered %d %v", round, status, out)
						return
					}
					mu.Unlock()
				}
			})
		}
		time.Sleep(time.Duration(300+rng.IntN(600)) * time.Millisecond)
		cp := must(t, s.base, "GET", fmt.Sprintf("/api/v1/public/plans/%v/checkpoint", plan), "", nil, 200)
		root, _ := base64.StdEncoding.DecodeString(cp["root_hash"].(string))
		checkpoints = append(checkpoints, held{cp["tree_size"].(float64), root})
		s.kill()
		close(stop)
		wg.Wait()
		s = start(t, bin, env, addr)
		// A phone that did not hear back sends the same vote again, with the
		// same key: it gets the receipt of the vote if it was recorded, or a
		// new one if it was not; never two.
		for _, a := range attempts {
			if a.receipt != 0 {
				continue
			}
			status, out := call(s.base, "PUT", "/api/v1/me/ballot", tokens[a.household], a.body, a.key)
			if status != 200 {
				t.Fatalf("round %d: the retried vote answered %d %v", round, status, out)
			}
			retried++
			a.receipt = out["id"].(float64)
		}
	}
	defer s.stop()
	if t.Failed() {
		t.Logf("server log:\n%s", s.logs.String())
		return
	}
	// Every acknowledged vote is there, once.
	total := 0
	for h := range households {
		hist := must(t, s.base, "GET", fmt.Sprintf("/api/v1/households/%v/ballots", ids[h]), staff, nil, 200)["items"].([]any)
		have := map[float64]bool{}
		for i, e := range hist {
			rev := e.(map[string]any)
			if rev["revision"].(float64) != float64(i+1) {
				t.Fatalf("household %d: revision %v at position %d", h, rev["revision"], i)
			}
			have[rev["id"].(float64)] = true
		}
		want := map[float64]bool{}
		for _, a := range attempts {
			if a.household == h {
				want[a.receipt] = true
				if !have[a.receipt] {
					t.Errorf("household %d: acknowledged vote %v is lost", h, a.receipt)
				}
			}
		}
		if len(hist) != len(want) {
			t.Errorf("household %d: %d revisions for %d distinct votes sent", h, len(hist), len(want))
		}
		total += len(hist)
	}
	chk := must(t, s.base, "GET", fmt.Sprintf("/api/v1/plans/%v/ballots/verify", plan), staff, nil, 200)
	if chk["intact"] != true || chk["tree_size"].(float64) != float64(total) || chk["pending"].(float64) != 0 {
		t.Fatalf("after %d kills: %d revisions; verify %v", rounds, total, chk)
	}
	now := must(t, s.base, "GET", fmt.Sprintf("/api/v1/public/plans/%v/checkpoint", plan), "", nil, 200)
	root, _ := base64.StdEncoding.DecodeString(now["root_hash"].(string))
	for i, h := range checkpoints {
		p := must(t, s.base, "GET", fmt.Sprintf("/api/v1/public/plans/%v/consistency?from=%v&to=%v", plan, h.size, now["tree_size"]), "", nil, 200)
		var path [][]byte
		for _, x := range p["proof"].([]any) {
			b, _ := base64.StdEncoding.DecodeString(x.(string))
			path = append(path, b)
		}
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, uint64(h.size), uint64(now["tree_size"].(float64)), path, h.root, root); err != nil {
			t.Errorf("the checkpoint held before kill %d (size %v) is not consistent with the log after: %v", i+1, h.size, err)
		}
	}
	t.Logf("%d kill -9s, %d votes (%d of them cut off by a kill and sent again with their key), %d revisions, %d leaves, log intact",
		rounds, len(attempts), retried, total, int(chk["tree_size"].(float64)))
}
