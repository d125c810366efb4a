package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"anju/server/config"
	"anju/server/httpx"
	"anju/server/openapi"
)

// TestHouseholdSignIn: unknown room and wrong code look the same; five wrong
// codes pause this address for the room a while (signin_test.go has the rest
// of the lockout); staff can lift the pause; a new code ends old sessions.
func TestHouseholdSignIn(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("登录", 2)
		b := es.buildings[0]
		h := b.households[0]
		login := func(room, code string) *resp {
			return e.do("POST", "/api/v1/auth/household", "", map[string]any{"building_token": b.token, "room": room, "code": code})
		}
		unknown := login("9999", h.code).wantError(401, "invalid_credentials")
		wrong := login(h.room, "ZZZZZZZZ").wantError(401, "invalid_credentials")
		if string(unknown.body) != string(wrong.body) {
			t.Fatalf("unknown room and wrong code must answer alike:\n%s\n%s", unknown.body, wrong.body)
		}
		for i := 0; i < 4; i++ {
			login(h.room, "ZZZZZZZZ").wantError(401, "invalid_credentials")
		}
		// The fifth wrong code pauses this address; from then on even the right code gets 429 here.
		locked := login(h.room, h.code).wantError(429, "too_many_guesses")
		if locked.header.Get("Retry-After") == "" {
			t.Fatal("a lock must say when to retry (Retry-After)")
		}
		// The neighbour is not affected.
		login(b.households[1].room, b.households[1].code).want(200)

		e.do("POST", fmt.Sprintf("/api/v1/households/%d/unlock", h.id), e.staff, nil).want(200)
		tok := login(h.room, h.code).want(200).str("token")
		e.do("GET", "/api/v1/me", tok, nil).want(200)

		// Reissuing the code ends the old session and the old code.
		fresh := e.do("POST", fmt.Sprintf("/api/v1/households/%d/code:reissue", h.id), e.staff, nil).want(200).str("code")
		e.do("GET", "/api/v1/me", tok, nil).wantError(401, "session_expired")
		login(h.room, h.code).wantError(401, "invalid_credentials")
		login(h.room, fresh).want(200)
	})
}

// TestTokenRotation: a rotated building token is retired and says so.
func TestTokenRotation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("轮换", 1)
		b := es.buildings[0]
		rot := e.do("POST", fmt.Sprintf("/api/v1/buildings/%d/token:rotate", b.id), e.staff, nil).want(200)
		newToken := rot.str("token")
		if newToken == b.token || len(newToken) < 26 || !strings.HasSuffix(rot.str("resident_url"), "/b/"+newToken) {
			t.Fatalf("rotation: %s", rot.body)
		}
		e.do("GET", "/api/v1/public/buildings/"+b.token, "", nil).wantError(410, "token_retired")
		e.do("POST", "/api/v1/auth/household", "", map[string]any{"building_token": b.token, "room": b.households[0].room,
			"code": b.households[0].code}).wantError(410, "token_retired")
		e.do("GET", "/api/v1/public/buildings/"+newToken, "", nil).want(200)
		e.do("GET", "/api/v1/public/buildings/nosuchtoken", "", nil).wantError(404, "building_not_found")
	})
}

// TestEveryStaffRouteRefusesHouseholds walks the route table: a household token
// gets 403 on every staff route, a staff token 403 on every household route,
// and no token 401 everywhere but the public routes.
func TestEveryStaffRouteRefusesHouseholds(t *testing.T) {
	e := newEnv(t, "sqlite", nil)
	es := e.setupEstate("权限", 1)
	hh := e.signIn(es.buildings[0], es.buildings[0].households[0])
	for _, rt := range e.app.Routes {
		path := strings.NewReplacer("{id}", "1", "{token}", "x").Replace(openapi.Path(rt.Path))
		switch {
		case rt.Access == httpx.Public:
			continue
		case rt.Access.ForHouseholds():
			e.do(rt.Method, path, e.staff, nil).wantError(403, "forbidden")
		default:
			e.do(rt.Method, path, hh, nil).wantError(403, "forbidden")
		}
		e.do(rt.Method, path, "", nil).wantError(401, "sign_in_required")
	}
}

