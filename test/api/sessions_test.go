package api_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestOwnPasswordChangeEndsOtherSessions: a staff member changes the password
// with the current one; every earlier token answers 401, the fresh token from
// the answer works, and the change is audited.
func TestOwnPasswordChangeEndsOtherSessions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("改密", 1)
		phone := e.createStaff("lee-district", "district", es.districtID, 0)
		desk := e.do("POST", "/api/v1/auth/login", "", map[string]any{"username": "lee-district", "password": "lee-district-password"}).want(200).str("token")
		change := func(tok, current, next string) *resp {
			return e.do("PUT", "/api/v1/auth/password", tok, map[string]any{"current_password": current, "new_password": next})
		}
		change(desk, "not-my-password", "a-new-long-password").wantError(422, "wrong_password")
		change(desk, "lee-district-password", "short").wantError(400, "invalid_field")
		e.do("GET", "/api/v1/auth/me", desk, nil).want(200) // refused changes end nothing

		r := change(desk, "lee-district-password", "a-new-long-password").want(200)
		fresh := r.str("token")
		if r.str("user.username") != "lee-district" {
			t.Fatalf("the answer names another user: %s", r.body)
		}
		e.do("GET", "/api/v1/auth/me", desk, nil).wantError(401, "session_expired")
		e.do("GET", "/api/v1/auth/me", phone, nil).wantError(401, "session_expired")
		e.do("GET", "/api/v1/auth/me", fresh, nil).want(200)
		e.do("GET", "/api/v1/projects", fresh, nil).want(200)
		e.do("POST", "/api/v1/auth/login", "", map[string]any{"username": "lee-district", "password": "lee-district-password"}).
			wantError(401, "invalid_credentials")
		e.do("POST", "/api/v1/auth/login", "", map[string]any{"username": "lee-district", "password": "a-new-long-password"}).want(200)

		id := accountID(e, "lee-district")
		history := e.do("GET", fmt.Sprintf("/api/v1/staff-users/%d/audit", id), e.staff, nil).want(200).items()
		if len(history) == 0 || history[0]["action"] != "staff.password_change" || history[0]["actor"] != "staff:lee-district" {
			t.Fatalf("the change is not audited: %v", history)
		}
		if strings.Contains(fmt.Sprint(history), "a-new-long-password") {
			t.Fatal("the audit log must never hold a password")
		}
	})
}

// accountID finds an account in the city admin's list.
func accountID(e *env, username string) int64 {
	e.t.Helper()
	for _, a := range e.do("GET", "/api/v1/staff-users", e.staff, nil).want(200).items() {
		if a["username"] == username {
			return int64(a["id"].(float64))
		}
	}
	e.t.Fatalf("no account %s in the list", username)
	return 0
}

