package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"anju/server/audit"
	"anju/server/problem"
	"anju/server/store"
)

// Account is a staff account as a manager sees it in the list (账号).
type Account struct {
	ID            int64     `json:"id"`
	Username      string    `json:"username"`
	Role          string    `json:"role"`
	DistrictID    *int64    `json:"district_id"`
	DistrictName  string    `json:"district_name"`
	CommunityID   *int64    `json:"community_id"`
	CommunityName string    `json:"community_name"`
	Disabled      bool      `json:"disabled"`
	CreatedAt     time.Time `json:"created_at"`
}

// PasswordReset is a manager's new password for another account.
type PasswordReset struct {
	Password string `json:"password"`
}

// PasswordChange is a staff user's own new password.
type PasswordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// cli names the command line in the audit log, where no staff user acts.
const cli = "command-line"

func actor(by *Staff) string {
	if by == nil {
		return cli
	}
	return by.Actor()
}

func checkPassword(field, password string) error {
	if len(password) < 10 || len(password) > 200 {
		return problem.Field(field, "must be 10 to 200 characters long")
	}
	return nil
}

const accountColumns = `SELECT u.id, u.username, u.role, u.district_id, COALESCE(d.name, '') AS district_name,
	u.community_id, COALESCE(c.name, '') AS community_name, u.disabled, u.created_at
	FROM staff_users u LEFT JOIN districts d ON d.id = u.district_id LEFT JOIN communities c ON c.id = u.community_id`

// List returns the accounts by manages: the city office every account, a
// district the committee accounts of its communities.
func (s *Staffs) List(ctx context.Context, by *Staff) ([]Account, error) {
	var out []Account
	q := accountColumns
	var args []any
	switch by.Role {
	case RoleCity:
	case RoleDistrict:
		q += " WHERE u.role = 'committee' AND u.district_id = ?"
		args = append(args, by.DistrictID)
	default:
		return nil, problem.Forbidden("Only city and district staff manage accounts.")
	}
	q += " ORDER BY CASE u.role WHEN 'city' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, u.username"
	err := s.db.WithContext(ctx).Raw(q, args...).Scan(&out).Error
	return out, err
}

func (s *Staffs) account(tx *gorm.DB, id int64) (*Account, error) {
	var a Account
	res := tx.Raw(accountColumns+" WHERE u.id = ?", id).Scan(&a)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, errNoAccount
	}
	return &a, nil
}

var errNoAccount = problem.NotFound("staff_user_not_found", "There is no such staff account among those you manage.")

// manageable loads account id if by may manage it. Accounts outside the
// caller's scope answer 404, so a district cannot probe which exist elsewhere.
// Managing one's own account this way is refused: the own password is changed
// with the current one, and disabling oneself would lock the office out.
func manageable(tx *gorm.DB, by *Staff, id int64, self bool) (*StaffUser, error) {
	if by.Role != RoleCity && by.Role != RoleDistrict {
		return nil, problem.Forbidden("Only city and district staff manage accounts.")
	}
	var u StaffUser
	if err := tx.Take(&u, id).Error; err != nil {
		if err := store.NotFound(err); errors.Is(err, store.ErrNotFound) {
			return nil, errNoAccount
		}
		return nil, err
	}
	if u.ID == by.ID {
		if self {
			return &u, nil
		}
		return nil, problem.Conflict("own_account", "This is your own account: change your password under 修改密码; another manager disables or resets it.")
	}
	if by.Role == RoleDistrict && (u.Role != RoleCommittee || u.DistrictID == nil || *u.DistrictID != by.DistrictID) {
		return nil, errNoAccount
	}
	return &u, nil
}

// endSessions bumps the account's token version, which ends every session
// issued before, and applies the other changes in the same statement.
func endSessions(tx *gorm.DB, id int64, changes map[string]any) error {
	changes["token_version"] = gorm.Expr("token_version + 1")
	return tx.Model(&StaffUser{}).Where("id = ?", id).Updates(changes).Error
}

// SetDisabled disables or enables account id, ending its sessions either way,
// so enabling it again never revives a token issued before.
func (s *Staffs) SetDisabled(ctx context.Context, by *Staff, id int64, disabled bool) (*Account, error) {
	var out *Account
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		u, err := manageable(tx, by, id, false)
		if err != nil {
			return err
		}
		if u.Disabled != disabled {
			if err := endSessions(tx, u.ID, map[string]any{"disabled": disabled}); err != nil {
				return err
			}
			action := "staff.enable"
			if disabled {
				action = "staff.disable"
			}
			if err := s.audit.Record(tx, actor(by), action, "staff_user", u.ID, map[string]any{"username": u.Username}); err != nil {
				return err
			}
		}
		out, err = s.account(tx, u.ID)
		return err
	})
	return out, err
}

