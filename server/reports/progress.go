package reports

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/valid"
)

// rollCount is the households on a project's roll (alias p): every household
// of the community's buildings, or of its scope building only.
const rollCount = `(SELECT COUNT(*) FROM households h JOIN buildings b ON b.id = h.building_id
	WHERE b.community_id = p.community_id AND (p.scope_building_id IS NULL OR b.id = p.scope_building_id))`

// projectHouseholds is a project's households: the ledger's once registered,
// else the roll's. COALESCE evaluates the roll count only when needed.
const projectHouseholds = `COALESCE(p.ledger_households, ` + rollCount + `)`

// factRow is projects of one district, kind, stage and dates summed up.
type factRow struct {
	DistrictID int64
	Kind       string
	Stage      string
	StartedOn  *time.Time
	AcceptedOn *time.Time
	Projects   int
	Households int
}

// loadFacts sums the projects of a year's annual plan (withdrawn and reserve
// projects do not count) by district, kind, stage and dates (one district
// when districtID is not 0).
func loadFacts(db *gorm.DB, year int, districtID int64) ([]factRow, error) {
	q := `SELECT c.district_id, p.kind, p.stage, p.started_on, p.accepted_on, COUNT(*) AS projects,
		SUM(` + projectHouseholds + `) AS households
		FROM projects p JOIN communities c ON c.id = p.community_id
		WHERE p.year = ? AND p.plan_status = 'planned'`
	args := []any{year}
	if districtID != 0 {
		q, args = q+" AND c.district_id = ?", append(args, districtID)
	}
	var rows []factRow
	err := db.Raw(q+" GROUP BY c.district_id, p.kind, p.stage, p.started_on, p.accepted_on", args...).Scan(&rows).Error
	return rows, err
}

func factsOf(rows []factRow, districtID int64) []Fact {
	var out []Fact
	for _, r := range rows {
		if r.DistrictID == districtID {
			out = append(out, Fact{Kind: r.Kind, Households: r.Households, Projects: r.Projects, StartedOn: r.StartedOn, AcceptedOn: r.AcceptedOn})
		}
	}
	return out
}

// Progress is a district's progress against its target as of a day.
type Progress struct {
	DistrictID   int64   `json:"district_id"`
	DistrictName string  `json:"district_name"`
	Year         int     `json:"year"`
	AsOf         string  `json:"as_of"`
	Target       *Target `json:"target"`
	Figures
}

// asOfDay reads an as-of date, today in China when empty.
func (s *Service) asOfDay(raw string) (time.Time, error) {
	if raw == "" {
		return valid.Today(s.now()), nil
	}
	return valid.Date("as_of", raw)
}

// DistrictProgress measures a district against its target of a year.
func (s *Service) DistrictProgress(ctx context.Context, by *auth.Staff, districtID int64, year int, asOfRaw string) (*Progress, error) {
	asOf, err := s.asOfDay(asOfRaw)
	if err != nil {
		return nil, err
	}
	d, err := s.registry.District(ctx, by, districtID)
	if err != nil {
		return nil, err
	}
	t, err := s.target(ctx, districtID, year)
	if err != nil {
		return nil, err
	}
	var rows []factRow
	err = s.read(ctx, func(db *gorm.DB) error {
		rows, err = loadFacts(db, year, districtID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Progress{DistrictID: d.ID, DistrictName: d.Name, Year: year, AsOf: asOf.Format(time.DateOnly), Target: t,
		Figures: Evaluate(year, t.Targets, asOf, factsOf(rows, districtID))}, nil
}

// read runs the queries of one answer in a read-only transaction, so every
// figure comes from the same snapshot. On PostgreSQL it switches JIT off: the
// reports are many small correlated lookups whose estimated cost makes
// PostgreSQL compile them first, which takes longer than running them. On
// SQLite (write-locking transactions) the queries run as they are.
func (s *Service) read(ctx context.Context, fn func(db *gorm.DB) error) error {
	if !s.db.Postgres {
		return fn(s.db.WithContext(ctx))
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL jit = off").Error; err != nil {
			return err
		}
		return fn(tx)
	}, &sql.TxOptions{ReadOnly: true})
}
