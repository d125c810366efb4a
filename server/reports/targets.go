package reports

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"anju/server/audit"
	"anju/server/auth"
	"anju/server/consent"
	"anju/server/problem"
	"anju/server/registry"
	"anju/server/store"
	"anju/server/valid"
)

// Target is a district's annual target (任务分解).
type Target struct {
	ID         int64 `gorm:"primaryKey" json:"-"`
	DistrictID int64 `json:"district_id"`
	Year       int   `json:"year"`
	Targets
	UpdatedBy *int64    `json:"-"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName binds Target to its table.
func (Target) TableName() string { return "district_targets" }

// TargetInput sets a district's target; every figure is required.
type TargetInput struct {
	StartHouseholds      *int `json:"start_households"`
	CompleteHouseholds   *int `json:"complete_households"`
	ContinuingHouseholds *int `json:"continuing_households"`
}

// maxHouseholds bounds a target: more households than a province has.
const maxHouseholds = 10_000_000

func (in TargetInput) validate() (Targets, error) {
	var t Targets
	for _, f := range []struct {
		name string
		v    *int
		dst  *int
	}{{"start_households", in.StartHouseholds, &t.StartHouseholds}, {"complete_households", in.CompleteHouseholds, &t.CompleteHouseholds},
		{"continuing_households", in.ContinuingHouseholds, &t.ContinuingHouseholds}} {
		if f.v == nil {
			return t, problem.Field(f.name, "is required: the number of households (0 when there is none)")
		}
		if err := valid.Range(f.name, *f.v, 0, maxHouseholds); err != nil {
			return t, err
		}
		*f.dst = *f.v
	}
	if t.CompleteHouseholds > t.StartHouseholds {
		return t, problem.Field("complete_households", "cannot exceed start_households (%d): completions are counted among the year's new starts", t.StartHouseholds)
	}
	return t, nil
}

// Service builds targets, progress, the monthly report and the dashboard.
type Service struct {
	db       *store.DB
	audit    *audit.Log
	registry *registry.Service
	consent  *consent.Service
	now      func() time.Time
}

// NewService returns the reports service.
func NewService(db *store.DB, log *audit.Log, reg *registry.Service, cons *consent.Service) *Service {
	return &Service{db: db, audit: log, registry: reg, consent: cons, now: store.Now}
}

// parseYear reads a year from the path.
func parseYear(raw string) (int, error) {
	y, err := strconv.Atoi(raw)
	if err != nil || y < 2000 || y > 2100 {
		return 0, problem.Invalid("invalid_year", "%q is not a year between 2000 and 2100.", raw)
	}
	return y, nil
}

// PutTarget sets (or replaces) a district's target for a year. City staff
// only; the route enforces it.
func (s *Service) PutTarget(ctx context.Context, by *auth.Staff, districtID int64, year int, in TargetInput) (*Target, error) {
	t, err := in.validate()
	if err != nil {
		return nil, err
	}
	if _, err := s.registry.District(ctx, by, districtID); err != nil {
		return nil, err
	}
	row := &Target{DistrictID: districtID, Year: year, Targets: t, UpdatedBy: &by.ID, UpdatedAt: s.now()}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "district_id"}, {Name: "year"}},
			DoUpdates: clause.AssignmentColumns([]string{"start_households", "complete_households", "continuing_households", "updated_by", "updated_at"}),
		}).Create(row).Error; err != nil {
			return err
		}
		return s.audit.Record(tx, by.Actor(), "district.target", "district", districtID, map[string]any{"year": year, "targets": t})
	})
	if err != nil {
		return nil, err
	}
	return s.target(ctx, districtID, year)
}

// GetTarget reads a district's target for a year.
func (s *Service) GetTarget(ctx context.Context, by *auth.Staff, districtID int64, year int) (*Target, error) {
	if _, err := s.registry.District(ctx, by, districtID); err != nil {
		return nil, err
	}
	return s.target(ctx, districtID, year)
}

func (s *Service) target(ctx context.Context, districtID int64, year int) (*Target, error) {
	var t Target
	err := store.NotFound(s.db.WithContext(ctx).Where("district_id = ? AND year = ?", districtID, year).Take(&t).Error)
	if errors.Is(err, store.ErrNotFound) {
		return nil, problem.NotFound("target_not_found", "District %d has no target for %d yet; city staff set it with PUT /api/v1/districts/%d/targets/%d.",
			districtID, year, districtID, year)
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}