// TestScopes: district and committee staff see only their own area.
func TestScopes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.setupEstate("甲", 1)
		b := e.setupEstate("乙", 1)
		e.publishPlan(b, "乙方案", time.Hour)
		district := e.createStaff("district-a", "district", a.districtID, 0)
		committee := e.createStaff("committee-a", "committee", 0, a.communityID)

		for _, tok := range []string{district, committee} {
			e.do("GET", fmt.Sprintf("/api/v1/communities/%d", b.communityID), tok, nil).wantError(404, "community_not_found")
			e.do("GET", fmt.Sprintf("/api/v1/projects/%d/consent", b.projectID), tok, nil).wantError(404, "project_not_found")
			e.do("GET", fmt.Sprintf("/api/v1/buildings/%d/households", b.buildings[0].id), tok, nil).wantError(404, "building_not_found")
			e.do("POST", fmt.Sprintf("/api/v1/buildings/%d/households", b.buildings[0].id), tok, map[string]any{
				"room": "101", "floor": 1, "area_m2": 50}).wantError(404, "building_not_found")
			e.do("GET", fmt.Sprintf("/api/v1/households/%d/ballots", b.buildings[0].households[0].id), tok, nil).wantError(404, "household_not_found")
			if n := len(e.do("GET", "/api/v1/projects", tok, nil).want(200).items()); n != 1 {
				t.Fatalf("a scoped user sees %d projects, want 1", n)
			}
			e.do("GET", fmt.Sprintf("/api/v1/communities/%d", a.communityID), tok, nil).want(200)
		}
		e.do("POST", "/api/v1/districts", district, map[string]any{"name": "丙区"}).wantError(403, "forbidden")
		e.do("POST", "/api/v1/communities", committee, map[string]any{"district_id": a.districtID, "name": "x",
			"address": "y", "built_year": 1990}).wantError(403, "forbidden")
		e.do("POST", "/api/v1/communities", district, map[string]any{"district_id": b.districtID, "name": "x",
			"address": "y", "built_year": 1990}).wantError(404, "district_not_found")
		if n := len(e.do("GET", "/api/v1/districts", district, nil).want(200).items()); n != 1 {
			t.Fatalf("district staff see %d districts", n)
		}
		// A district creates committee accounts for its own communities only.
		e.do("POST", "/api/v1/staff-users", district, map[string]any{"username": "committee-a2", "password": "0123456789ab",
			"role": "committee", "community_id": a.communityID}).want(201)
		e.do("POST", "/api/v1/staff-users", district, map[string]any{"username": "committee-b2", "password": "0123456789ab",
			"role": "committee", "community_id": b.communityID}).wantError(403, "forbidden")
		// A resident of community A cannot vote on community B's plan.
		planB := e.do("GET", fmt.Sprintf("/api/v1/projects/%d", b.projectID), e.staff, nil).want(200).id("current_plan_id")
		hhA := e.signIn(a.buildings[0], a.buildings[0].households[0])
		e.do("PUT", "/api/v1/me/ballot", hhA, vote(planB, "agree", "agree")).wantError(404, "plan_not_found")
	})
}

