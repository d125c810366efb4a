package feedback

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"anju/server/audit"
	"anju/server/auth"
	"anju/server/config"
	"anju/server/files"
	"anju/server/httpx"
	"anju/server/plans"
	"anju/server/problem"
	"anju/server/store"
	"anju/server/valid"
)

// Limits of what a household sends.
const (
	MaxPhotos         = 9
	MaxOpenComplaints = 20
)

// Complaint is a resident's complaint or warranty claim (投诉/报修) and where
// its handling stands.
type Complaint struct {
	ID                int64
	ProjectID         int64
	CommunityID       int64
	DistrictID        int64
	BuildingID        *int64
	HouseholdID       *int64
	Source            string
	APIKeyID          *int64 `gorm:"column:api_key_id"`
	Category          string
	CatalogCode       *string
	Description       string
	Entrance          string
	Floor             string
	Status            Status
	UnitID            *int64
	Deadline          *time.Time
	EscalationLevel   int
	AutoCloseAt       *time.Time
	MergedInto        *int64
	WarrantyKind      *string
	WarrantyExpiresOn *time.Time
	ContactName       string
	ContactPhone      string
	ContactEmail      string
	IdempotencyKey    *string
	RequestHash       string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Event is one line of a complaint's timeline.
type Event struct {
	ID          int64
	ComplaintID int64
	Kind        string
	FromStatus  string
	ToStatus    string
	Note        string
	ActorType   string
	ActorID     *int64
	ActorName   string
	UnitID      *int64
	Deadline    *time.Time
	CreatedAt   time.Time
}

// TableName binds Event to its table.
func (Event) TableName() string { return "complaint_events" }

type complaintPhoto struct {
	ID          int64
	ComplaintID int64
	FileID      int64
	Seq         int
}

func (complaintPhoto) TableName() string { return "complaint_photos" }

// NewComplaint is what a household files.
type NewComplaint struct {
	Category     string
	Description  string
	CatalogCode  string
	BuildingID   string
	Entrance     string
	Floor        string
	Warranty     string
	WarrantyKind string
	Photos       []httpx.Upload
}

// Service handles complaints, progress posts, visits and ratings.
type Service struct {
	db      *store.DB
	audit   *audit.Log
	files   *files.Service
	catalog map[string]plans.CatalogItem
	cal     Calendar
	cfg     config.Complaints
	clock   atomic.Pointer[func() time.Time]
}

// NewService returns the feedback service.
func NewService(db *store.DB, log *audit.Log, fs *files.Service, pl *plans.Service, cfg config.Complaints) (*Service, error) {
	cal, err := NewCalendar(cfg.Holidays, cfg.Workdays)
	if err != nil {
		return nil, err
	}
	cat := map[string]plans.CatalogItem{}
	for _, it := range pl.Catalog() {
		cat[it.Code] = it
	}
	s := &Service{db: db, audit: log, files: fs, catalog: cat, cal: cal, cfg: cfg}
	s.SetClock(store.Now)
	return s, nil
}

// SetClock replaces the clock (tests move time forward to see deadlines pass).
func (s *Service) SetClock(now func() time.Time) { s.clock.Store(&now) }

func (s *Service) now() time.Time { return (*s.clock.Load())() }

// projectFacts is what complaints need to know about a project.
type projectFacts struct {
	ID              int64
	CommunityID     int64
	DistrictID      int64
	ScopeBuildingID *int64
	Stage           string
	AcceptedOn      *time.Time
	HandedOverAt    *time.Time
}

// currentProject is the project a household's complaints and ratings go to: the
// community's latest project that covers the household's building.
func (s *Service) currentProject(ctx context.Context, communityID, buildingID int64) (*projectFacts, error) {
	var ps []projectFacts
	err := s.db.WithContext(ctx).Raw(`SELECT p.id, p.community_id, c.district_id, p.scope_building_id, p.stage,
		p.accepted_on, p.handed_over_at FROM projects p JOIN communities c ON c.id = p.community_id
		WHERE p.community_id = ? ORDER BY p.year DESC, p.id DESC`, communityID).Scan(&ps).Error
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if ps[i].ScopeBuildingID == nil || *ps[i].ScopeBuildingID == buildingID {
			return &ps[i], nil
		}
	}
	return nil, problem.Conflict("no_project", "There is no renovation project in your community yet, so there is nothing to complain about here; call your community committee instead.")
}

func (s *Service) checkCategory(category, catalogCode string) (*string, error) {
	if err := valid.OneOf("category", category, codes(Categories)...); err != nil {
		return nil, err
	}
	if catalogCode == "" {
		return nil, nil
	}
	if _, ok := s.catalog[catalogCode]; !ok {
		return nil, problem.Field("catalog_code", "%q is not a catalogue item (01 to 31)", catalogCode)
	}
	return &catalogCode, nil
}

