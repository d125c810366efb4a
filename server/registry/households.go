package registry

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/text/width"
	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/problem"
	"anju/server/store"
	"anju/server/valid"
)

// CodeAlphabet is what household codes are made of: no 0/O, 1/I/L to confuse.
const CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// CodeLength is the number of characters in a household code.
const CodeLength = 8

// NewHousehold is a household to register.
type NewHousehold struct {
	Room string `json:"room"`
	// Entrance, owner name and phone may be left out (empty).
	Entrance   string      `json:"entrance,omitempty"`
	Floor      int         `json:"floor"`
	AreaM2     valid.Cents `json:"area_m2"`
	OwnerName  string      `json:"owner_name,omitempty"`
	OwnerPhone string      `json:"owner_phone,omitempty"`
	// OwnerGroup ties flats of one owner (or the developer's unsold flats,
	// "developer") together: under the Civil Code rules they count as one head.
	OwnerGroup string `json:"owner_group,omitempty"`
}

// NormalizeRoom makes room numbers comparable: full-width digits and letters
// become half-width (１０１ → 101), letters upper case, spaces and a trailing
// 室 or 号 removed (301室 → 301), as residents type them.
func NormalizeRoom(room string) string {
	r := strings.ToUpper(strings.Join(strings.Fields(width.Narrow.String(room)), ""))
	for _, suffix := range []string{"室", "号"} {
		if trimmed := strings.TrimSuffix(r, suffix); trimmed != "" {
			r = trimmed
		}
	}
	return r
}

// NormalizeCode strips spaces and hyphens and upper-cases a typed code.
func NormalizeCode(code string) string {
	code = width.Narrow.String(code)
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(code))
}

// Validate checks and normalises a household's fields.
func (n *NewHousehold) Validate() error {
	var err error
	if n.Room, err = valid.Text("room", n.Room, true, 20); err != nil {
		return err
	}
	n.Room = NormalizeRoom(n.Room)
	if n.Entrance, err = valid.Text("entrance", n.Entrance, false, 20); err != nil {
		return err
	}
	if err := valid.Range("floor", n.Floor, -5, 99); err != nil {
		return err
	}
	if n.AreaM2 <= 0 || n.AreaM2 > 1_000_000 {
		return problem.Field("area_m2", "must be the flat's floor area in m², more than 0 and at most 10000")
	}
	if n.OwnerName, err = valid.Text("owner_name", n.OwnerName, false, 50); err != nil {
		return err
	}
	if n.OwnerPhone, err = valid.Phone("owner_phone", n.OwnerPhone); err != nil {
		return err
	}
	n.OwnerGroup, err = valid.Text("owner_group", n.OwnerGroup, false, 50)
	return err
}

func newCode() (string, error) {
	var b strings.Builder
	max := big.NewInt(int64(len(CodeAlphabet)))
	for i := 0; i < CodeLength; i++ {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("random code: %w", err)
		}
		b.WriteByte(CodeAlphabet[n.Int64()])
	}
	return b.String(), nil
}

