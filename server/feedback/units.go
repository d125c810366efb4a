package feedback

import (
	"context"
	"time"

	"anju/server/auth"
	"anju/server/problem"
	"anju/server/store"
	"anju/server/valid"
)

// Unit is a unit complaints are assigned to: a contractor, a property
// company or a district department.
type Unit struct {
	ID         int64     `json:"id"`
	DistrictID *int64    `json:"district_id"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	Phone      string    `json:"phone"`
	CreatedBy  *int64    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
}

// TableName binds Unit to its table.
func (Unit) TableName() string { return "responsible_units" }

// NewUnit is a unit to add.
type NewUnit struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Phone      string `json:"phone,omitempty"`
	DistrictID *int64 `json:"district_id,omitempty"`
}

// Units lists the units the caller may assign to: its district's and the
// city-wide ones (the city sees all).
func (s *Service) Units(ctx context.Context, by *auth.Staff) ([]Unit, error) {
	q := s.db.WithContext(ctx).Order("name")
	if by.Role != auth.RoleCity {
		q = q.Where("district_id = ? OR district_id IS NULL", by.DistrictID)
	}
	var out []Unit
	return out, q.Find(&out).Error
}

// AddUnit adds a unit in the caller's district (the city may add city-wide
// units or any district's).
func (s *Service) AddUnit(ctx context.Context, by *auth.Staff, in NewUnit) (*Unit, error) {
	name, err := valid.Text("name", in.Name, true, 100)
	if err != nil {
		return nil, err
	}
	if err := valid.OneOf("kind", in.Kind, codes(UnitKinds)...); err != nil {
		return nil, err
	}
	phone, err := valid.Text("phone", in.Phone, false, 30)
	if err != nil {
		return nil, err
	}
	district := in.DistrictID
	if by.Role != auth.RoleCity {
		if district != nil && *district != by.DistrictID {
			return nil, problem.Field("district_id", "you may add units only in your own district")
		}
		district = &by.DistrictID
	}
	u := &Unit{DistrictID: district, Name: name, Kind: in.Kind, Phone: phone, CreatedBy: &by.ID, CreatedAt: store.Now()}
	if err := s.db.WithContext(ctx).Create(u).Error; err != nil {
		if store.IsUniqueViolation(err) {
			return nil, problem.Conflict("unit_exists", "A unit named %q already exists here.", name)
		}
		if store.IsForeignKeyViolation(err) {
			return nil, problem.Field("district_id", "no district %d exists", *district)
		}
		return nil, err
	}
	return u, nil
}

// unit loads a unit the caller may assign a complaint of district d to.
func (s *Service) unit(ctx context.Context, by *auth.Staff, d, id int64) (*Unit, error) {
	var us []Unit
	if err := s.db.WithContext(ctx).Where("id = ? AND (district_id = ? OR district_id IS NULL)", id, d).Limit(1).Find(&us).Error; err != nil {
		return nil, err
	}
	if len(us) == 0 {
		return nil, problem.Field("unit_id", "no unit %d works in this complaint's district; add it under 责任单位 first", id)
	}
	return &us[0], nil
}