// File records a household's complaint. A repeated idempotency key answers the
// complaint it created the first time (created is then false).
func (s *Service) File(ctx context.Context, hh *auth.Household, in NewComplaint, idemKey string) (v *View, created bool, err error) {
	code, err := s.checkCategory(in.Category, in.CatalogCode)
	if err != nil {
		return nil, false, err
	}
	desc, err := valid.Text("description", in.Description, true, 1000)
	if err != nil {
		return nil, false, err
	}
	if len([]rune(desc)) < 5 {
		return nil, false, problem.Field("description", "say in a few words what is wrong (at least 5 characters)")
	}
	entrance, err := valid.Text("entrance", in.Entrance, false, 20)
	if err != nil {
		return nil, false, err
	}
	floor, err := valid.Text("floor", in.Floor, false, 20)
	if err != nil {
		return nil, false, err
	}
	if len(in.Photos) > MaxPhotos {
		return nil, false, problem.Field("photos", "at most %d photos may be attached (got %d)", MaxPhotos, len(in.Photos))
	}
	if len(idemKey) > 100 {
		return nil, false, problem.Invalid("bad_idempotency_key", "The Idempotency-Key header is longer than 100 characters.")
	}
	buildingID := hh.BuildingID
	if in.BuildingID != "" {
		if buildingID, err = s.buildingOf(ctx, hh.CommunityID, in.BuildingID); err != nil {
			return nil, false, err
		}
	}
	hash := requestHash(in)
	if idemKey != "" {
		if prev, err := s.byIdempotencyKey(ctx, hh.ID, idemKey); err != nil {
			return nil, false, err
		} else if prev != nil {
			if prev.RequestHash != hash {
				return nil, false, problem.Unprocessable("idempotency_key_reused", "This Idempotency-Key was already used for a different complaint; make a new key for a new complaint.")
			}
			v, err := s.residentView(ctx, prev)
			return v, false, err
		}
	}
	prj, err := s.currentProject(ctx, hh.CommunityID, hh.BuildingID)
	if err != nil {
		return nil, false, err
	}
	now := s.now()
	c := &Complaint{ProjectID: prj.ID, CommunityID: prj.CommunityID, DistrictID: prj.DistrictID, BuildingID: &buildingID,
		HouseholdID: &hh.ID, Source: "resident", Category: in.Category, CatalogCode: code, Description: desc,
		Entrance: entrance, Floor: floor, Status: Submitted, RequestHash: hash, CreatedAt: now, UpdatedAt: now}
	if idemKey != "" {
		c.IdempotencyKey = &idemKey
	}
	if err := s.warranty(c, prj, in, now); err != nil {
		return nil, false, err
	}
	d := s.cal.Deadline(now, s.cfg.AckWorkingDays)
	c.Deadline = &d
	// A household at its limit is told so before its photos are decoded; the
	// check inside the transaction is the one that holds.
	if err := tooManyOpen(s.db.WithContext(ctx), hh.ID); err != nil {
		return nil, false, err
	}
	photos, err := s.files.CleanEach(ctx, uploadData(in.Photos), files.JPEG, files.PNG)
	if err != nil {
		return nil, false, err
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tooManyOpen(tx, hh.ID); err != nil {
			return err
		}
		if err := tx.Create(c).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Conflict("duplicate_submission", "This complaint is being sent twice at the same moment; reload your list.")
			}
			return err
		}
		if err := s.savePhotos(tx, c.ID, photos); err != nil {
			return err
		}
		return tx.Create(&Event{ComplaintID: c.ID, Kind: "status", ToStatus: string(Submitted), ActorType: ByHousehold,
			ActorID: &hh.ID, ActorName: "住户", Deadline: c.Deadline, CreatedAt: now}).Error
	})
	if err != nil {
		return nil, false, err
	}
	v, err = s.residentView(ctx, c)
	return v, true, err
}

// warranty checks and fills a warranty claim: only after hand-over, only
// within the period of its kind counted from acceptance.
func (s *Service) warranty(c *Complaint, prj *projectFacts, in NewComplaint, now time.Time) error {
	switch strings.ToLower(in.Warranty) {
	case "", "false", "0", "no":
		return nil
	case "true", "1", "yes", "on":
	default:
		return problem.Field("warranty", "must be true or false (got %q)", in.Warranty)
	}
	kind := in.WarrantyKind
	if kind == "" {
		code := ""
		if c.CatalogCode != nil {
			code = *c.CatalogCode
		}
		kind = DefaultWarrantyKind(code)
	}
	if err := valid.OneOf("warranty_kind", kind, codes(WarrantyKinds)...); err != nil {
		return err
	}
	if prj.HandedOverAt == nil || prj.AcceptedOn == nil {
		return problem.Conflict("warranty_not_started", "The renovation has not been handed over yet, so the warranty has not started; file an ordinary complaint instead.")
	}
	ends := WarrantyEnds(kind, *prj.AcceptedOn)
	if !WithinWarranty(kind, *prj.AcceptedOn, now) {
		return problem.Conflict("warranty_expired", "The warranty for this kind of work (%s) ended on %s; file an ordinary complaint, or ask your property company.",
			labelOf(WarrantyKinds, kind), ends.Format(time.DateOnly)).With("expires_on", ends.Format(time.DateOnly))
	}
	c.WarrantyKind, c.WarrantyExpiresOn = &kind, &ends
	return nil
}