// TestAccountManagement: the city manages every account, a district only the
// committee accounts of its communities (404 for the rest, 409 for itself),
// committee staff none (403). Disable, enable and reset each end the
// account's sessions; enabling never revives an old token; all is audited.
func TestAccountManagement(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.setupEstate("甲号", 1)
		b := e.setupEstate("乙号", 1)
		districtA := e.createStaff("district-a", "district", a.districtID, 0)
		e.createStaff("district-b", "district", b.districtID, 0)
		committeeA := e.createStaff("committee-a", "committee", 0, a.communityID)
		committeeB := e.createStaff("committee-b", "committee", 0, b.communityID)
		e.do("POST", "/api/v1/staff-users", districtA, map[string]any{"username": "committee-a2", "password": "committee-a2-password",
			"role": "committee", "community_id": a.communityID}).want(201)
		ids := map[string]int64{}
		for _, u := range []string{"admin", "district-a", "district-b", "committee-a", "committee-a2", "committee-b"} {
			ids[u] = accountID(e, u)
		}

		// Lists: the city sees all six, the district its two committees.
		if n := len(e.do("GET", "/api/v1/staff-users", e.staff, nil).want(200).items()); n != 6 {
			t.Fatalf("the city lists %d accounts, want 6", n)
		}
		listed := e.do("GET", "/api/v1/staff-users", districtA, nil).want(200).items()
		if len(listed) != 2 || listed[0]["username"] != "committee-a" || listed[1]["username"] != "committee-a2" ||
			listed[0]["community_name"] != "甲号小区" || listed[0]["district_name"] != "甲号区" {
			t.Fatalf("district A lists %v", listed)
		}
		e.do("GET", "/api/v1/staff-users", committeeA, nil).wantError(403, "forbidden")

		// Out of scope: 404 for a district, 403 for a committee, 409 on oneself.
		for _, other := range []string{"admin", "district-b", "committee-b"} {
			for _, action := range []string{"disable", "enable"} {
				e.do("POST", fmt.Sprintf("/api/v1/staff-users/%d/%s", ids[other], action), districtA, nil).wantError(404, "staff_user_not_found")
			}
			e.do("POST", fmt.Sprintf("/api/v1/staff-users/%d/password", ids[other]), districtA, map[string]any{"password": "0123456789ab"}).
				wantError(404, "staff_user_not_found")
			e.do("GET", fmt.Sprintf("/api/v1/staff-users/%d/audit", ids[other]), districtA, nil).wantError(404, "staff_user_not_found")
		}
		e.do("POST", fmt.Sprintf("/api/v1/staff-users/%d/disable", ids["committee-a2"]), committeeA, nil).wantError(403, "forbidden")
		e.do("POST", fmt.Sprintf("/api/v1/staff-users/%d/disable", ids["district-a"]), districtA, nil).wantError(409, "own_account")
		e.do("POST", fmt.Sprintf("/api/v1/staff-users/%d/disable", ids["admin"]), e.staff, nil).wantError(409, "own_account")
		e.do("POST", "/api/v1/staff-users/999999/disable", e.staff, nil).wantError(404, "staff_user_not_found")
		e.do("GET", "/api/v1/auth/me", committeeB, nil).want(200) // nothing happened to B

		// Disable: the token and the password stop working at once.
		r := e.do("POST", fmt.Sprintf("/api/v1/staff-users/%d/disable", ids["committee-a"]), districtA, nil).want(200)
		if r.get("disabled") != true {
			t.Fatalf("disable answered %s", r.body)
		}
		e.do("GET", "/api/v1/auth/me", committeeA, nil).wantError(401, "account_disabled")
		login := func(password string) *resp {
			return e.do("POST", "/api/v1/auth/login", "", map[string]any{"username": "committee-a", "password": password})
		}
		login("committee-a-password").wantError(401, "account_disabled")

		// Enable: signing in works again, the old token stays dead.
		if e.do("POST", fmt.Sprintf("/api/v1/staff-users/%d/enable", ids["committee-a"]), districtA, nil).want(200).get("disabled") != false {
			t.Fatal("enable must answer the enabled account")
		}
		e.do("GET", "/api/v1/auth/me", committeeA, nil).wantError(401, "session_expired")
		again := login("committee-a-password").want(200).str("token")
		e.do("GET", "/api/v1/auth/me", again, nil).want(200)

		// Reset: the old password and the session end, the new password works.
		e.do("POST", fmt.Sprintf("/api/v1/staff-users/%d/password", ids["committee-a"]), districtA, map[string]any{"password": "short"}).
			wantError(400, "invalid_field")
		e.do("POST", fmt.Sprintf("/api/v1/staff-users/%d/password", ids["committee-a"]), districtA, map[string]any{"password": "reset-by-district"}).want(200)
		e.do("GET", "/api/v1/auth/me", again, nil).wantError(401, "session_expired")
		login("committee-a-password").wantError(401, "invalid_credentials")
		login("reset-by-district").want(200)

		// The city may reset any account, a district's included.
		e.do("POST", fmt.Sprintf("/api/v1/staff-users/%d/password", ids["district-b"]), e.staff, map[string]any{"password": "reset-by-the-city"}).want(200)

		history := e.do("GET", fmt.Sprintf("/api/v1/staff-users/%d/audit", ids["committee-a"]), districtA, nil).want(200).items()
		var actions []string
		for _, h := range history {
			actions = append(actions, fmt.Sprint(h["action"], " by ", h["actor"]))
		}
		want := []string{"staff.password_reset by staff:district-a", "staff.enable by staff:district-a",
			"staff.disable by staff:district-a", "staff.create by command-line"}
		if fmt.Sprint(actions) != fmt.Sprint(want) {
			t.Fatalf("audit of committee-a: %v, want %v", actions, want)
		}
		created := e.do("GET", fmt.Sprintf("/api/v1/staff-users/%d/audit", ids["committee-a2"]), e.staff, nil).want(200).items()
		if len(created) != 1 || created[0]["action"] != "staff.create" || created[0]["actor"] != "staff:district-a" {
			t.Fatalf("creating committee-a2 is not audited: %v", created)
		}
	})
}

