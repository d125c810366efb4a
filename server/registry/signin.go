package registry

import (
	"context"
	"fmt"
	"math"
	"time"

	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/problem"
	"anju/server/valid"
)

// HouseholdLogin is what a resident types after scanning the building's QR code.
type HouseholdLogin struct {
	BuildingToken string `json:"building_token"`
	Room          string `json:"room"`
	Code          string `json:"code"`
	// Entrance narrows the room when a building repeats room numbers per entrance.
	Entrance string `json:"entrance,omitempty"`
}

// SignedInHousehold is who signed in.
type SignedInHousehold struct {
	ID         int64  `json:"id"`
	Room       string `json:"room"`
	Entrance   string `json:"entrance"`
	BuildingID int64  `json:"building_id"`
}

var errBadCode = problem.Unauthorized("invalid_credentials", "The room or the household code is wrong. Check the slip from your community committee and try again.")

// SignIn checks a room and household code. An unknown room and a wrong code get
// the same answer in the same time. Wrong codes are counted per household; too
// many within the window lock that household's sign-in for a while.
func (s *Service) SignIn(ctx context.Context, in HouseholdLogin) (*SignedInHousehold, int, error) {
	if _, err := valid.Text("room", in.Room, true, 20); err != nil {
		return nil, 0, err
	}
	if in.Code == "" {
		return nil, 0, problem.Field("code", "is required: the 8-character code on your household slip")
	}
	b, err := s.ResolveToken(ctx, in.BuildingToken)
	if err != nil {
		return nil, 0, err
	}
	q := s.db.WithContext(ctx).Where("building_id = ? AND room = ?", b.ID, NormalizeRoom(in.Room))
	if in.Entrance != "" {
		q = q.Where("entrance = ?", in.Entrance)
	}
	var candidates []Household
	if err := q.Limit(10).Find(&candidates).Error; err != nil {
		return nil, 0, err
	}
	code := NormalizeCode(in.Code)
	now := s.now()
	var open []Household
	var wait time.Duration
	for _, h := range candidates {
		if d := lockedFor(&h, now); d > 0 {
			wait = max(wait, d)
			continue
		}
		open = append(open, h)
	}
	if len(candidates) > 0 && len(open) == 0 {
		return nil, 0, problem.TooMany("household_locked", wait,
			"Too many wrong codes for this room. Sign-in is paused for %d minutes; your community committee can lift it sooner.",
			int(math.Ceil(wait.Minutes())))
	}
	if len(open) == 0 {
		auth.VerifyNothing()
		return nil, 0, errBadCode
	}
	for _, h := range open {
		if len(code) == CodeLength && auth.Verify(code, h.CodeHash) {
			if h.FailedAttempts > 0 {
				if err := s.db.WithContext(ctx).Model(&Household{}).Where("id = ?", h.ID).
					Updates(map[string]any{"failed_attempts": 0, "first_failed_at": nil}).Error; err != nil {
					return nil, 0, err
				}
			}
			return &SignedInHousehold{ID: h.ID, Room: h.Room, Entrance: h.Entrance, BuildingID: h.BuildingID}, h.CodeVersion, nil
		}
	}
	for _, h := range open {
		if err := s.countFailure(ctx, h.ID); err != nil {
			return nil, 0, err
		}
	}
	return nil, 0, errBadCode
}

// countFailure records one wrong code and locks the household once the limit
// is reached within the window.
func (s *Service) countFailure(ctx context.Context, id int64) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.db.Lock(tx, lockNamespace, id); err != nil {
			return err
		}
		var h Household
		if err := tx.Take(&h, id).Error; err != nil {
			return fmt.Errorf("count failure: %w", err)
		}
		now := s.now()
		if h.FirstFailedAt == nil || now.Sub(*h.FirstFailedAt) > s.lockout.Window {
			h.FailedAttempts, h.FirstFailedAt = 0, &now
		}
		h.FailedAttempts++
		updates := map[string]any{"failed_attempts": h.FailedAttempts, "first_failed_at": h.FirstFailedAt}
		if h.FailedAttempts >= s.lockout.Attempts {
			until := now.Add(s.lockout.Duration)
			updates = map[string]any{"failed_attempts": 0, "first_failed_at": nil, "locked_until": until}
		}
		return tx.Model(&Household{}).Where("id = ?", id).Updates(updates).Error
	})
}
