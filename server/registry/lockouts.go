package registry

import (
	"context"
	"sort"
	"time"

	"gorm.io/gorm"

	"anju/server/auth"
)

// Lockout is a room of a building whose sign-in is paused: for everyone (the
// household ceiling was reached) or for some addresses, with who caused it.
type Lockout struct {
	BuildingID    int64  `json:"building_id"`
	BuildingName  string `json:"building_name"`
	CommunityID   int64  `json:"community_id"`
	CommunityName string `json:"community_name"`
	Room          string `json:"room"`
	// Households living in the room (several when entrances repeat room
	// numbers); empty when someone guesses at a room nobody lives in.
	Households []LockoutHousehold `json:"households"`
	// LockedUntil is set while the room is locked for everyone.
	LockedUntil *time.Time `json:"locked_until"`
	// WrongCodes counts every address's wrong codes in the household window.
	WrongCodes int             `json:"wrong_codes"`
	FirstAt    *time.Time      `json:"first_at"`
	LastAt     *time.Time      `json:"last_at"`
	Sources    []LockoutSource `json:"sources"`
}

// LockoutHousehold names a household of a locked room.
type LockoutHousehold struct {
	ID       int64  `json:"id"`
	Entrance string `json:"entrance"`
}

// LockoutSource is one address's wrong codes for the room.
type LockoutSource struct {
	// Address is the client address (an IPv6 address's /64 prefix).
	Address string `json:"address"`
	// WrongCodes counts this address's wrong codes in its long window.
	WrongCodes int       `json:"wrong_codes"`
	FirstAt    time.Time `json:"first_at"`
	LastAt     time.Time `json:"last_at"`
	// PausedUntil is set while this address may not try this room.
	PausedUntil *time.Time `json:"paused_until"`
}

// guessRow is a row of signin_guesses.
type guessRow struct {
	BuildingID  int64
	Room        string
	Source      string
	Kind        string
	WindowStart time.Time
	Attempts    int
	LastAt      time.Time
}

type roomKey struct {
	building int64
	room     string
}

// summarise folds counter rows into one Lockout per room, counting only
// windows that have not ended. Rooms nothing is paused for are left out.
func summarise(rows []guessRow, l GuessLimits, now time.Time) map[roomKey]*Lockout {
	out := map[roomKey]*Lockout{}
	sources := map[roomKey]map[string]*LockoutSource{}
	for _, r := range rows {
		lim := l.of(r.Kind)
		end := r.WindowStart.Add(lim.Window)
		if !end.After(now) {
			continue
		}
		k := roomKey{r.BuildingID, r.Room}
		lo := out[k]
		if lo == nil {
			lo = &Lockout{BuildingID: r.BuildingID, Room: r.Room, Households: []LockoutHousehold{}, Sources: []LockoutSource{}}
			out[k], sources[k] = lo, map[string]*LockoutSource{}
		}
		full := r.Attempts >= lim.Attempts
		if r.Kind == kindHousehold {
			lo.WrongCodes, lo.FirstAt, lo.LastAt = r.Attempts, &r.WindowStart, &r.LastAt
			if full {
				lo.LockedUntil = &end
			}
			continue
		}
		src := sources[k][r.Source]
		if src == nil {
			src = &LockoutSource{Address: r.Source, FirstAt: r.WindowStart, LastAt: r.LastAt}
			sources[k][r.Source] = src
		}
		if r.Kind == kindSourceLong || src.WrongCodes == 0 {
			src.WrongCodes, src.FirstAt = r.Attempts, r.WindowStart
		}
		if r.LastAt.After(src.LastAt) {
			src.LastAt = r.LastAt
		}
		if full && (src.PausedUntil == nil || end.After(*src.PausedUntil)) {
			src.PausedUntil = &end
		}
	}
	for k, lo := range out {
		paused := false
		for _, src := range sources[k] {
			lo.Sources = append(lo.Sources, *src)
			paused = paused || src.PausedUntil != nil
		}
		if lo.LockedUntil == nil && !paused {
			delete(out, k)
			continue
		}
		sort.Slice(lo.Sources, func(i, j int) bool {
			a, b := lo.Sources[i], lo.Sources[j]
			if a.WrongCodes != b.WrongCodes {
				return a.WrongCodes > b.WrongCodes
			}
			return a.Address < b.Address
		})
	}
	return out
}

// pausedSources counts the addresses paused in a lockout.
func (lo *Lockout) pausedSources() int {
	n := 0
	for _, s := range lo.Sources {
		if s.PausedUntil != nil {
			n++
		}
	}
	return n
}

// maxLockouts bounds one listing: an attack on a whole city would otherwise
// return every room of it.
const maxLockouts = 500

// LockoutFilter narrows the listing to one district or community.
type LockoutFilter struct {
	DistrictID  int64
	CommunityID int64
}