// sse is one server-sent event.
type sse struct{ name, data string }

// openStream opens a live tally as token; the channel closes when the server
// ends the stream.
func openStream(t *testing.T, e *env, token string, projectID int64) <-chan sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+fmt.Sprintf("/api/v1/projects/%d/consent/events", projectID), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("events: %d", res.StatusCode)
	}
	out := make(chan sse, 16)
	go func() {
		defer res.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sse
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.name != "":
				out <- ev
				ev = sse{}
			}
		}
	}()
	return out
}

// endsWith reads the stream until the server closes it and returns what it
// sent, failing if it does not end within 30 s (the server
// re-checks every 3 s).
func endsWith(t *testing.T, stream <-chan sse, who string) []sse {
	t.Helper()
	var rest []sse
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev, ok := <-stream:
			if !ok {
				return rest
			}
			rest = append(rest, ev)
		case <-deadline:
			t.Fatalf("the live tally of %s is still open 30 s after its sessions ended; it sent %v", who, rest)
		}
	}
}

// TestLiveTallyEndsForRevokedAccounts: the open live tally of an account that
// another instance disables, or whose password it resets, ends within
// seconds with an error event, and sends no tally after the change, not even
// for a vote that arrives meanwhile.
func TestLiveTallyEndsForRevokedAccounts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("断流", 2)
		planID := e.publishPlan(es, "方案", time.Hour)
		e.createStaff("district-x", "district", es.districtID, 0)
		watchers := map[string]string{
			"committee-disabled": e.createStaff("committee-disabled", "committee", 0, es.communityID),
			"committee-reset":    e.createStaff("committee-reset", "committee", 0, es.communityID),
			"city-untouched":     e.staff,
		}
		streams := map[string]<-chan sse{}
		for who, tok := range watchers {
			streams[who] = openStream(t, e, tok, es.projectID)
			if first := <-streams[who]; first.name != "tally" {
				t.Fatalf("%s: first event %v", who, first)
			}
		}

		// Another instance on the same database makes the changes.
		other := startServer(t, e.dialect, testConfig(t, e.dbURL))
		district := other.do("POST", "/api/v1/auth/login", "", map[string]any{"username": "district-x", "password": "district-x-password"}).want(200).str("token")
		for _, s := range streams {
			drainStream(s) // a re-read when the listener (re)connected is no news
		}
		check := func(who, code string, since time.Time) {
			t.Helper()
			rest := endsWith(t, streams[who], who)
			for len(rest) > 1 && rest[0].name == "tally" && strings.Contains(rest[0].data, `"voted":0,`) {
				rest = rest[1:] // sent before the change reached the database
			}
			if len(rest) != 1 || rest[0].name != "error" || !strings.Contains(rest[0].data, `"code":"`+code+`"`) {
				t.Fatalf("%s: after the change the stream sent %v, want one error event %s", who, rest, code)
			}
			t.Logf("%s: the stream ended %v after the change", who, time.Since(since).Round(time.Millisecond))
		}
		// Nothing happens on the project: the periodic re-check ends the stream.
		changed := time.Now()
		other.do("POST", fmt.Sprintf("/api/v1/staff-users/%d/disable", accountID(e, "committee-disabled")), district, nil).want(200)
		check("committee-disabled", "account_disabled", changed)

		// A vote arrives right after the reset: no tally reaches the account.
		b := es.buildings[0]
		household := e.signIn(b, b.households[0])
		changed = time.Now()
		other.do("POST", fmt.Sprintf("/api/v1/staff-users/%d/password", accountID(e, "committee-reset")), district, map[string]any{"password": "reset-by-district"}).want(200)
		e.do("PUT", "/api/v1/me/ballot", household, vote(planID, "agree", "agree")).want(200)
		check("committee-reset", "session_expired", changed)

		// The untouched city account still follows the vote.
		deadline := time.After(30 * time.Second)
		for {
			select {
			case ev := <-streams["city-untouched"]:
				if ev.name != "tally" {
					t.Fatalf("the city's stream sent %v", ev)
				}
				if strings.Contains(ev.data, `"voted":1,`) {
					return
				}
			case <-deadline:
				t.Fatal("the city's stream got no tally for the vote")
			}
		}
	})
}

func drainStream(s <-chan sse) {
	for {
		select {
		case <-s:
		default:
			return
		}
	}
}
