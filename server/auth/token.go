// Package auth signs people in and says who is asking: staff with a password and
// a role scoped to the city, a district or a community; households with the
// code from their slip, scoped to that one household. Tokens are HS256 JWTs with
// a pinned algorithm, a required expiry, and checked issuer and audience.
package auth

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	issuer            = "anju"
	audienceStaff     = "anju-staff"
	audienceHousehold = "anju-household"
)

// Tokens issues and checks sign-in tokens.
type Tokens struct {
	key          []byte
	staffTTL     time.Duration
	householdTTL time.Duration
	now          func() time.Time
}

// NewTokens returns a token service signing with key.
func NewTokens(key []byte, staffTTL, householdTTL time.Duration) *Tokens {
	return &Tokens{key: key, staffTTL: staffTTL, householdTTL: householdTTL, now: time.Now}
}

// Issued is a signed token and when it expires.
type Issued struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

type claims struct {
	jwt.RegisteredClaims
	// CodeVersion binds a household token to the code it was issued for, so
	// issuing a new code ends the old sessions.
	CodeVersion int `json:"cv,omitempty"`
	// TokenVersion binds a staff token to the account's token version, so a
	// password change, a reset or disabling the account ends the old sessions.
	TokenVersion int `json:"tv,omitempty"`
}

// IssueStaff signs a token for staff user id under its current token version.
func (t *Tokens) IssueStaff(id int64, tokenVersion int) (Issued, error) {
	return t.issue("staff:"+strconv.FormatInt(id, 10), audienceStaff, t.staffTTL, claims{TokenVersion: tokenVersion})
}

// IssueHousehold signs a token for household id under its current code version.
func (t *Tokens) IssueHousehold(id int64, codeVersion int) (Issued, error) {
	return t.issue("household:"+strconv.FormatInt(id, 10), audienceHousehold, t.householdTTL, claims{CodeVersion: codeVersion})
}

// issue signs c (its versions) with the registered claims filled in.
func (t *Tokens) issue(sub, aud string, ttl time.Duration, c claims) (Issued, error) {
	now := t.now().UTC()
	exp := now.Add(ttl).Truncate(time.Second)
	c.RegisteredClaims = jwt.RegisteredClaims{
		Issuer: issuer, Subject: sub, Audience: jwt.ClaimStrings{aud},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.key)
	if err != nil {
		return Issued{}, fmt.Errorf("sign token: %w", err)
	}
	return Issued{Token: s, ExpiresAt: exp}, nil
}

// subject is what a verified token names.
type subject struct {
	kind         string // "staff" or "household"
	id           int64
	codeVersion  int
	tokenVersion int
	issuedAt     time.Time
}

var errBadToken = errors.New("bad token")

// parse verifies raw for the given audience.
func (t *Tokens) parse(raw, aud string) (subject, error) {
	p := jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer), jwt.WithAudience(aud), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithLeeway(30*time.Second), jwt.WithTimeFunc(t.now))
	var c claims
	if _, err := p.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.key, nil }); err != nil {
		return subject{}, err
	}
	kind, idText, ok := strings.Cut(c.Subject, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return subject{}, errBadToken
	}
	wantKind := "staff"
	if aud == audienceHousehold {
		wantKind = "household"
	}
	if kind != wantKind {
		return subject{}, errBadToken
	}
	sub := subject{kind: kind, id: id, codeVersion: c.CodeVersion, tokenVersion: c.TokenVersion}
	if c.IssuedAt != nil {
		sub.issuedAt = c.IssuedAt.Time
	}
	return sub, nil
}

// RenewAfter is how old a household token gets before a request made with it
// is answered with a fresh one (see Guard.Household).
const RenewAfter = 24 * time.Hour

// Renewal headers carry a household's fresh token and its expiry.
const (
	HeaderRenewedToken   = "X-Anju-Token"
	HeaderRenewedExpires = "X-Anju-Token-Expires"
)

// renewable tells whether a household token issued at issued should be renewed now.
func (t *Tokens) renewable(issued time.Time) bool {
	return !issued.IsZero() && t.now().Sub(issued) >= RenewAfter
}
