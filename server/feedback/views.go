package feedback

import (
	"context"
	"strconv"
	"time"

	"anju/server/auth"
	"anju/server/problem"
	"anju/server/registry"
	"anju/server/store"
)

// UnitRef names the unit a complaint is assigned to.
type UnitRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// WarrantyView is a warranty claim's kind and last covered day.
type WarrantyView struct {
	Kind      string `json:"kind"`
	ExpiresOn string `json:"expires_on"`
}

// Photo is a link to a stored photo.
type Photo struct {
	URL string `json:"url"`
}

// EventView is a timeline line as the apps show it.
type EventView struct {
	At        time.Time  `json:"at"`
	Kind      string     `json:"kind"`
	From      string     `json:"from,omitempty"`
	To        string     `json:"to,omitempty"`
	Note      string     `json:"note"`
	Actor     string     `json:"actor"`
	ActorType string     `json:"actor_type"`
	Unit      string     `json:"unit,omitempty"`
	Deadline  *time.Time `json:"deadline,omitempty"`
}

// Primary is what a merged complaint's household sees of the complaint it was merged into.
type Primary struct {
	ID       int64       `json:"id"`
	Status   Status      `json:"status"`
	Open     bool        `json:"open"`
	Deadline *time.Time  `json:"deadline"`
	Overdue  bool        `json:"overdue"`
	Events   []EventView `json:"events"`
}

// HouseholdRef is the household behind a complaint, for staff (owner masked).
type HouseholdRef struct {
	ID           int64  `json:"id"`
	Room         string `json:"room"`
	BuildingName string `json:"building_name"`
	OwnerMasked  string `json:"owner_masked"`
}

