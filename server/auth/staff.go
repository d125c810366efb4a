package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"gorm.io/gorm"

	"anju/server/audit"
	"anju/server/problem"
	"anju/server/store"
	"anju/server/valid"
)

// StaffUser is a staff account (工作人员).
type StaffUser struct {
	ID           int64     `gorm:"primaryKey" json:"id"`
	Username     string    `json:"username"`
	PasswordHash string    `json:"-"`
	Role         string    `json:"role"`
	DistrictID   *int64    `json:"district_id"`
	CommunityID  *int64    `json:"community_id"`
	Disabled     bool      `json:"disabled"`
	TokenVersion int       `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// TableName binds StaffUser to its table.
func (StaffUser) TableName() string { return "staff_users" }

func (u *StaffUser) principal() *Staff {
	s := &Staff{ID: u.ID, Username: u.Username, Role: u.Role}
	if u.DistrictID != nil {
		s.DistrictID = *u.DistrictID
	}
	if u.CommunityID != nil {
		s.CommunityID = *u.CommunityID
	}
	return s
}

// NewStaff is what it takes to create a staff account.
type NewStaff struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	Role        string `json:"role"`
	DistrictID  int64  `json:"district_id,omitempty"`
	CommunityID int64  `json:"community_id,omitempty"`
}

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$`)

// Validate checks the request on its own.
func (n *NewStaff) Validate() error {
	if !usernamePattern.MatchString(n.Username) {
		return problem.Field("username", "must be 3 to 40 letters, digits, dots, hyphens or underscores, starting with a letter or digit")
	}
	if err := checkPassword("password", n.Password); err != nil {
		return err
	}
	if err := valid.OneOf("role", n.Role, RoleCity, RoleDistrict, RoleCommittee); err != nil {
		return err
	}
	switch {
	case n.Role == RoleCity && (n.DistrictID != 0 || n.CommunityID != 0):
		return problem.Field("role", "a city account covers everything; leave district_id and community_id out")
	case n.Role == RoleDistrict && (n.DistrictID == 0 || n.CommunityID != 0):
		return problem.Field("district_id", "a district account needs district_id and no community_id")
	case n.Role == RoleCommittee && n.CommunityID == 0:
		return problem.Field("community_id", "a committee account needs community_id")
	}
	return nil
}

// Staffs manages staff accounts.
type Staffs struct {
	db     *store.DB
	audit  *audit.Log
	hasher *Hasher
}

// NewStaffs returns the staff account service: every change to an account is
// written to the audit log, and passwords are hashed and checked within the
// hasher's memory budget.
func NewStaffs(db *store.DB, log *audit.Log, hasher *Hasher) *Staffs {
	return &Staffs{db: db, audit: log, hasher: hasher}
}

// Create adds an account. by is the creating staff user (nil from the command
// line); a district account may only create committee accounts in its district.
func (s *Staffs) Create(ctx context.Context, by *Staff, n NewStaff) (*StaffUser, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if n.Role == RoleCommittee {
		var row struct{ DistrictID int64 }
		err := s.db.WithContext(ctx).Raw("SELECT district_id FROM communities WHERE id = ?", n.CommunityID).Scan(&row).Error
		if err != nil {
			return nil, err
		}
		if row.DistrictID == 0 {
			return nil, problem.Field("community_id", "no community %d exists", n.CommunityID)
		}
		n.DistrictID = row.DistrictID
	}
	if by != nil {
		allowed := by.Role == RoleCity || (by.Role == RoleDistrict && n.Role == RoleCommittee && n.DistrictID == by.DistrictID)
		if !allowed {
			return nil, problem.Forbidden("Only the city office creates city and district accounts; a district creates committee accounts of its own communities.")
		}
	}
	if n.Role == RoleDistrict {
		var count int64
		if err := s.db.WithContext(ctx).Table("districts").Where("id = ?", n.DistrictID).Count(&count).Error; err != nil {
			return nil, err
		}
		if count == 0 {
			return nil, problem.Field("district_id", "no district %d exists", n.DistrictID)
		}
	}
	hash, err := s.hasher.Hash(ctx, n.Password, PasswordParams)
	if err != nil {
		return nil, err
	}
	u := &StaffUser{Username: n.Username, PasswordHash: hash, Role: n.Role, CreatedAt: store.Now()}
	if n.DistrictID != 0 {
		u.DistrictID = &n.DistrictID
	}
	if n.CommunityID != 0 {
		u.CommunityID = &n.CommunityID
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(u).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Conflict("username_taken", "The username %q is already taken; choose another.", n.Username)
			}
			return fmt.Errorf("create staff user: %w", err)
		}
		return s.audit.Record(tx, actor(by), "staff.create", "staff_user", u.ID,
			map[string]any{"username": u.Username, "role": u.Role, "district_id": u.DistrictID, "community_id": u.CommunityID})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

var errBadLogin = problem.Unauthorized("invalid_credentials", "The username or password is wrong.")

// Authenticate checks a username and password. An unknown username costs one
// password hash with the same parameters as a known one, so the answer's
// timing does not tell which usernames exist.
func (s *Staffs) Authenticate(ctx context.Context, username, password string) (*StaffUser, error) {
	var u StaffUser
	var hashes []string
	err := s.db.WithContext(ctx).Where("username = ?", username).Take(&u).Error
	switch {
	case err == nil:
		hashes = []string{u.PasswordHash}
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return nil, err
	}
	match, err := s.hasher.Check(ctx, password, hashes, 1, PasswordParams)
	if err != nil {
		return nil, err
	}
	if match < 0 {
		return nil, errBadLogin
	}
	if u.Disabled {
		return nil, problem.Unauthorized("account_disabled", "This staff account has been disabled; ask your administrator.")
	}
	return &u, nil
}

// Get loads one account.
func (s *Staffs) Get(ctx context.Context, id int64) (*StaffUser, error) {
	var u StaffUser
	if err := s.db.WithContext(ctx).Take(&u, id).Error; err != nil {
		return nil, store.NotFound(err)
	}
	return &u, nil
}
