// Package registry holds who lives where: districts (县区), residential
// communities (小区), their buildings (楼栋) with the public token each QR code
// carries, and households (户) with the code that lets them sign in.
package registry

import (
	"time"

	"anju/server/valid"
)

// District is a county or district (县区) of the city.
type District struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Community is a residential community (小区) under renovation.
type Community struct {
	ID         int64  `gorm:"primaryKey" json:"id"`
	DistrictID int64  `json:"district_id"`
	Name       string `json:"name"`
	Address    string `json:"address"`
	BuiltYear  int    `json:"built_year"`
	// PublicToken is the unguessable part of the community's notice-board link (公示栏).
	PublicToken *string   `json:"public_token"`
	CreatedAt   time.Time `json:"created_at"`
	BoardURL    string    `gorm:"-" json:"board_url"`
	BoardQRURL  string    `gorm:"-" json:"board_qr_url"`
}

// Building is a residential building (楼栋). Its token is the unguessable part of
// the resident link its QR code encodes.
type Building struct {
	ID             int64      `gorm:"primaryKey"`
	CommunityID    int64      `json:"community_id"`
	Name           string     `json:"name"`
	Token          string     `json:"token"`
	TokenRotatedAt *time.Time `json:"token_rotated_at"`
	CreatedAt      time.Time  `json:"created_at"`
}

// retiredToken is a building token that was rotated away; scanning it says so.
type retiredToken struct {
	Token      string `gorm:"primaryKey"`
	BuildingID int64
	RetiredAt  time.Time
}

func (retiredToken) TableName() string { return "retired_building_tokens" }

// Household is one flat's household (户); co-owners share it and its one vote.
type Household struct {
	ID           int64       `gorm:"primaryKey"`
	BuildingID   int64       `json:"building_id"`
	Entrance     string      `json:"entrance"`
	Room         string      `json:"room"`
	Floor        int         `json:"floor"`
	AreaCenti    valid.Cents `gorm:"column:area_centi"`
	OwnerName    string
	OwnerPhone   string
	OwnerGroup   string
	CodeHash     string
	CodeVersion  int
	CodeIssuedAt time.Time
	CreatedAt    time.Time
}

// BuildingView is a building as staff see it.
type BuildingView struct {
	ID             int64      `json:"id"`
	CommunityID    int64      `json:"community_id"`
	Name           string     `json:"name"`
	Token          string     `json:"token"`
	ResidentURL    string     `json:"resident_url"`
	QRURL          string     `json:"qr_url"`
	TokenRotatedAt *time.Time `json:"token_rotated_at"`
	CreatedAt      time.Time  `json:"created_at"`
	Households     int64      `json:"households"`
}

// HouseholdView is a household as staff see it; owner data is masked unless
// the caller asked for one household in full.
type HouseholdView struct {
	ID           int64       `json:"id"`
	BuildingID   int64       `json:"building_id"`
	Entrance     string      `json:"entrance"`
	Room         string      `json:"room"`
	Floor        int         `json:"floor"`
	AreaM2       valid.Cents `json:"area_m2"`
	OwnerName    string      `json:"owner_name,omitempty"`
	OwnerPhone   string      `json:"owner_phone,omitempty"`
	OwnerMasked  string      `json:"owner_masked"`
	PhoneMasked  string      `json:"phone_masked"`
	OwnerGroup   string      `json:"owner_group"`
	CodeIssuedAt time.Time   `json:"code_issued_at"`
	// LockedUntil is set while sign-in for the household's room is locked for
	// everyone (too many wrong codes from many addresses).
	LockedUntil *time.Time `json:"locked_until"`
	// PausedSources counts the addresses paused for the room (too many wrong
	// codes from each); other addresses can still sign in.
	PausedSources int       `json:"paused_sources"`
	CreatedAt     time.Time `json:"created_at"`
}

// IssuedCode is a household with its freshly issued sign-in code, shown once.
type IssuedCode struct {
	HouseholdView
	Code string `json:"code"`
}

func (h *Household) view(full bool) HouseholdView {
	v := HouseholdView{ID: h.ID, BuildingID: h.BuildingID, Entrance: h.Entrance, Room: h.Room, Floor: h.Floor,
		AreaM2: h.AreaCenti, OwnerMasked: MaskName(h.OwnerName), PhoneMasked: MaskPhone(h.OwnerPhone), OwnerGroup: h.OwnerGroup,
		CodeIssuedAt: h.CodeIssuedAt, CreatedAt: h.CreatedAt}
	if full {
		v.OwnerName, v.OwnerPhone = h.OwnerName, h.OwnerPhone
	}
	return v
}