// CreateHousehold registers a household and returns its sign-in code, once.
func (s *Service) CreateHousehold(ctx context.Context, by *auth.Staff, buildingID int64, in NewHousehold) (*IssuedCode, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	out, err := s.CreateHouseholds(ctx, by, buildingID, []NewHousehold{in})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// CreateHouseholds registers validated households of one building in one
// transaction: all of them, or none. Each gets a sign-in code, returned once.
func (s *Service) CreateHouseholds(ctx context.Context, by *auth.Staff, buildingID int64, ins []NewHousehold) ([]IssuedCode, error) {
	_, sc, err := s.building(ctx, by, buildingID)
	if err != nil {
		return nil, err
	}
	open, err := s.votingOpen(ctx, sc.CommunityID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]IssuedCode, len(ins))
	hs := make([]Household, len(ins))
	codes, hashes, err := issueMany(len(ins))
	if err != nil {
		return nil, err
	}
	for i, in := range ins {
		code, hash := codes[i], hashes[i]
		hs[i] = Household{BuildingID: buildingID, Entrance: in.Entrance, Room: in.Room, Floor: in.Floor, AreaCenti: in.AreaM2,
			OwnerName: in.OwnerName, OwnerPhone: in.OwnerPhone, OwnerGroup: in.OwnerGroup, CodeHash: hash, CodeVersion: 1,
			CodeIssuedAt: now, CreatedAt: now}
		out[i] = IssuedCode{Code: code}
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		for i := range hs {
			h := &hs[i]
			if err := tx.Create(h).Error; err != nil {
				if store.IsUniqueViolation(err) {
					return problem.Conflict("household_exists", "Room %s (entrance %q) is already registered in this building.", h.Room, h.Entrance)
				}
				return err
			}
			if err := s.audit.Record(tx, by.Actor(), rollAction("household.create", open), "household", h.ID,
				map[string]any{"building_id": buildingID, "entrance": h.Entrance, "room": h.Room, "floor": h.Floor,
					"area_m2": h.AreaCenti, "owner_group": h.OwnerGroup}); err != nil {
				return err
			}
			out[i].HouseholdView = h.view(false)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// rollAction marks roll changes made while a vote is open: the roll is frozen
// when voting opens, and every later change must stand out in the audit log.
func rollAction(action string, voteOpen bool) string {
	if voteOpen {
		return action + ".during_vote"
	}
	return action
}

// UpdateHousehold changes a household's registered facts (not its code).
func (s *Service) UpdateHousehold(ctx context.Context, by *auth.Staff, id int64, in NewHousehold) (*HouseholdView, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	h, err := s.household(ctx, by, id)
	if err != nil {
		return nil, err
	}
	_, sc, err := s.building(ctx, by, h.BuildingID)
	if err != nil {
		return nil, err
	}
	open, err := s.votingOpen(ctx, sc.CommunityID)
	if err != nil {
		return nil, err
	}
	before := map[string]any{"entrance": h.Entrance, "room": h.Room, "floor": h.Floor, "area_m2": h.AreaCenti,
		"owner_group": h.OwnerGroup, "owner_changed": false}
	after := map[string]any{"entrance": in.Entrance, "room": in.Room, "floor": in.Floor, "area_m2": in.AreaM2,
		"owner_group": in.OwnerGroup, "owner_changed": in.OwnerName != h.OwnerName || in.OwnerPhone != h.OwnerPhone}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&Household{}).Where("id = ?", id).Updates(map[string]any{"entrance": in.Entrance, "room": in.Room,
			"floor": in.Floor, "area_centi": in.AreaM2, "owner_name": in.OwnerName, "owner_phone": in.OwnerPhone,
			"owner_group": in.OwnerGroup}).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Conflict("household_exists", "Room %s (entrance %q) is already registered in this building.", in.Room, in.Entrance)
			}
			return err
		}
		return s.audit.Record(tx, by.Actor(), rollAction("household.update", open), "household", id,
			map[string]any{"before": before, "after": after})
	})
	if err != nil {
		return nil, err
	}
	h.Entrance, h.Room, h.Floor, h.AreaCenti = in.Entrance, in.Room, in.Floor, in.AreaM2
	h.OwnerName, h.OwnerPhone, h.OwnerGroup = in.OwnerName, in.OwnerPhone, in.OwnerGroup
	v := h.view(false)
	return &v, nil
}

// SlipCode is a household's new code, for a printed slip.
type SlipCode struct {
	HouseholdID int64  `json:"household_id"`
	Entrance    string `json:"entrance"`
	Floor       int    `json:"floor"`
	Room        string `json:"room"`
	Code        string `json:"code"`
}