// TestJWTChecks: tokens with another algorithm, issuer, audience, no expiry or
// past expiry are refused.
func TestJWTChecks(t *testing.T) {
	secret := strings.Repeat("s", 40)
	e := newEnv(t, "sqlite", func(c *config.Config) { c.JWTSecret = secret })
	me, err := e.app.Staffs.Authenticate(context.Background(), "admin", "admin-password")
	if err != nil {
		t.Fatal(err)
	}
	sub := fmt.Sprintf("staff:%d", me.ID)
	sign := func(method jwt.SigningMethod, claims jwt.MapClaims, key any) string {
		s, err := jwt.NewWithClaims(method, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := jwt.MapClaims{"iss": "anju", "aud": "anju-staff", "sub": sub, "exp": time.Now().Add(time.Hour).Unix()}
	e.do("GET", "/api/v1/auth/me", sign(jwt.SigningMethodHS256, good, []byte(secret)), nil).want(200)
	bad := map[string]string{
		"none":         sign(jwt.SigningMethodNone, good, jwt.UnsafeAllowNoneSignatureType),
		"HS512":        sign(jwt.SigningMethodHS512, good, []byte(secret)),
		"other key":    sign(jwt.SigningMethodHS256, good, []byte(strings.Repeat("x", 40))),
		"no expiry":    sign(jwt.SigningMethodHS256, jwt.MapClaims{"iss": "anju", "aud": "anju-staff", "sub": sub}, []byte(secret)),
		"expired":      sign(jwt.SigningMethodHS256, jwt.MapClaims{"iss": "anju", "aud": "anju-staff", "sub": sub, "exp": time.Now().Add(-time.Hour).Unix()}, []byte(secret)),
		"other issuer": sign(jwt.SigningMethodHS256, jwt.MapClaims{"iss": "evil", "aud": "anju-staff", "sub": sub, "exp": time.Now().Add(time.Hour).Unix()}, []byte(secret)),
		"no audience":  sign(jwt.SigningMethodHS256, jwt.MapClaims{"iss": "anju", "sub": sub, "exp": time.Now().Add(time.Hour).Unix()}, []byte(secret)),
		"garbage":      "not.a.token",
	}
	for name, tok := range bad {
		if r := e.do("GET", "/api/v1/auth/me", tok, nil); r.status != http.StatusUnauthorized {
			t.Errorf("%s token: status %d, want 401", name, r.status)
		}
	}
	e.do("POST", "/api/v1/auth/login", "", map[string]any{"username": "admin", "password": "wrong-password"}).wantError(401, "invalid_credentials")
	e.do("POST", "/api/v1/auth/login", "", map[string]any{"username": "nobody", "password": "wrong-password"}).wantError(401, "invalid_credentials")
}

// TestSigningKeyIsGeneratedOnceAndShared: without a configured secret, the first
// start stores one and a second instance on the same database accepts its tokens.
func TestSigningKeyIsGeneratedOnceAndShared(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			cfg := testConfig(t, freshDatabase(t, d))
			one := startEnv(t, d, cfg)
			two := startServer(t, d, cfg)
			two.do("GET", "/api/v1/auth/me", one.staff, nil).want(200)
		})
	}
}

// TestLoginRateLimitPerIP: the per-IP limit holds, and a forged
// X-Forwarded-For does not get around it.
func TestLoginRateLimitPerIP(t *testing.T) {
	limited := startEnv(t, "sqlite", func() config.Config {
		c := testConfig(t, freshDatabase(t, "sqlite"))
		c.LoginRatePerMinute = 3
		return c
	}())
	// startEnv itself signed in once.
	for i := 0; i < 2; i++ {
		limited.do("POST", "/api/v1/auth/login", "", map[string]any{"username": "admin", "password": "nope-nope-nope"},
			"X-Forwarded-For", fmt.Sprintf("10.0.0.%d", i)).wantError(401, "invalid_credentials")
	}
	r := limited.do("POST", "/api/v1/auth/login", "", map[string]any{"username": "admin", "password": "admin-password"},
		"X-Forwarded-For", "10.9.9.9").wantError(429, "rate_limited")
	if r.header.Get("Retry-After") == "" {
		t.Fatal("429 must carry Retry-After")
	}
	limited.do("POST", "/api/v1/auth/household", "", map[string]any{"building_token": "x", "room": "1", "code": "x"},
		"X-Real-IP", "10.1.1.1").wantError(429, "rate_limited")
}
