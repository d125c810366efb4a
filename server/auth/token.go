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
	"sync"
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
	checked      checkedTokens
}

// NewTokens returns a token service signing with key.
func NewTokens(key []byte, staffTTL, householdTTL time.Duration) *Tokens {
	return &Tokens{key: key, staffTTL: staffTTL, householdTTL: householdTTL, now: time.Now,
		checked: checkedTokens{m: map[string]checkedToken{}}}
}

// checkedTokens remembers the tokens this instance has verified, so that a
// phone sending the same token with every request (for a day, until it is
// renewed) costs one signature check and one JSON decoding, not one per
// request. What a token says depends on nothing but its bytes and the key,
// so remembering it is exact: its expiry is still checked on every use, and
// what can end a session before then (a new household code, a staff token
// version) is checked against the database by the guard, as before. It is a
// cache of a pure function, not state: another instance simply verifies
// the token again.
type checkedTokens struct {
	mu sync.Mutex
	m  map[string]checkedToken
}

type checkedToken struct {
	sub subject
	exp time.Time
}

// checkedMax bounds the tokens remembered; when it is reached they are all
// forgotten and verified again as they come.
const checkedMax = 8192

// tokenLeeway is the clock skew allowed on a token's times.
const tokenLeeway = 30 * time.Second

func (c *checkedTokens) get(key string, now time.Time) (subject, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	tok, ok := c.m[key]
	if !ok {
		return subject{}, false
	}
	if !now.Before(tok.exp.Add(tokenLeeway)) {
		delete(c.m, key)
		return subject{}, false
	}
	return tok.sub, true
}

func (c *checkedTokens) put(key string, sub subject, exp time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= checkedMax {
		clear(c.m)
	}
	c.m[key] = checkedToken{sub: sub, exp: exp}
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
	key := aud + " " + raw
	if sub, ok := t.checked.get(key, t.now()); ok {
		return sub, nil
	}
	sub, exp, err := t.verify(raw, aud)
	if err != nil {
		return subject{}, err
	}
	t.checked.put(key, sub, exp)
	return sub, nil
}

// verify checks raw's signature and claims for the given audience, and
// returns what it names and when it expires.
func (t *Tokens) verify(raw, aud string) (subject, time.Time, error) {
	p := jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer), jwt.WithAudience(aud), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithLeeway(tokenLeeway), jwt.WithTimeFunc(t.now))
	var c claims
	if _, err := p.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.key, nil }); err != nil {
		return subject{}, time.Time{}, err
	}
	kind, idText, ok := strings.Cut(c.Subject, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return subject{}, time.Time{}, errBadToken
	}
	wantKind := "staff"
	if aud == audienceHousehold {
		wantKind = "household"
	}
	if kind != wantKind {
		return subject{}, time.Time{}, errBadToken
	}
	sub := subject{kind: kind, id: id, codeVersion: c.CodeVersion, tokenVersion: c.TokenVersion}
	if c.IssuedAt != nil {
		sub.issuedAt = c.IssuedAt.Time
	}
	return sub, c.ExpiresAt.Time, nil // WithExpirationRequired: there is one
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