// View is a complaint as the apps show it. Staff-only fields are empty for households.
type View struct {
	ID              int64         `json:"id"`
	ProjectID       int64         `json:"project_id"`
	Category        string        `json:"category"`
	CatalogCode     *string       `json:"catalog_code"`
	CatalogName     string        `json:"catalog_name,omitempty"`
	Description     string        `json:"description"`
	BuildingID      *int64        `json:"building_id"`
	BuildingName    string        `json:"building_name"`
	Entrance        string        `json:"entrance"`
	Floor           string        `json:"floor"`
	Status          Status        `json:"status"`
	Open            bool          `json:"open"`
	Deadline        *time.Time    `json:"deadline"`
	Overdue         bool          `json:"overdue"`
	EscalationLevel int           `json:"escalation_level"`
	AutoCloseAt     *time.Time    `json:"auto_close_at"`
	Unit            *UnitRef      `json:"unit"`
	Warranty        *WarrantyView `json:"warranty"`
	Photos          []Photo       `json:"photos"`
	MergedInto      *int64        `json:"merged_into"`
	Primary         *Primary      `json:"primary,omitempty"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
	Allowed         []string      `json:"allowed"`
	Events          []EventView   `json:"events"`
	// Staff only.
	Household     *HouseholdRef `json:"household,omitempty"`
	Source        string        `json:"source,omitempty"`
	CommunityName string        `json:"community_name,omitempty"`
	DistrictName  string        `json:"district_name,omitempty"`
	ContactName   string        `json:"contact_name,omitempty"`
	ContactPhone  string        `json:"contact_phone,omitempty"`
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// PhotoURL is where a stored photo is served.
func PhotoURL(token string) string { return "/api/v1/photos/" + token }

// views renders complaints with their photos, units and timelines, loaded in
// a few queries for the whole list.
func (s *Service) views(ctx context.Context, cs []Complaint, staff bool) ([]View, error) {
	out := make([]View, len(cs))
	if len(cs) == 0 {
		return out, nil
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	db := s.db.WithContext(ctx)
	var photos []struct {
		ComplaintID int64
		Token       string
	}
	if err := db.Raw(`SELECT p.complaint_id, f.token FROM complaint_photos p JOIN files f ON f.id = p.file_id
		WHERE p.complaint_id IN ? ORDER BY p.complaint_id, p.seq`, ids).Scan(&photos).Error; err != nil {
		return nil, err
	}
	events, err := s.events(ctx, ids)
	if err != nil {
		return nil, err
	}
	var places []struct {
		ID                               int64
		BuildingName, CommunityName      string
		DistrictName, UnitName, UnitKind string
		Room, OwnerName                  string
		HouseholdBuildingName            string
	}
	if err := db.Raw(`SELECT c.id, COALESCE(b.name, '') AS building_name, cm.name AS community_name, d.name AS district_name,
		COALESCE(u.name, '') AS unit_name, COALESCE(u.kind, '') AS unit_kind, COALESCE(h.room, '') AS room,
		COALESCE(h.owner_name, '') AS owner_name, COALESCE(hb.name, '') AS household_building_name
		FROM complaints c JOIN communities cm ON cm.id = c.community_id JOIN districts d ON d.id = c.district_id
		LEFT JOIN buildings b ON b.id = c.building_id LEFT JOIN responsible_units u ON u.id = c.unit_id
		LEFT JOIN households h ON h.id = c.household_id LEFT JOIN buildings hb ON hb.id = h.building_id
		WHERE c.id IN ?`, ids).Scan(&places).Error; err != nil {
		return nil, err
	}
	byID := map[int64]int{}
	for i, p := range places {
		byID[p.ID] = i
	}
	now := s.now()
	for i, c := range cs {
		v := View{ID: c.ID, ProjectID: c.ProjectID, Category: c.Category, CatalogCode: c.CatalogCode, Description: c.Description,
			BuildingID: c.BuildingID, Entrance: c.Entrance, Floor: c.Floor, Status: c.Status, Open: c.Status.IsOpen(),
			Deadline: c.Deadline, EscalationLevel: c.EscalationLevel, AutoCloseAt: c.AutoCloseAt, MergedInto: c.MergedInto,
			CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Photos: []Photo{}, Events: events[c.ID], Allowed: []string{}}
		if v.Events == nil {
			v.Events = []EventView{}
		}
		v.Overdue = v.Open && c.Deadline != nil && now.After(*c.Deadline)
		if c.CatalogCode != nil {
			v.CatalogName = s.catalog[*c.CatalogCode].NameZh
		}
		if c.WarrantyKind != nil && c.WarrantyExpiresOn != nil {
			v.Warranty = &WarrantyView{Kind: *c.WarrantyKind, ExpiresOn: c.WarrantyExpiresOn.Format(time.DateOnly)}
		}
		if j, ok := byID[c.ID]; ok {
			p := places[j]
			v.BuildingName = p.BuildingName
			if c.UnitID != nil {
				v.Unit = &UnitRef{ID: *c.UnitID, Name: p.UnitName, Kind: p.UnitKind}
			}
			if staff {
				v.CommunityName, v.DistrictName = p.CommunityName, p.DistrictName
				if c.HouseholdID != nil {
					v.Household = &HouseholdRef{ID: *c.HouseholdID, Room: p.Room, BuildingName: p.HouseholdBuildingName,
						OwnerMasked: registry.MaskName(p.OwnerName)}
				}
			}
		}
		for _, ph := range photos {
			if ph.ComplaintID == c.ID {
				v.Photos = append(v.Photos, Photo{URL: PhotoURL(ph.Token)})
			}
		}
		if staff {
			v.Source = c.Source
			v.ContactName, v.ContactPhone = registry.MaskName(c.ContactName), registry.MaskPhone(c.ContactPhone)
			for _, a := range Allowed(c.Status, ByStaff) {
				v.Allowed = append(v.Allowed, string(a))
			}
		} else if c.Status == Resolved {
			v.Allowed = []string{"confirm", "reopen"}
		}
		out[i] = v
	}
	return out, s.fillPrimaries(ctx, cs, out)
}

// fillPrimaries shows a merged complaint's household how the complaint it was
// merged into is doing.
func (s *Service) fillPrimaries(ctx context.Context, cs []Complaint, out []View) error {
	for i, c := range cs {
		if c.MergedInto == nil {
			continue
		}
		var p Complaint
		if err := s.db.WithContext(ctx).Take(&p, *c.MergedInto).Error; err != nil {
			return err
		}
		evs, err := s.events(ctx, []int64{p.ID})
		if err != nil {
			return err
		}
		out[i].Primary = &Primary{ID: p.ID, Status: p.Status, Open: p.Status.IsOpen(), Deadline: p.Deadline, Events: evs[p.ID],
			Overdue: p.Status.IsOpen() && p.Deadline != nil && s.now().After(*p.Deadline)}
		if out[i].Primary.Events == nil {
			out[i].Primary.Events = []EventView{}
		}
	}
	return nil
}

func (s *Service) events(ctx context.Context, ids []int64) (map[int64][]EventView, error) {
	var rows []struct {
		Event
		UnitName string
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT e.*, COALESCE(u.name, '') AS unit_name FROM complaint_events e
		LEFT JOIN responsible_units u ON u.id = e.unit_id WHERE e.complaint_id IN ? ORDER BY e.id`, ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[int64][]EventView{}
	for _, r := range rows {
		out[r.ComplaintID] = append(out[r.ComplaintID], EventView{At: r.CreatedAt, Kind: r.Kind, From: r.FromStatus, To: r.ToStatus,
			Note: r.Note, Actor: r.ActorName, ActorType: r.ActorType, Unit: r.UnitName, Deadline: r.Deadline})
	}
	return out, nil
}

func (s *Service) residentView(ctx context.Context, c *Complaint) (*View, error) {
	vs, err := s.views(ctx, []Complaint{*c}, false)
	if err != nil {
		return nil, err
	}
	return &vs[0], nil
}

func (s *Service) staffView(ctx context.Context, _ *auth.Staff, c *Complaint) (*View, error) {
	vs, err := s.views(ctx, []Complaint{*c}, true)
	if err != nil {
		return nil, err
	}
	return &vs[0], nil
}

// staffComplaint loads a complaint in the caller's area.
func (s *Service) staffComplaint(ctx context.Context, by *auth.Staff, id int64) (*Complaint, error) {
	var c Complaint
	err := s.db.WithContext(ctx).Take(&c, id).Error
	if err != nil && store.NotFound(err) != store.ErrNotFound {
		return nil, err
	}
	if err != nil || !by.CanCommunity(c.DistrictID, c.CommunityID) {
		return nil, problem.NotFound("complaint_not_found", "No complaint %d exists in your area.", id)
	}
	return &c, nil
}

// Get returns one complaint for staff.
func (s *Service) Get(ctx context.Context, by *auth.Staff, id int64) (*View, error) {
	c, err := s.staffComplaint(ctx, by, id)
	if err != nil {
		return nil, err
	}
	return s.staffView(ctx, by, c)
}
