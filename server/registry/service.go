package registry

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"anju/server/audit"
	"anju/server/auth"
	"anju/server/problem"
	"anju/server/random"
	"anju/server/store"
	"anju/server/valid"
)

// Service manages the registry.
type Service struct {
	db         *store.DB
	audit      *audit.Log
	links      Links
	votingOpen func(ctx context.Context, communityID int64) (bool, error)
	guesses    GuessLimits
	hasher     *auth.Hasher
	now        func() time.Time
}

// Links builds the public addresses a QR code encodes.
type Links interface {
	ResidentURL(buildingToken string) string
	BoardURL(communityToken string) string
}

// NewService returns the registry. Household codes are checked within
// hasher's memory budget and their guessing is bounded by limits.
func NewService(db *store.DB, log *audit.Log, links Links, limits GuessLimits, hasher *auth.Hasher) *Service {
	return &Service{db: db, audit: log, links: links, guesses: limits, hasher: hasher, now: store.Now,
		votingOpen: func(context.Context, int64) (bool, error) { return false, nil }}
}

// WatchVoting tells the registry how to know whether a vote is open in a
// community, so that changes to the roll while one is are audited as such.
func (s *Service) WatchVoting(open func(ctx context.Context, communityID int64) (bool, error)) {
	s.votingOpen = open
}

// withBoard fills the community's notice-board links.
func (s *Service) withBoard(c *Community) *Community {
	if c.PublicToken != nil {
		c.BoardURL = s.links.BoardURL(*c.PublicToken)
		c.BoardQRURL = "/api/v1/communities/" + strconv.FormatInt(c.ID, 10) + "/qr.png"
	}
	return c
}

// Scope is where a record sits, for permission checks.
type Scope struct {
	DistrictID  int64
	CommunityID int64
}

// Allow returns a 404 unless s may see this scope: a record outside one's scope
// is reported as not existing rather than confirmed.
func (sc Scope) Allow(s *auth.Staff, what string, id int64) error {
	if s.CanCommunity(sc.DistrictID, sc.CommunityID) {
		return nil
	}
	return problem.NotFound(what+"_not_found", "No %s %d exists in your area.", strings.ReplaceAll(what, "_", " "), id)
}

// NewDistrict is a district to create.
type NewDistrict struct {
	Name string `json:"name"`
}

// CreateDistrict adds a district (city staff only; the route enforces it).
func (s *Service) CreateDistrict(ctx context.Context, by *auth.Staff, in NewDistrict) (*District, error) {
	name, err := valid.Text("name", in.Name, true, 50)
	if err != nil {
		return nil, err
	}
	d := &District{Name: name, CreatedAt: s.now()}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(d).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Conflict("district_exists", "A district named %q already exists.", name)
			}
			return err
		}
		return s.audit.Record(tx, by.Actor(), "district.create", "district", d.ID, in)
	})
	return d, err
}

// Districts lists the districts the caller may see.
func (s *Service) Districts(ctx context.Context, by *auth.Staff) ([]District, error) {
	q := s.db.WithContext(ctx).Order("id")
	if by.Role != auth.RoleCity {
		q = q.Where("id = ?", by.DistrictID)
	}
	var out []District
	return out, q.Find(&out).Error
}

// District loads one district the caller may see.
func (s *Service) District(ctx context.Context, by *auth.Staff, id int64) (*District, error) {
	var d District
	if err := s.db.WithContext(ctx).Take(&d, id).Error; err != nil {
		if store.NotFound(err) == store.ErrNotFound {
			return nil, problem.NotFound("district_not_found", "No district %d exists.", id)
		}
		return nil, err
	}
	if !by.CanDistrict(d.ID) {
		return nil, problem.NotFound("district_not_found", "No district %d exists in your area.", id)
	}
	return &d, nil
}