// Lockouts lists the rooms in the caller's area whose sign-in is paused, for
// everyone or for some addresses, with the addresses and their counts; most
// recent first.
func (s *Service) Lockouts(ctx context.Context, by *auth.Staff, f LockoutFilter) ([]Lockout, error) {
	now := s.now()
	q := s.db.WithContext(ctx).Table("signin_guesses g").
		Joins("JOIN buildings b ON b.id = g.building_id").Joins("JOIN communities c ON c.id = b.community_id")
	switch by.Role {
	case auth.RoleDistrict:
		q = q.Where("c.district_id = ?", by.DistrictID)
	case auth.RoleCommittee:
		q = q.Where("b.community_id = ?", by.CommunityID)
	}
	if f.DistrictID != 0 {
		q = q.Where("c.district_id = ?", f.DistrictID)
	}
	if f.CommunityID != 0 {
		q = q.Where("b.community_id = ?", f.CommunityID)
	}
	full := s.db.Where("1 = 0")
	for _, kind := range []string{kindSource, kindSourceLong, kindHousehold} {
		l := s.guesses.of(kind)
		full = full.Or("g.kind = ? AND g.attempts >= ? AND g.window_start > ?", kind, l.Attempts, now.Add(-l.Window))
	}
	var keys []struct {
		BuildingID int64
		Room       string
	}
	if err := q.Where(full).Distinct("g.building_id", "g.room").Order("g.building_id, g.room").Limit(maxLockouts).
		Scan(&keys).Error; err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return []Lockout{}, nil
	}
	wanted := map[roomKey]bool{}
	var buildings []int64
	for _, k := range keys {
		if !wanted[roomKey{k.BuildingID, ""}] {
			wanted[roomKey{k.BuildingID, ""}] = true
			buildings = append(buildings, k.BuildingID)
		}
		wanted[roomKey{k.BuildingID, k.Room}] = true
	}
	locks, err := s.lockStates(ctx, buildings, now)
	if err != nil {
		return nil, err
	}
	var names []struct {
		ID, CommunityID     int64
		Name, CommunityName string
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT b.id, b.community_id, b.name, c.name AS community_name
		FROM buildings b JOIN communities c ON c.id = b.community_id WHERE b.id IN ?`, buildings).Scan(&names).Error; err != nil {
		return nil, err
	}
	var hs []Household
	if err := s.db.WithContext(ctx).Select("id", "building_id", "entrance", "room").Where("building_id IN ?", buildings).
		Order("entrance").Find(&hs).Error; err != nil {
		return nil, err
	}
	living := map[roomKey][]LockoutHousehold{}
	for _, h := range hs {
		k := roomKey{h.BuildingID, h.Room}
		if wanted[k] {
			living[k] = append(living[k], LockoutHousehold{ID: h.ID, Entrance: h.Entrance})
		}
	}
	out := make([]Lockout, 0, len(keys))
	for _, n := range names {
		for k, lo := range locks {
			if k.building != n.ID || !wanted[k] {
				continue
			}
			lo.BuildingName, lo.CommunityID, lo.CommunityName = n.Name, n.CommunityID, n.CommunityName
			if living[k] != nil {
				lo.Households = living[k]
			}
			out = append(out, *lo)
		}
	}
	sort.Slice(out, func(i, j int) bool { return lastOf(&out[i]).After(lastOf(&out[j])) })
	return out, nil
}

func lastOf(lo *Lockout) time.Time {
	var t time.Time
	if lo.LastAt != nil {
		t = *lo.LastAt
	}
	for _, s := range lo.Sources {
		if s.LastAt.After(t) {
			t = s.LastAt
		}
	}
	return t
}

// lockStates reads the live counters of some buildings' rooms.
func (s *Service) lockStates(ctx context.Context, buildings []int64, now time.Time) (map[roomKey]*Lockout, error) {
	var rows []guessRow
	if err := s.db.WithContext(ctx).Table("signin_guesses").Where("building_id IN ?", buildings).Find(&rows).Error; err != nil {
		return nil, err
	}
	return summarise(rows, s.guesses, now), nil
}

// withLocks fills the sign-in state of households' views.
func (s *Service) withLocks(ctx context.Context, buildingID int64, views []HouseholdView) error {
	locks, err := s.lockStates(ctx, []int64{buildingID}, s.now())
	if err != nil {
		return err
	}
	for i := range views {
		if lo := locks[roomKey{buildingID, views[i].Room}]; lo != nil {
			views[i].LockedUntil, views[i].PausedSources = lo.LockedUntil, lo.pausedSources()
		}
	}
	return nil
}

// forgetGuesses forgets every wrong code counted for a room (a new code makes
// them moot).
func forgetGuesses(tx *gorm.DB, buildingID int64, room string) error {
	return tx.Exec(`DELETE FROM signin_guesses WHERE building_id = ? AND room = ?`, buildingID, room).Error
}

// liftGuesses lifts a room's lock for everyone and every address's short
// pause. Each address's long count stays: an address that sent a whole long
// window of wrong codes is a guesser, not a resident who mistyped, and stays
// paused until its window ends, so locking the room again after a lift takes
// fresh addresses.
func liftGuesses(tx *gorm.DB, buildingID int64, room string) error {
	return tx.Exec(`DELETE FROM signin_guesses WHERE building_id = ? AND room = ? AND kind IN (?, ?)`,
		buildingID, room, kindHousehold, kindSource).Error
}

// Unlock lifts the sign-in lock of a household's room for everyone, and the
// short pauses of single addresses (see liftGuesses), and says in the audit
// log how many wrong codes from how many addresses it forgave. Sessions and
// the code are untouched.
func (s *Service) Unlock(ctx context.Context, by *auth.Staff, id int64) (*HouseholdView, error) {
	h, err := s.household(ctx, by, id)
	if err != nil {
		return nil, err
	}
	locks, err := s.lockStates(ctx, []int64{h.BuildingID}, s.now())
	if err != nil {
		return nil, err
	}
	detail := map[string]any{"room": h.Room, "locked": false, "wrong_codes": 0, "sources": 0, "paused_sources": 0}
	if lo := locks[roomKey{h.BuildingID, h.Room}]; lo != nil {
		detail = map[string]any{"room": h.Room, "locked": lo.LockedUntil != nil, "wrong_codes": lo.WrongCodes,
			"sources": len(lo.Sources), "paused_sources": lo.pausedSources()}
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := liftGuesses(tx, h.BuildingID, h.Room); err != nil {
			return err
		}
		return s.audit.Record(tx, by.Actor(), "household.unlock", "household", id, detail)
	})
	if err != nil {
		return nil, err
	}
	v := h.view(false)
	return &v, nil
}
