package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"anju/server/httpx"
	"anju/server/problem"
	"anju/server/store"
)

// Roles of staff users.
const (
	RoleCity      = "city"      // 市老旧小区改造办: everything
	RoleDistrict  = "district"  // 县区住建/房管: one district
	RoleCommittee = "committee" // 社区居委会: one community
)

// Staff is a signed-in staff user.
type Staff struct {
	ID          int64
	Username    string
	Role        string
	DistrictID  int64
	CommunityID int64
}

// Actor names the staff user in the audit log.
func (s *Staff) Actor() string { return "staff:" + s.Username }

// CanDistrict tells whether s may see district d.
func (s *Staff) CanDistrict(d int64) bool {
	return s.Role == RoleCity || s.DistrictID == d
}

// CanCommunity tells whether s may see community c of district d.
func (s *Staff) CanCommunity(d, c int64) bool {
	switch s.Role {
	case RoleCity:
		return true
	case RoleDistrict:
		return s.DistrictID == d
	default:
		return s.CommunityID == c
	}
}

// Household is a signed-in household.
type Household struct {
	ID          int64
	BuildingID  int64
	CommunityID int64
	DistrictID  int64
	CodeVersion int
}

// HouseholdLookup loads a household's principal; store.ErrNotFound when it is gone.
type HouseholdLookup func(ctx context.Context, id int64) (Household, error)

// Guard checks bearer tokens on the routes it wraps.
type Guard struct {
	tokens     *Tokens
	db         *store.DB
	households HouseholdLookup
}

// NewGuard returns a guard; households loads household principals.
func NewGuard(tokens *Tokens, db *store.DB, households HouseholdLookup) *Guard {
	return &Guard{tokens: tokens, db: db, households: households}
}

const (
	staffKey     = "anju.staff"
	recheckKey   = "anju.staff.recheck"
	householdKey = "anju.household"
	claimKey     = "anju.household.claim"
)

func bearer(c echo.Context) (string, error) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	raw, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(raw) == "" {
		return "", problem.Unauthorized("sign_in_required", "Sign in first: send the token from the sign-in answer as 'Authorization: Bearer <token>'.")
	}
	return strings.TrimSpace(raw), nil
}

var errExpired = problem.Unauthorized("session_expired", "Your sign-in has expired or is no longer valid; please sign in again.")

// Staff lets through signed-in staff of the given roles (any role when none given).
func (g *Guard) Staff(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			raw, err := bearer(c)
			if err != nil {
				return err
			}
			sub, err := g.tokens.parse(raw, audienceStaff)
			if err != nil {
				if _, herr := g.tokens.parse(raw, audienceHousehold); herr == nil {
					return problem.Forbidden("This is a household's sign-in; this page is for staff only.")
				}
				return errExpired
			}
			check := func(ctx context.Context) (*Staff, error) {
				u, err := g.loadStaff(ctx, sub.id, sub.tokenVersion)
				if err != nil {
					return nil, err
				}
				if len(roles) > 0 && !contains(roles, u.Role) {
					return nil, problem.Forbidden("This needs the role %s; you are signed in as %s.", strings.Join(roles, " or "), u.Role)
				}
				return u, nil
			}
			u, err := check(c.Request().Context())
			if err != nil {
				return err
			}
			c.Set(staffKey, u)
			c.Set(recheckKey, check)
			return next(c)
		}
	}
}

var errRevoked = problem.Unauthorized("session_expired",
	"This sign-in has ended: the password was changed or the account was reset, disabled or enabled. Please sign in again.")

// loadStaff reads the account behind a token on every request, so a changed
// role, a disabled account or a bumped token version takes effect at once.
func (g *Guard) loadStaff(ctx context.Context, id int64, tokenVersion int) (*Staff, error) {
	var u StaffUser
	err := g.db.WithContext(ctx).Take(&u, id).Error
	if err := store.NotFound(err); errors.Is(err, store.ErrNotFound) {
		return nil, errExpired
	} else if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, problem.Unauthorized("account_disabled", "This staff account has been disabled; ask your administrator.")
	}
	if u.TokenVersion != tokenVersion {
		return nil, errRevoked
	}
	return u.principal(), nil
}

// StaffStill reads the signed-in staff user's account again, for responses
// that outlive the request's check (the live tally): it fails once the
// account is disabled or its sessions were ended, on whichever instance that
// happened, and returns the current role and scope.
func StaffStill(c echo.Context) (*Staff, error) {
	recheck, ok := c.Get(recheckKey).(func(context.Context) (*Staff, error))
	if !ok {
		return nil, problem.Unauthorized("sign_in_required", "Sign in as staff first.")
	}
	s, err := recheck(c.Request().Context())
	if err != nil {
		return nil, err
	}
	c.Set(staffKey, s)
	return s, nil
}

