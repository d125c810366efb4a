package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

func TestStaffTokensCarryTheAccountsTokenVersion(t *testing.T) {
	tokens := NewTokens([]byte(strings.Repeat("k", 32)), time.Hour, time.Hour)
	for _, version := range []int{0, 1, 7} {
		issued, err := tokens.IssueStaff(42, version)
		if err != nil {
			t.Fatal(err)
		}
		sub, err := tokens.parse(issued.Token, audienceStaff)
		if err != nil {
			t.Fatal(err)
		}
		if sub.kind != "staff" || sub.id != 42 || sub.tokenVersion != version || sub.codeVersion != 0 {
			t.Fatalf("version %d: parsed %+v", version, sub)
		}
	}
	issued, err := tokens.IssueHousehold(9, 3)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := tokens.parse(issued.Token, audienceHousehold)
	if err != nil || sub.codeVersion != 3 || sub.tokenVersion != 0 {
		t.Fatalf("household token: %+v, %v", sub, err)
	}
	// Another key's token with a made-up version is refused, not believed.
	forged, _ := NewTokens([]byte(strings.Repeat("x", 32)), time.Hour, time.Hour).IssueStaff(42, 7)
	if _, err := tokens.parse(forged.Token, audienceStaff); err == nil {
		t.Fatal("a token signed with another key was accepted")
	}
}

// TestAHouseholdInUseIsGivenAFreshToken: a request with a household token older
// than RenewAfter is answered with a new one, so a phone in use never expires.
func TestAHouseholdInUseIsGivenAFreshToken(t *testing.T) {
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	tokens := NewTokens([]byte(strings.Repeat("k", 32)), time.Hour, 30*24*time.Hour)
	tokens.now = func() time.Time { return now }
	old, err := tokens.IssueHousehold(9, 3)
	if err != nil {
		t.Fatal(err)
	}
	guard := NewGuard(tokens, nil, func(context.Context, int64) (Household, error) {
		return Household{ID: 9, CodeVersion: 3}, nil
	})
	call := func() *httptest.ResponseRecorder {
		e := echo.New()
		req := httptest.NewRequest(http.MethodGet, "/api/v1/me/plan", nil)
		req.Header.Set("Authorization", "Bearer "+old.Token)
		rec := httptest.NewRecorder()
		err := guard.Household()(func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })(e.NewContext(req, rec))
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	if rec := call(); rec.Header().Get(HeaderRenewedToken) != "" {
		t.Fatal("a token issued just now was renewed")
	}
	now = now.Add(29 * 24 * time.Hour) // a day before it would expire
	rec := call()
	fresh := rec.Header().Get(HeaderRenewedToken)
	expires, err := time.Parse(time.RFC3339, rec.Header().Get(HeaderRenewedExpires))
	if fresh == "" || err != nil || !expires.After(old.ExpiresAt) {
		t.Fatalf("no usable renewal: token %q, expires %v (%v)", fresh, expires, err)
	}
	sub, err := tokens.parse(fresh, audienceHousehold)
	if err != nil || sub.id != 9 || sub.codeVersion != 3 {
		t.Fatalf("the fresh token is not the same household's: %+v %v", sub, err)
	}
}

