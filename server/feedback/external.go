package feedback

import (
	"context"
	"time"

	"gorm.io/gorm"

	"anju/server/problem"
	"anju/server/valid"
)

// External is a complaint filed by another system (a city hotline) through
// Open311. Contact details are kept for staff to call back, never published.
type External struct {
	APIKeyID    int64
	APIKeyName  string
	DistrictID  *int64 // the key's district; nil for a city-wide key
	Category    string
	BuildingID  int64
	Description string
	Name        string
	Phone       string
	Email       string
}

// FileExternal records a complaint from another system.
func (s *Service) FileExternal(ctx context.Context, in External) (*Complaint, error) {
	if _, err := s.checkCategory(in.Category, ""); err != nil {
		return nil, problem.Field("service_code", "%q is not a service code; see services.json", in.Category)
	}
	desc, err := valid.Text("description", in.Description, true, 1000)
	if err != nil {
		return nil, err
	}
	name, err := valid.Text("name", in.Name, false, 100)
	if err != nil {
		return nil, err
	}
	phone, err := valid.Text("phone", in.Phone, false, 30)
	if err != nil {
		return nil, err
	}
	email, err := valid.Text("email", in.Email, false, 200)
	if err != nil {
		return nil, err
	}
	var b []struct{ CommunityID, DistrictID int64 }
	if err := s.db.WithContext(ctx).Raw(`SELECT b.community_id, c.district_id FROM buildings b
		JOIN communities c ON c.id = b.community_id WHERE b.id = ?`, in.BuildingID).Scan(&b).Error; err != nil {
		return nil, err
	}
	if len(b) == 0 || (in.DistrictID != nil && *in.DistrictID != b[0].DistrictID) {
		return nil, problem.Field("address_id", "no building %d exists in the area of this API key", in.BuildingID)
	}
	prj, err := s.currentProject(ctx, b[0].CommunityID, in.BuildingID)
	if err != nil {
		return nil, problem.Field("address_id", "building %d belongs to no renovation project", in.BuildingID)
	}
	now := s.now()
	d := s.cal.Deadline(now, s.cfg.AckWorkingDays)
	keyID := in.APIKeyID
	c := &Complaint{ProjectID: prj.ID, CommunityID: prj.CommunityID, DistrictID: prj.DistrictID, BuildingID: &in.BuildingID,
		Source: "open311", APIKeyID: &keyID, Category: in.Category, Description: desc, Status: Submitted, Deadline: &d,
		ContactName: name, ContactPhone: phone, ContactEmail: email, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(c).Error; err != nil {
			return err
		}
		return tx.Create(&Event{ComplaintID: c.ID, Kind: "status", ToStatus: string(Submitted), ActorType: ByOpen311,
			ActorID: &keyID, ActorName: in.APIKeyName, Deadline: &d, CreatedAt: now}).Error
	})
	return c, err
}

// Public is a complaint as others may see it: no household, room, contact or photo.
type Public struct {
	ID            int64
	Status        Status
	Category      string
	Description   string
	UnitName      string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Deadline      *time.Time
	BuildingID    *int64
	BuildingName  string
	CommunityName string
	Address       string
}

// PublicFilter narrows a public listing.
type PublicFilter struct {
	IDs      []int64
	Category string
	Open     *bool
	From, To *time.Time
	Limit    int
}

// PublicList lists complaints without personal data, newest first.
func (s *Service) PublicList(ctx context.Context, f PublicFilter) ([]Public, error) {
	q := s.db.WithContext(ctx).Table("complaints c").Select(`c.id, c.status, c.category, c.description, COALESCE(u.name, '') AS unit_name,
		c.created_at, c.updated_at, c.deadline, c.building_id, COALESCE(b.name, '') AS building_name, cm.name AS community_name,
		cm.address`).
		Joins("JOIN communities cm ON cm.id = c.community_id").
		Joins("LEFT JOIN buildings b ON b.id = c.building_id").
		Joins("LEFT JOIN responsible_units u ON u.id = c.unit_id")
	if len(f.IDs) > 0 {
		q = q.Where("c.id IN ?", f.IDs)
	}
	if f.Category != "" {
		q = q.Where("c.category = ?", f.Category)
	}
	if f.Open != nil {
		if *f.Open {
			q = q.Where("c.status IN ?", openStatuses())
		} else {
			q = q.Where("c.status NOT IN ?", openStatuses())
		}
	}
	if f.From != nil {
		q = q.Where("c.created_at >= ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("c.created_at <= ?", *f.To)
	}
	var out []Public
	err := q.Order("c.id DESC").Limit(f.Limit).Scan(&out).Error
	return out, err
}

// StatusLabel is a status's Chinese label.
func StatusLabel(s Status) string { return s.label() }