// Household lets through a signed-in household whose code has not been replaced.
func (g *Guard) Household() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			cl, err := g.claim(c)
			if err != nil {
				return err
			}
			if _, err := cl.Verify(c.Request().Context()); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// HouseholdClaim lets through a valid household token (signature, audience,
// expiry) without reading the household: the handler reads it in its own
// first statement and calls Confirm, or calls Verify, before it does
// anything for the household. It is for the vote, whose first round trip
// to the database then also checks who votes.
func (g *Guard) HouseholdClaim() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			cl, err := g.claim(c)
			if err != nil {
				return err
			}
			c.Set(claimKey, cl)
			return next(c)
		}
	}
}

// Claim is a household token that the guard found valid, before the
// household it names is read: until Verify or Confirm, nobody is signed in.
type Claim struct {
	// ID and CodeVersion are what the token says.
	ID          int64
	CodeVersion int
	g           *Guard
	c           echo.Context
	issuedAt    time.Time
}

func (g *Guard) claim(c echo.Context) (*Claim, error) {
	raw, err := bearer(c)
	if err != nil {
		return nil, err
	}
	sub, err := g.tokens.parse(raw, audienceHousehold)
	if err != nil {
		if _, serr := g.tokens.parse(raw, audienceStaff); serr == nil {
			return nil, problem.Forbidden("This is a staff sign-in; these pages are for one household, signed in with its code.")
		}
		return nil, errExpired
	}
	return &Claim{ID: sub.id, CodeVersion: sub.codeVersion, g: g, c: c, issuedAt: sub.issuedAt}, nil
}

var errNewCode = problem.Unauthorized("session_expired", "A new household code has been issued; sign in again with the code from the new slip.")

// Verify reads the household the token names and signs it in, or fails as
// the guard does (session_expired for a household gone or given a new code).
func (cl *Claim) Verify(ctx context.Context) (*Household, error) {
	h, err := cl.g.households(ctx, cl.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errExpired
	}
	if err != nil {
		return nil, err
	}
	return cl.Confirm(h)
}

// Confirm signs in h, the household as the handler read it: it must be the
// one the token names, with the token's code version.
func (cl *Claim) Confirm(h Household) (*Household, error) {
	if h.ID != cl.ID {
		return nil, errExpired
	}
	if h.CodeVersion != cl.CodeVersion {
		return nil, errNewCode
	}
	cl.c.Set(householdKey, &h)
	if cl.g.tokens.renewable(cl.issuedAt) {
		cl.g.renew(cl.c, h)
	}
	return &h, nil
}

// ClaimFrom returns the claim the HouseholdClaim guard let through.
func ClaimFrom(c echo.Context) (*Claim, error) {
	cl, ok := c.Get(claimKey).(*Claim)
	if !ok || cl == nil {
		return nil, problem.Unauthorized("sign_in_required", "Sign in with your room and household code first.")
	}
	return cl, nil
}

// renew answers with a fresh token for a household that signed in more than
// RenewAfter ago: a phone in use never reaches the token's expiry, so it keeps
// its session through a vote of any length, whatever happens to sign-in
// meanwhile (a pause, a lock, a lost slip). Only a new code (a new code
// version) or the phone staying unused for the whole token lifetime ends it.
func (g *Guard) renew(c echo.Context, h Household) {
	fresh, err := g.tokens.IssueHousehold(h.ID, h.CodeVersion)
	if err != nil {
		return // the old token is still valid; renewal can wait for the next request
	}
	c.Response().Header().Set(HeaderRenewedToken, fresh.Token)
	c.Response().Header().Set(HeaderRenewedExpires, fresh.ExpiresAt.Format(time.RFC3339))
}

// StaffFrom returns the staff user the guard let through.
func StaffFrom(c echo.Context) (*Staff, error) {
	s, ok := c.Get(staffKey).(*Staff)
	if !ok || s == nil {
		return nil, problem.Unauthorized("sign_in_required", "Sign in as staff first.")
	}
	return s, nil
}

// HouseholdFrom returns the household the guard let through.
func HouseholdFrom(c echo.Context) (*Household, error) {
	h, ok := c.Get(householdKey).(*Household)
	if !ok || h == nil {
		return nil, problem.Unauthorized("sign_in_required", "Sign in with your room and household code first.")
	}
	return h, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// StaffAndID is the common start of staff handlers on /things/:id: the staff
// user and the id from the path.
func StaffAndID(c echo.Context) (*Staff, int64, error) {
	s, err := StaffFrom(c)
	if err != nil {
		return nil, 0, err
	}
	id, err := httpx.ID(c, "id")
	return s, id, err
}
