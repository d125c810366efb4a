package registry

import (
	"context"
	"errors"
	"strconv"

	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/problem"
	"anju/server/random"
	"anju/server/store"
	"anju/server/valid"
)

// NewBuilding is a building to create.
type NewBuilding struct {
	Name string `json:"name"`
}

func (s *Service) buildingView(b *Building, households int64) BuildingView {
	return BuildingView{ID: b.ID, CommunityID: b.CommunityID, Name: b.Name, Token: b.Token,
		ResidentURL: s.links.ResidentURL(b.Token), QRURL: "/api/v1/buildings/" + strconv.FormatInt(b.ID, 10) + "/qr.png",
		TokenRotatedAt: b.TokenRotatedAt, CreatedAt: b.CreatedAt, Households: households}
}

// CreateBuilding adds a building to a community, with a fresh public token.
func (s *Service) CreateBuilding(ctx context.Context, by *auth.Staff, communityID int64, in NewBuilding) (*BuildingView, error) {
	name, err := valid.Text("name", in.Name, true, 50)
	if err != nil {
		return nil, err
	}
	if _, err := s.Community(ctx, by, communityID); err != nil {
		return nil, err
	}
	token, err := random.Token()
	if err != nil {
		return nil, err
	}
	b := &Building{CommunityID: communityID, Name: name, Token: token, CreatedAt: s.now()}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(b).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Conflict("building_exists", "This community already has a building named %q.", name)
			}
			return err
		}
		return s.audit.Record(tx, by.Actor(), "building.create", "building", b.ID, in)
	})
	if err != nil {
		return nil, err
	}
	v := s.buildingView(b, 0)
	return &v, nil
}

// Buildings lists a community's buildings with their household counts.
func (s *Service) Buildings(ctx context.Context, by *auth.Staff, communityID int64) ([]BuildingView, error) {
	if _, err := s.Community(ctx, by, communityID); err != nil {
		return nil, err
	}
	var rows []struct {
		Building
		Households int64
	}
	err := s.db.WithContext(ctx).Table("buildings").
		Select("buildings.*, (SELECT COUNT(*) FROM households h WHERE h.building_id = buildings.id) AS households").
		Where("community_id = ?", communityID).Order("id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]BuildingView, 0, len(rows))
	for i := range rows {
		out = append(out, s.buildingView(&rows[i].Building, rows[i].Households))
	}
	return out, nil
}

// building loads a building the caller may see, with its scope.
func (s *Service) building(ctx context.Context, by *auth.Staff, id int64) (*Building, Scope, error) {
	var b Building
	if err := s.db.WithContext(ctx).Take(&b, id).Error; err != nil {
		if errors.Is(store.NotFound(err), store.ErrNotFound) {
			return nil, Scope{}, problem.NotFound("building_not_found", "No building %d exists.", id)
		}
		return nil, Scope{}, err
	}
	c, err := s.CommunityByID(ctx, b.CommunityID)
	if err != nil {
		return nil, Scope{}, err
	}
	sc := Scope{DistrictID: c.DistrictID, CommunityID: c.ID}
	if by != nil {
		if err := sc.Allow(by, "building", id); err != nil {
			return nil, Scope{}, err
		}
	}
	return &b, sc, nil
}

// Building loads one building the caller may see.
func (s *Service) Building(ctx context.Context, by *auth.Staff, id int64) (*BuildingView, error) {
	b, _, err := s.building(ctx, by, id)
	if err != nil {
		return nil, err
	}
	var n int64
	if err := s.db.WithContext(ctx).Model(&Household{}).Where("building_id = ?", id).Count(&n).Error; err != nil {
		return nil, err
	}
	v := s.buildingView(b, n)
	return &v, nil
}

// RotateToken gives a building a new public token; the old one is retired, so
// a leaked poster's QR code then says it is no longer valid.
func (s *Service) RotateToken(ctx context.Context, by *auth.Staff, id int64) (*BuildingView, error) {
	b, _, err := s.building(ctx, by, id)
	if err != nil {
		return nil, err
	}
	token, err := random.Token()
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&retiredToken{Token: b.Token, BuildingID: b.ID, RetiredAt: now}).Error; err != nil {
			return err
		}
		res := tx.Model(&Building{}).Where("id = ? AND token = ?", b.ID, b.Token).
			Updates(map[string]any{"token": token, "token_rotated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return problem.Conflict("token_changed", "The token was rotated by someone else just now; reload and try again.")
		}
		return s.audit.Record(tx, by.Actor(), "building.rotate_token", "building", b.ID, map[string]any{})
	})
	if err != nil {
		return nil, err
	}
	return s.Building(ctx, by, id)
}

// ResolveToken finds the building a public token belongs to: problem 410 when
// the token was rotated away, 404 when it never existed.
func (s *Service) ResolveToken(ctx context.Context, token string) (*Building, error) {
	if len(token) == 0 || len(token) > 64 {
		return nil, problem.NotFound("building_not_found", "This QR code does not belong to any building in Anju.")
	}
	var b Building
	err := s.db.WithContext(ctx).Where("token = ?", token).Take(&b).Error
	if err == nil {
		return &b, nil
	}
	if !errors.Is(store.NotFound(err), store.ErrNotFound) {
		return nil, err
	}
	var n int64
	if err := s.db.WithContext(ctx).Model(&retiredToken{}).Where("token = ?", token).Count(&n).Error; err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, problem.Gone("token_retired", "This QR code is no longer valid: the building has a new one. Please scan the QR code on the newest poster, or ask your community committee.")
	}
	return nil, problem.NotFound("building_not_found", "This QR code does not belong to any building in Anju.")
}

// BuildingScope returns where a building sits, checking the caller may see it.
func (s *Service) BuildingScope(ctx context.Context, by *auth.Staff, id int64) (Scope, error) {
	_, sc, err := s.building(ctx, by, id)
	return sc, err
}

// BuildingByID loads a building without a permission check.
func (s *Service) BuildingByID(ctx context.Context, id int64) (*Building, error) {
	var b Building
	if err := s.db.WithContext(ctx).Take(&b, id).Error; err != nil {
		return nil, store.NotFound(err)
	}
	return &b, nil
}
