package auth

import (
	"strings"
	"testing"
	"time"
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