// TestAClaimSignsInNobodyUntilConfirmed: the vote's guard checks the token
// only; the household is signed in once the handler confirms it as read from
// the database (or reads it with Verify), with the guard's own refusals, and
// a confirmed household in use gets a fresh token as with Household.
func TestAClaimSignsInNobodyUntilConfirmed(t *testing.T) {
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	tokens := NewTokens([]byte(strings.Repeat("k", 32)), time.Hour, 30*24*time.Hour)
	tokens.now = func() time.Time { return now }
	tok, err := tokens.IssueHousehold(9, 3)
	if err != nil {
		t.Fatal(err)
	}
	lookups := 0
	inDB := Household{ID: 9, BuildingID: 2, CommunityID: 1, DistrictID: 1, CodeVersion: 3}
	guard := NewGuard(tokens, nil, func(context.Context, int64) (Household, error) { lookups++; return inDB, nil })
	run := func(token string, handler func(c echo.Context, cl *Claim) error) (*httptest.ResponseRecorder, error) {
		e := echo.New()
		req := httptest.NewRequest(http.MethodPut, "/api/v1/me/ballot", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		err := guard.HouseholdClaim()(func(c echo.Context) error {
			if _, err := HouseholdFrom(c); err == nil {
				t.Fatal("the claim guard signed a household in before it was confirmed")
			}
			cl, err := ClaimFrom(c)
			if err != nil {
				t.Fatal(err)
			}
			if cl.ID != 9 || cl.CodeVersion != 3 {
				t.Fatalf("claim %+v", cl)
			}
			return handler(c, cl)
		})(e.NewContext(req, rec))
		return rec, err
	}
	wantExpired := func(what string, err error) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), "session_expired") {
			t.Fatalf("%s: got %v, want session_expired", what, err)
		}
	}

	// A bad token never reaches the handler.
	if _, err := run("nonsense", func(echo.Context, *Claim) error { t.Fatal("reached"); return nil }); err == nil {
		t.Fatal("a bad token was let through")
	}
	// The database says the household has a new code, or is another one.
	_, err = run(tok.Token, func(_ echo.Context, cl *Claim) error {
		_, err := cl.Confirm(Household{ID: 9, CodeVersion: 4})
		return err
	})
	wantExpired("a new code", err)
	_, err = run(tok.Token, func(_ echo.Context, cl *Claim) error {
		_, err := cl.Confirm(Household{ID: 10, CodeVersion: 3})
		return err
	})
	wantExpired("another household", err)
	if lookups != 0 {
		t.Fatalf("the claim guard read the household %d times", lookups)
	}

	// Confirmed: signed in, and renewed when the token is old.
	now = now.Add(29 * 24 * time.Hour)
	rec, err := run(tok.Token, func(c echo.Context, cl *Claim) error {
		if _, err := cl.Confirm(inDB); err != nil {
			return err
		}
		if h, err := HouseholdFrom(c); err != nil || *h != inDB {
			t.Fatalf("signed in %+v (%v), want %+v", h, err, inDB)
		}
		return nil
	})
	if err != nil || rec.Header().Get(HeaderRenewedToken) == "" {
		t.Fatalf("confirmed claim: %v, renewed token %q", err, rec.Header().Get(HeaderRenewedToken))
	}

	// Verify reads the household as the guard does.
	inDB.CodeVersion = 5
	_, err = run(tok.Token, func(_ echo.Context, cl *Claim) error { _, err := cl.Verify(context.Background()); return err })
	wantExpired("Verify after a new code", err)
	if lookups != 1 {
		t.Fatalf("Verify read the household %d times, want 1", lookups)
	}
}

// TestARememberedTokenStillExpires: a token verified once is remembered, but
// it expires when it would have, it is remembered for its own audience only,
// and a token differing by one byte is verified (and refused) afresh.
func TestARememberedTokenStillExpires(t *testing.T) {
	now := time.Date(2026, 12, 8, 8, 0, 0, 0, time.UTC)
	tokens := NewTokens([]byte(strings.Repeat("k", 32)), time.Hour, 2*time.Hour)
	tokens.now = func() time.Time { return now }
	issued, err := tokens.IssueHousehold(9, 3)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if sub, err := tokens.parse(issued.Token, audienceHousehold); err != nil || sub.id != 9 || sub.codeVersion != 3 {
			t.Fatalf("parse: %+v %v", sub, err)
		}
	}
	if len(tokens.checked.m) != 1 {
		t.Fatalf("%d tokens remembered, want 1", len(tokens.checked.m))
	}
	if _, err := tokens.parse(issued.Token, audienceStaff); err == nil {
		t.Fatal("a household token remembered for households was accepted as a staff token")
	}
	tampered := issued.Token[:len(issued.Token)-2] + "AA"
	if tampered == issued.Token {
		tampered = issued.Token[:len(issued.Token)-2] + "BB"
	}
	if _, err := tokens.parse(tampered, audienceHousehold); err == nil {
		t.Fatal("a token with another signature was accepted")
	}
	now = now.Add(2*time.Hour + tokenLeeway - time.Second)
	if _, err := tokens.parse(issued.Token, audienceHousehold); err != nil {
		t.Fatalf("within the leeway: %v", err)
	}
	now = now.Add(time.Second)
	if _, err := tokens.parse(issued.Token, audienceHousehold); err == nil {
		t.Fatal("a remembered token was accepted after it expired")
	}
	if _, ok := tokens.checked.m["anju-household "+issued.Token]; ok {
		t.Fatal("an expired token is still remembered")
	}
}

// TestRememberedTokensAreBounded: when checkedMax tokens are remembered, the
// next one starts the memory over.
func TestRememberedTokensAreBounded(t *testing.T) {
	var c checkedTokens
	c.m = map[string]checkedToken{}
	exp := time.Now().Add(time.Hour)
	for i := range checkedMax + 1 {
		c.put(strconv.Itoa(i), subject{id: int64(i)}, exp)
	}
	if len(c.m) != 1 {
		t.Fatalf("%d remembered, want 1 after the memory started over", len(c.m))
	}
	if sub, ok := c.get(strconv.Itoa(checkedMax), time.Now()); !ok || sub.id != checkedMax {
		t.Fatalf("the newest token was forgotten: %+v %v", sub, ok)
	}
}
