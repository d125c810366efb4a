package api_test

// The household sign-in lockout (issue 9, section 1): wrong codes from one
// address pause that address, never the household; a household-wide ceiling
// takes many addresses; parallel guesses get no more evaluations than
// sequential ones; signed-in phones stay signed in; staff see and lift.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"anju/server/auth"
	"anju/server/config"
)

// from is a client whose requests leave from one loopback address.
type from struct {
	e      *env
	client *http.Client
}

func (e *env) from(ip string) *from {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 64}
	e.t.Cleanup(tr.CloseIdleConnections)
	return &from{e: e, client: &http.Client{Transport: tr, Timeout: 2 * time.Minute}}
}

// do sends a JSON request from this address. It may run on any goroutine: it
// reports failures with Errorf, never Fatalf.
func (f *from) do(method, path, token string, body any) *resp {
	t := f.e.t
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest(method, f.e.srv.URL+path, bytes.NewReader(raw))
	if err != nil {
		t.Error(err)
		return &resp{t: t}
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := f.client.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return &resp{t: t}
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	r := &resp{t: t, req: method + " " + path, status: res.StatusCode, header: res.Header, body: out}
	f.e.checkAnswer(t, method, path, raw, res.StatusCode, res.Header, out)
	_ = json.Unmarshal(out, &r.json)
	return r
}

func (f *from) login(b building, room, code string) *resp {
	return f.do("POST", "/api/v1/auth/household", "", map[string]any{"building_token": b.token, "room": room, "code": code})
}

const wrongCode = "ZZZZZZZZ"

// TestWrongCodesFromOneAddressNeverLockOutAnother: five wrong codes from
// 127.0.0.2 pause 127.0.0.2 for that room; the right code from 127.0.0.3
// signs in. An unknown room is paused the same way.
func TestWrongCodesFromOneAddressNeverLockOutAnother(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("地址", 2)
		b := es.buildings[0]
		h := b.households[0]
		attacker, resident := e.from("127.0.0.2"), e.from("127.0.0.3")
		for range 5 {
			attacker.login(b, h.room, wrongCode).wantError(401, "invalid_credentials")
			attacker.login(b, "999", wrongCode).wantError(401, "invalid_credentials")
		}
		paused := attacker.login(b, h.room, h.code).wantError(429, "too_many_guesses")
		if paused.header.Get("Retry-After") == "" {
			t.Fatal("a pause must say when to retry (Retry-After)")
		}
		unknown := attacker.login(b, "999", wrongCode).wantError(429, "too_many_guesses")
		if unknown.header.Get("Retry-After") == "" || paused.str("error.message") != unknown.str("error.message") {
			t.Fatalf("a room nobody lives in must be paused alike:\n%s\n%s", paused.body, unknown.body)
		}
		resident.login(b, h.room, h.code).want(200)
		// The neighbour's room is not affected for the attacker either.
		attacker.login(b, b.households[1].room, b.households[1].code).want(200)
	})
}

// TestParallelWrongCodesGetNoMoreEvaluationsThanSequentialOnes: 40 wrong codes
// sent at once from one address: at most 5 are evaluated (401), the rest 429,
// and exactly as many codes were hashed as were answered 401.
func TestParallelWrongCodesGetNoMoreEvaluationsThanSequentialOnes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("并发", 1)
		b := es.buildings[0]
		h := b.households[0]
		attacker := e.from("127.0.0.2")
		before := e.app.Hasher.Evaluations()[auth.CodeParams]
		var mu sync.Mutex
		answers := map[int]int{}
		codes := map[string]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 40 {
			wg.Go(func() {
				<-start
				r := attacker.login(b, h.room, wrongCode)
				mu.Lock()
				answers[r.status]++
				codes[r.errorCode()]++
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
		hashed := e.app.Hasher.Evaluations()[auth.CodeParams] - before
		t.Logf("%s: 40 parallel wrong codes from one address: %d evaluated (401), %d refused (429), %d codes hashed",
			e.dialect, answers[401], answers[429], hashed)
		allowed := e.app.Config.SignIn.PerSource.Attempts
		if answers[401] < 1 || answers[401] > allowed || answers[401]+answers[429] != 40 || codes["too_many_guesses"] != answers[429] {
			t.Fatalf("answers %v (%v), want at most %d evaluated and the rest 429 too_many_guesses", answers, codes, allowed)
		}
		if hashed != int64(answers[401]) {
			t.Fatalf("%d codes hashed for %d evaluated guesses", hashed, answers[401])
		}
		e.from("127.0.0.3").login(b, h.room, h.code).want(200)
	})
}

// ceiling is a configuration whose household ceiling a test reaches quickly:
// 5 wrong codes per address, 12 per room over every address.
func ceiling(c *config.Config) {
	c.SignIn.PerSource = config.Limit{Attempts: 5, Window: 15 * time.Minute}
	c.SignIn.PerSourceLong = config.Limit{Attempts: 5, Window: 24 * time.Hour}
	c.SignIn.PerHousehold = config.Limit{Attempts: 12, Window: 24 * time.Hour}
}