func (s *Service) buildingOf(ctx context.Context, communityID int64, raw string) (int64, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.Field("building_id", "must be a building id (got %q)", raw)
	}
	var n int64
	if err := s.db.WithContext(ctx).Table("buildings").Where("id = ? AND community_id = ?", id, communityID).Count(&n).Error; err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, problem.Field("building_id", "building %d is not in your community", id)
	}
	return id, nil
}

func (s *Service) byIdempotencyKey(ctx context.Context, householdID int64, key string) (*Complaint, error) {
	var cs []Complaint
	if err := s.db.WithContext(ctx).Where("household_id = ? AND idempotency_key = ?", householdID, key).Limit(1).Find(&cs).Error; err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, nil
	}
	return &cs[0], nil
}

func tooManyOpen(db *gorm.DB, householdID int64) error {
	var open int64
	if err := db.Model(&Complaint{}).Where("household_id = ? AND status IN ?", householdID, openStatuses()).Count(&open).Error; err != nil {
		return err
	}
	if open >= MaxOpenComplaints {
		return problem.Conflict("too_many_open_complaints", "Your household already has %d complaints being handled; wait for them to be answered, or add to one of them by calling your committee.", open)
	}
	return nil
}

// savePhotos stores photos cleaned before the transaction.
func (s *Service) savePhotos(tx *gorm.DB, complaintID int64, photos []*files.Cleaned) error {
	for i, p := range photos {
		f, err := s.files.Store(tx, nil, p)
		if err != nil {
			return err
		}
		if err := tx.Create(&complaintPhoto{ComplaintID: complaintID, FileID: f.ID, Seq: i + 1}).Error; err != nil {
			return err
		}
	}
	return nil
}

func uploadData(ups []httpx.Upload) [][]byte {
	out := make([][]byte, len(ups))
	for i, u := range ups {
		out[i] = u.Data
	}
	return out
}

func requestHash(in NewComplaint) string {
	h := sha256.New()
	for _, f := range []string{in.Category, in.Description, in.CatalogCode, in.BuildingID, in.Entrance, in.Floor, in.Warranty, in.WarrantyKind} {
		fmt.Fprintf(h, "%d:%s|", len(f), f)
	}
	for _, p := range in.Photos {
		sum := sha256.Sum256(p.Data)
		h.Write(sum[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

func openStatuses() []string {
	var out []string
	for _, st := range Statuses {
		if st.Open {
			out = append(out, st.Code)
		}
	}
	return out
}

// mine loads one of the household's complaints.
func (s *Service) mine(ctx context.Context, hh *auth.Household, id int64) (*Complaint, error) {
	var c Complaint
	err := s.db.WithContext(ctx).Where("id = ? AND household_id = ?", id, hh.ID).Take(&c).Error
	if err != nil {
		if store.NotFound(err) == store.ErrNotFound {
			return nil, problem.NotFound("complaint_not_found", "Your household has no complaint %d.", id)
		}
		return nil, err
	}
	return &c, nil
}

// Mine lists the household's complaints, newest first.
func (s *Service) Mine(ctx context.Context, hh *auth.Household) ([]View, error) {
	var cs []Complaint
	if err := s.db.WithContext(ctx).Where("household_id = ?", hh.ID).Order("id DESC").Limit(200).Find(&cs).Error; err != nil {
		return nil, err
	}
	return s.views(ctx, cs, false)
}

// MineOne returns one of the household's complaints.
func (s *Service) MineOne(ctx context.Context, hh *auth.Household, id int64) (*View, error) {
	c, err := s.mine(ctx, hh, id)
	if err != nil {
		return nil, err
	}
	return s.residentView(ctx, c)
}

// Confirm is the household saying the problem is fixed.
func (s *Service) Confirm(ctx context.Context, hh *auth.Household, id int64) (*View, error) {
	c, err := s.mine(ctx, hh, id)
	if err != nil {
		return nil, err
	}
	err = s.move(ctx, c, Closed, householdActor(hh), "住户确认已解决", nil)
	if err != nil {
		return nil, err
	}
	return s.residentView(ctx, c)
}

// Reopen is the household saying it is not fixed; staff must act again.
func (s *Service) Reopen(ctx context.Context, hh *auth.Household, id int64, reason string) (*View, error) {
	reason, err := valid.Text("reason", reason, true, 500)
	if err != nil {
		return nil, err
	}
	if len([]rune(reason)) < 5 {
		return nil, problem.Field("reason", "say in a few words what is still wrong (at least 5 characters)")
	}
	c, err := s.mine(ctx, hh, id)
	if err != nil {
		return nil, err
	}
	if err := s.move(ctx, c, Reopened, householdActor(hh), reason, nil); err != nil {
		return nil, err
	}
	return s.residentView(ctx, c)
}
