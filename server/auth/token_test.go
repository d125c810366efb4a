package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
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