// NewCommunity is a community to create.
type NewCommunity struct {
	DistrictID int64  `json:"district_id"`
	Name       string `json:"name"`
	Address    string `json:"address"`
	BuiltYear  int    `json:"built_year"`
}

// CreateCommunity adds a community to a district the caller manages.
func (s *Service) CreateCommunity(ctx context.Context, by *auth.Staff, in NewCommunity) (*Community, error) {
	name, err := valid.Text("name", in.Name, true, 100)
	if err != nil {
		return nil, err
	}
	addr, err := valid.Text("address", in.Address, true, 200)
	if err != nil {
		return nil, err
	}
	if err := valid.Range("built_year", in.BuiltYear, 1900, s.now().Year()); err != nil {
		return nil, err
	}
	if in.DistrictID <= 0 {
		return nil, problem.Field("district_id", "is required: the id of the district the community is in")
	}
	if _, err := s.District(ctx, by, in.DistrictID); err != nil {
		return nil, err
	}
	token, err := random.Token()
	if err != nil {
		return nil, err
	}
	c := &Community{DistrictID: in.DistrictID, Name: name, Address: addr, BuiltYear: in.BuiltYear, PublicToken: &token, CreatedAt: s.now()}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(c).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Conflict("community_exists", "District %d already has a community named %q.", in.DistrictID, name)
			}
			return err
		}
		return s.audit.Record(tx, by.Actor(), "community.create", "community", c.ID, in)
	})
	return s.withBoard(c), err
}

// Communities lists the communities the caller may see, optionally of one district.
func (s *Service) Communities(ctx context.Context, by *auth.Staff, districtID int64) ([]Community, error) {
	q := s.db.WithContext(ctx).Order("id")
	switch by.Role {
	case auth.RoleDistrict:
		q = q.Where("district_id = ?", by.DistrictID)
	case auth.RoleCommittee:
		q = q.Where("id = ?", by.CommunityID)
	}
	if districtID != 0 {
		q = q.Where("district_id = ?", districtID)
	}
	var out []Community
	if err := q.Find(&out).Error; err != nil {
		return nil, err
	}
	for i := range out {
		s.withBoard(&out[i])
	}
	return out, nil
}

// Community loads one community the caller may see.
func (s *Service) Community(ctx context.Context, by *auth.Staff, id int64) (*Community, error) {
	var c Community
	if err := s.db.WithContext(ctx).Take(&c, id).Error; err != nil {
		if store.NotFound(err) == store.ErrNotFound {
			return nil, problem.NotFound("community_not_found", "No community %d exists.", id)
		}
		return nil, err
	}
	if err := (Scope{c.DistrictID, c.ID}).Allow(by, "community", id); err != nil {
		return nil, err
	}
	return s.withBoard(&c), nil
}

// CommunityByID loads a community without a permission check (for residents'
// views of their own community).
func (s *Service) CommunityByID(ctx context.Context, id int64) (*Community, error) {
	var c Community
	if err := s.db.WithContext(ctx).Take(&c, id).Error; err != nil {
		return nil, store.NotFound(err)
	}
	return s.withBoard(&c), nil
}

// CommunityByToken finds the community of a notice-board link.
func (s *Service) CommunityByToken(ctx context.Context, token string) (*Community, error) {
	var cs []Community
	if token != "" && len(token) <= 64 {
		if err := s.db.WithContext(ctx).Where("public_token = ?", token).Limit(1).Find(&cs).Error; err != nil {
			return nil, err
		}
	}
	if len(cs) == 0 {
		return nil, problem.NotFound("community_not_found", "This notice board does not exist; check the link or scan the QR code again.")
	}
	return s.withBoard(&cs[0]), nil
}

// DistrictByID loads a district without a permission check.
func (s *Service) DistrictByID(ctx context.Context, id int64) (*District, error) {
	var d District
	if err := s.db.WithContext(ctx).Take(&d, id).Error; err != nil {
		return nil, store.NotFound(err)
	}
	return &d, nil
}