// TestASignedInPhoneIsNeverLoggedOutByALockout: a phone signed in before the
// attack keeps reading and voting while the room is paused for its address
// and locked for everyone, and after staff lift the lock.
func TestASignedInPhoneIsNeverLoggedOutByALockout(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d, ceiling)
			es := e.setupEstate("会话", 1)
			b := es.buildings[0]
			h := b.households[0]
			planID := e.publishPlan(es, "改造方案", 48*time.Hour)
			phone := e.from("127.0.0.2")
			tok := phone.login(b, h.room, h.code).want(200).str("token")
			// The phone's own address is paused, then the room is locked for everyone.
			for range 5 {
				phone.login(b, h.room, wrongCode).wantError(401, "invalid_credentials")
			}
			phone.login(b, h.room, h.code).wantError(429, "too_many_guesses")
			for _, ip := range []string{"127.0.0.3", "127.0.0.4"} {
				for range 5 {
					e.from(ip).login(b, h.room, wrongCode)
				}
			}
			e.from("127.0.0.5").login(b, h.room, h.code).wantError(429, "household_locked")
			phone.do("GET", "/api/v1/me", tok, nil).want(200)
			phone.do("PUT", "/api/v1/me/ballot", tok, vote(planID, "agree", "agree")).want(200)
			e.do("POST", fmt.Sprintf("/api/v1/households/%d/unlock", h.id), e.staff, nil).want(200)
			phone.do("GET", "/api/v1/me", tok, nil).want(200)
			second := e.from("127.0.0.6").login(b, h.room, h.code).want(200).str("token")
			phone.do("GET", "/api/v1/me", tok, nil).want(200)
			e.do("GET", "/api/v1/me", second, nil).want(200)
		})
	}
}

// TestStaffSeeAndLiftTheHouseholdCeiling: wrong codes from several addresses
// reach the ceiling; the community's committee sees the room, every address
// with its count and times, and lifts it (audited); another community's
// committee sees nothing and gets 404.
func TestStaffSeeAndLiftTheHouseholdCeiling(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d, ceiling)
			es := e.setupEstate("天花板", 2)
			other := e.setupEstate("别处", 1)
			b := es.buildings[0]
			h := b.households[0]
			committee := e.createStaff("weiyuanhui", "committee", 0, es.communityID)
			stranger := e.createStaff("biechu", "committee", 0, other.communityID)
			e.do("GET", "/api/v1/signin-lockouts", committee, nil).want(200)
			if n := len(e.do("GET", "/api/v1/signin-lockouts", committee, nil).items()); n != 0 {
				t.Fatalf("nothing is locked yet, got %d", n)
			}
			addrs := []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"}
			answers := map[string]int{}
			for _, ip := range addrs {
				for range 5 {
					answers[e.from(ip).login(b, h.room, wrongCode).errorCode()]++
				}
			}
			if answers["invalid_credentials"] != 12 || answers["household_locked"] != 3 {
				t.Fatalf("15 wrong codes from 3 addresses against a ceiling of 12: %v", answers)
			}
			locked := e.from("127.0.0.9").login(b, h.room, h.code).wantError(429, "household_locked")
			if locked.header.Get("Retry-After") == "" {
				t.Fatal("a lock must say when to retry (Retry-After)")
			}
			e.from("127.0.0.9").login(b, b.households[1].room, b.households[1].code).want(200)

			list := e.do("GET", "/api/v1/signin-lockouts", committee, nil).want(200).items()
			if len(list) != 1 {
				t.Fatalf("want the one locked room, got %v", list)
			}
			lo := list[0]
			hs, _ := lo["households"].([]any)
			if lo["room"] != h.room || lo["building_id"] != float64(b.id) || lo["locked_until"] == nil || lo["wrong_codes"] != float64(12) ||
				len(hs) != 1 || lo["building_name"] != "1号楼" || lo["community_name"] != "天花板小区" {
				t.Fatalf("lockout: %v", lo)
			}
			srcs, _ := lo["sources"].([]any)
			total := 0
			for _, s := range srcs {
				m := s.(map[string]any)
				if !strings.HasPrefix(m["address"].(string), "127.0.0.") || m["first_at"] == nil || m["last_at"] == nil {
					t.Fatalf("source: %v", m)
				}
				total += int(m["wrong_codes"].(float64))
			}
			if len(srcs) != 3 || total != 12 {
				t.Fatalf("three addresses sent the 12 counted codes: %v", srcs)
			}
			rows := e.do("GET", fmt.Sprintf("/api/v1/buildings/%d/households", b.id), committee, nil).want(200).items()
			if rows[0]["locked_until"] == nil || rows[1]["locked_until"] != nil {
				t.Fatalf("the building's list shows the lock on its row only: %v", rows)
			}

			if n := len(e.do("GET", "/api/v1/signin-lockouts", stranger, nil).want(200).items()); n != 0 {
				t.Fatalf("another community's committee must see nothing, got %d", n)
			}
			e.do("POST", fmt.Sprintf("/api/v1/households/%d/unlock", h.id), stranger, nil).wantError(404, "household_not_found")
			e.from("127.0.0.9").login(b, h.room, h.code).wantError(429, "household_locked")

			e.do("POST", fmt.Sprintf("/api/v1/households/%d/unlock", h.id), committee, nil).want(200)
			var detail string
			e.app.DB.Raw(`SELECT detail FROM audit_events WHERE action = 'household.unlock' AND subject_id = ?`, h.id).Scan(&detail)
			if !strings.Contains(detail, `"wrong_codes":12`) || !strings.Contains(detail, `"sources":3`) {
				t.Fatalf("the lift is audited with what it forgave: %q", detail)
			}
			e.from("127.0.0.9").login(b, h.room, h.code).want(200)
			// The addresses that used their whole day stay paused, listed
			// as such: locking the room again takes fresh addresses.
			e.from("127.0.0.2").login(b, h.room, h.code).wantError(429, "too_many_guesses")
			after := e.do("GET", "/api/v1/signin-lockouts", committee, nil).items()
			if len(after) != 1 || after[0]["locked_until"] != nil || after[0]["wrong_codes"] != float64(0) {
				t.Fatalf("after the lift: %v", after)
			}
		})
	}
}