// IssueCodes gives new codes to the given households of a building (all of
// them when ids is empty), for printing slips. Old codes and their sessions end.
func (s *Service) IssueCodes(ctx context.Context, by *auth.Staff, buildingID int64, ids []int64) ([]SlipCode, error) {
	if _, _, err := s.building(ctx, by, buildingID); err != nil {
		return nil, err
	}
	q := s.db.WithContext(ctx).Where("building_id = ?", buildingID)
	if len(ids) > 0 {
		q = q.Where("id IN ?", ids)
	}
	var hs []Household
	if err := q.Order("entrance, floor, room").Find(&hs).Error; err != nil {
		return nil, err
	}
	if len(ids) > 0 && len(hs) != len(ids) {
		return nil, problem.Field("household_ids", "some of these households are not in building %d", buildingID)
	}
	out := make([]SlipCode, len(hs))
	codes, hashes, err := issueMany(len(hs))
	if err != nil {
		return nil, err
	}
	for i, h := range hs {
		out[i] = SlipCode{HouseholdID: h.ID, Entrance: h.Entrance, Floor: h.Floor, Room: h.Room, Code: codes[i]}
	}
	now := s.now()
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		for i, h := range hs {
			if err := tx.Model(&Household{}).Where("id = ?", h.ID).Updates(map[string]any{
				"code_hash": hashes[i], "code_version": gorm.Expr("code_version + 1"), "code_issued_at": now}).Error; err != nil {
				return err
			}
			// Guesses at the old code are moot: the new code starts afresh.
			if err := forgetGuesses(tx, buildingID, h.Room); err != nil {
				return err
			}
		}
		return s.audit.Record(tx, by.Actor(), "building.issue_codes", "building", buildingID, map[string]any{"households": len(hs)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// issueMany makes n codes and their hashes, hashing on every core: argon2id
// takes a while, and a building may have hundreds of households.
func issueMany(n int) (codes, hashes []string, err error) {
	codes, hashes = make([]string, n), make([]string, n)
	errs := make([]error, n)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			codes[i], hashes[i], errs[i] = issue()
		}(i)
	}
	wg.Wait()
	return codes, hashes, errors.Join(errs...)
}

func issue() (code, hash string, err error) {
	if code, err = newCode(); err != nil {
		return "", "", err
	}
	hash, err = auth.Hash(code, auth.CodeParams)
	return code, hash, err
}

// Households lists a building's households, owners masked.
func (s *Service) Households(ctx context.Context, by *auth.Staff, buildingID int64) ([]HouseholdView, error) {
	if _, _, err := s.building(ctx, by, buildingID); err != nil {
		return nil, err
	}
	var hs []Household
	if err := s.db.WithContext(ctx).Where("building_id = ?", buildingID).Order("entrance, floor, room").Find(&hs).Error; err != nil {
		return nil, err
	}
	out := make([]HouseholdView, 0, len(hs))
	for i := range hs {
		out = append(out, hs[i].view(false))
	}
	return out, s.withLocks(ctx, buildingID, out)
}

func (s *Service) household(ctx context.Context, by *auth.Staff, id int64) (*Household, error) {
	var h Household
	if err := s.db.WithContext(ctx).Take(&h, id).Error; err != nil {
		if errors.Is(store.NotFound(err), store.ErrNotFound) {
			return nil, problem.NotFound("household_not_found", "No household %d exists.", id)
		}
		return nil, err
	}
	if _, _, err := s.building(ctx, by, h.BuildingID); err != nil {
		return nil, problem.NotFound("household_not_found", "No household %d exists in your area.", id)
	}
	return &h, nil
}

// Household shows one household in full; reading the owner's personal data is audited.
func (s *Service) Household(ctx context.Context, by *auth.Staff, id int64) (*HouseholdView, error) {
	h, err := s.household(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		return s.audit.Record(tx, by.Actor(), "household.view_personal_data", "household", id, map[string]any{})
	}); err != nil {
		return nil, err
	}
	v := []HouseholdView{h.view(true)}
	return &v[0], s.withLocks(ctx, h.BuildingID, v)
}

// ReissueCode gives a household a new code; the old code and every session
// signed in with it stop working.
func (s *Service) ReissueCode(ctx context.Context, by *auth.Staff, id int64) (*IssuedCode, error) {
	h, err := s.household(ctx, by, id)
	if err != nil {
		return nil, err
	}
	code, hash, err := issue()
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&Household{}).Where("id = ?", id).Updates(map[string]any{
			"code_hash": hash, "code_version": gorm.Expr("code_version + 1"), "code_issued_at": now}).Error; err != nil {
			return err
		}
		// Guesses at the old code are moot: the new code starts afresh.
		if err := forgetGuesses(tx, h.BuildingID, h.Room); err != nil {
			return err
		}
		return s.audit.Record(tx, by.Actor(), "household.reissue_code", "household", id, map[string]any{})
	})
	if err != nil {
		return nil, err
	}
	if err := s.db.WithContext(ctx).Take(h, id).Error; err != nil {
		return nil, err
	}
	return &IssuedCode{HouseholdView: h.view(false), Code: code}, nil
}

// Principal loads what the auth guard needs to know about a signed-in household.
func (s *Service) Principal(ctx context.Context, id int64) (auth.Household, error) {
	var row struct {
		ID, BuildingID, CommunityID, DistrictID int64
		CodeVersion                             int
	}
	err := s.db.WithContext(ctx).Raw(`SELECT h.id, h.building_id, b.community_id, c.district_id, h.code_version
		FROM households h JOIN buildings b ON b.id = h.building_id JOIN communities c ON c.id = b.community_id
		WHERE h.id = ?`, id).Scan(&row).Error
	if err != nil {
		return auth.Household{}, err
	}
	if row.ID == 0 {
		return auth.Household{}, store.ErrNotFound
	}
	return auth.Household{ID: row.ID, BuildingID: row.BuildingID, CommunityID: row.CommunityID,
		DistrictID: row.DistrictID, CodeVersion: row.CodeVersion}, nil
}

// HouseholdByID loads a household without a permission check.
func (s *Service) HouseholdByID(ctx context.Context, id int64) (*Household, error) {
	var h Household
	if err := s.db.WithContext(ctx).Take(&h, id).Error; err != nil {
		return nil, store.NotFound(err)
	}
	return &h, nil
}