// ResetPassword sets a new password on account id and ends its sessions.
func (s *Staffs) ResetPassword(ctx context.Context, by *Staff, id int64, password string) (*Account, error) {
	if err := checkPassword("password", password); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, password, PasswordParams)
	if err != nil {
		return nil, err
	}
	var out *Account
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		u, err := manageable(tx, by, id, false)
		if err != nil {
			return err
		}
		if err := endSessions(tx, u.ID, map[string]any{"password_hash": hash}); err != nil {
			return err
		}
		if err := s.audit.Record(tx, actor(by), "staff.password_reset", "staff_user", u.ID, map[string]any{"username": u.Username}); err != nil {
			return err
		}
		out, err = s.account(tx, u.ID)
		return err
	})
	return out, err
}

// ChangePassword replaces the signed-in user's own password after checking
// the current one, ending every session of the account; it returns the
// account with its new token version, for the caller's fresh token.
func (s *Staffs) ChangePassword(ctx context.Context, by *Staff, req PasswordChange) (*StaffUser, error) {
	if req.CurrentPassword == "" {
		return nil, problem.Field("current_password", "is required")
	}
	if err := checkPassword("new_password", req.NewPassword); err != nil {
		return nil, err
	}
	u, err := s.Get(ctx, by.ID)
	if err != nil {
		return nil, err
	}
	ok, err := s.hasher.Verify(ctx, req.CurrentPassword, u.PasswordHash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, problem.Unprocessable("wrong_password", "The current password is wrong.").With("field", "current_password")
	}
	hash, err := s.hasher.Hash(ctx, req.NewPassword, PasswordParams)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		// Only if nothing changed the account since it was read: a concurrent
		// reset or change wins, and this one is refused rather than undoing it.
		res := tx.Model(&StaffUser{}).Where("id = ? AND token_version = ? AND NOT disabled", u.ID, u.TokenVersion).
			Updates(map[string]any{"password_hash": hash, "token_version": u.TokenVersion + 1})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return problem.Conflict("account_changed", "Your account was changed meanwhile; sign in again and retry.")
		}
		return s.audit.Record(tx, actor(by), "staff.password_change", "staff_user", u.ID, map[string]any{"username": u.Username})
	})
	if err != nil {
		return nil, err
	}
	u.PasswordHash, u.TokenVersion = hash, u.TokenVersion+1
	return u, nil
}

// History lists the audited actions on account id, newest first.
func (s *Staffs) History(ctx context.Context, by *Staff, id int64) ([]audit.Event, error) {
	if _, err := manageable(s.db.WithContext(ctx), by, id, true); err != nil {
		return nil, err
	}
	var out []audit.Event
	err := s.db.WithContext(ctx).Where("subject_type = ? AND subject_id = ?", "staff_user", id).Order("id DESC").Find(&out).Error
	return out, err
}

// SetPassword replaces a user's password from the command line and ends the
// account's sessions.
func (s *Staffs) SetPassword(ctx context.Context, username, password string) error {
	if err := checkPassword("password", password); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, password, PasswordParams)
	if err != nil {
		return err
	}
	return s.byName(ctx, username, "staff.password_reset", map[string]any{"password_hash": hash})
}

// SetDisabledByName disables or enables an account from the command line,
// ending its sessions.
func (s *Staffs) SetDisabledByName(ctx context.Context, username string, disabled bool) error {
	action := "staff.enable"
	if disabled {
		action = "staff.disable"
	}
	return s.byName(ctx, username, action, map[string]any{"disabled": disabled})
}

func (s *Staffs) byName(ctx context.Context, username, action string, changes map[string]any) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var u StaffUser
		if err := tx.Where("username = ?", username).Take(&u).Error; err != nil {
			if err := store.NotFound(err); errors.Is(err, store.ErrNotFound) {
				return problem.NotFound("staff_user_not_found", "There is no staff account %q.", username)
			}
			return err
		}
		if err := endSessions(tx, u.ID, changes); err != nil {
			return fmt.Errorf("update staff user: %w", err)
		}
		return s.audit.Record(tx, cli, action, "staff_user", u.ID, map[string]any{"username": u.Username})
	})
}
