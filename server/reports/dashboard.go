package reports

import (
	"context"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/consent"
	"anju/server/feedback"
	"anju/server/pipeline"
	"anju/server/problem"
)

// RankedProgress is a district's progress with its place among all districts.
type RankedProgress struct {
	Progress
	// Rank (排名) orders every district of the city by start rate, then
	// completion rate; equal rates share a rank, districts without a target come last.
	Rank int `json:"rank"`
}

// MonthFigures are the new-start households that started and completed in
// one month (per month, not cumulative), and the totals up to its end.
type MonthFigures struct {
	Month                     string `json:"month"`
	StartedHouseholds         int    `json:"started_households"`
	CompletedHouseholds       int    `json:"completed_households"`
	StartedHouseholdsToDate   int    `json:"started_households_to_date"`
	CompletedHouseholdsToDate int    `json:"completed_households_to_date"`
}

// Funnel is how far the year's projects are with their vote. Reached counts
// the projects that have started, and the others whose current plan's vote
// reached consent under the project's own rule (the consent tally).
type Funnel struct {
	Projects      int `json:"projects"`
	PlanPublished int `json:"plan_published"`
	Voting        int `json:"voting"`
	Reached       int `json:"reached"`
}

// ComplaintFigures are the complaints opened in the year about projects of
// annual plans (any year's): how many, how many
// are finished (closed, rejected or merged), still open, and open past their deadline now.
type ComplaintFigures struct {
	Opened  int `json:"opened"`
	Closed  int `json:"closed"`
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
}

// SatisfactionFigures are the ratings of the year's projects and the share
// of overall scores of 4 or 5 (满意率, null without ratings).
type SatisfactionFigures struct {
	Ratings int      `json:"ratings"`
	Rate    *float64 `json:"rate"`
}

// Dashboard is the year at a glance for the caller's area.
type Dashboard struct {
	Year         int                 `json:"year"`
	AsOf         string              `json:"as_of"`
	Districts    []RankedProgress    `json:"districts"`
	Months       []MonthFigures      `json:"months"`
	Stages       map[string]int      `json:"stages"`
	Consent      Funnel              `json:"consent"`
	Complaints   ComplaintFigures    `json:"complaints"`
	Satisfaction SatisfactionFigures `json:"satisfaction"`
}

// Dashboard sums up a year for city staff (every district) or district staff
// (their own, ranked among all). Every figure is an SQL aggregate.
func (s *Service) Dashboard(ctx context.Context, by *auth.Staff, year int, asOfRaw string) (*Dashboard, error) {
	if by.Role == auth.RoleCommittee {
		return nil, problem.Forbidden("The dashboard is for district and city staff.")
	}
	asOf, err := s.asOfDay(asOfRaw)
	if err != nil {
		return nil, err
	}
	var scope int64
	if by.Role == auth.RoleDistrict {
		scope = by.DistrictID
	}
	out := &Dashboard{Year: year, AsOf: asOf.Format(time.DateOnly), Districts: []RankedProgress{}, Stages: map[string]int{}}
	err = s.read(ctx, func(db *gorm.DB) error {
		if err := fill(db, out, year, asOf, scope); err != nil {
			return err
		}
		var err error
		if out.Consent, err = s.funnel(ctx, db, year, scope); err != nil {
			return err
		}
		if out.Complaints, err = s.complaintFigures(db, year, scope); err != nil {
			return err
		}
		out.Satisfaction, err = s.satisfaction(db, year, scope)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// fill puts the districts, ranked among all, and the scope's months and
// stages into a dashboard.
func fill(db *gorm.DB, out *Dashboard, year int, asOf time.Time, scope int64) error {
	rows, err := loadFacts(db, year, 0)
	if err != nil {
		return err
	}
	ranked, err := rankDistricts(db, year, asOf, rows)
	if err != nil {
		return err
	}
	for _, r := range ranked {
		if scope == 0 || r.DistrictID == scope {
			out.Districts = append(out.Districts, r)
		}
	}
	var scoped []factRow
	for _, r := range rows {
		if scope == 0 || r.DistrictID == scope {
			scoped = append(scoped, r)
		}
	}
	out.Months = months(year, asOf, scoped)
	for _, st := range pipeline.Stages {
		out.Stages[st.Code] = 0
	}
	for _, r := range scoped {
		out.Stages[r.Stage] += r.Projects
	}
	return nil
}

// rankDistricts measures every district against its target and ranks them.
func rankDistricts(db *gorm.DB, year int, asOf time.Time, rows []factRow) ([]RankedProgress, error) {
	var districts []struct {
		ID   int64
		Name string
	}
	if err := db.Raw("SELECT id, name FROM districts ORDER BY id").Scan(&districts).Error; err != nil {
		return nil, err
	}
	var targets []Target
	if err := db.Where("year = ?", year).Find(&targets).Error; err != nil {
		return nil, err
	}
	byDistrict := map[int64]*Target{}
	for i := range targets {
		byDistrict[targets[i].DistrictID] = &targets[i]
	}
	out := make([]RankedProgress, 0, len(districts))
	for _, d := range districts {
		p := Progress{DistrictID: d.ID, DistrictName: d.Name, Year: year, AsOf: asOf.Format(time.DateOnly), Target: byDistrict[d.ID]}
		var t Targets
		if p.Target != nil {
			t = p.Target.Targets
		}
		p.Figures = Evaluate(year, t, asOf, factsOf(rows, d.ID))
		if p.Target == nil {
			p.Milestones = []Milestone{}
		}
		out = append(out, RankedProgress{Progress: p})
	}
	rank(out)
	return out, nil
}

// rank orders districts by start rate, then completion rate (null last) and
// gives equal pairs the same rank (1, 2, 2, 4).
func rank(ps []RankedProgress) {
	cmp := func(a, b *float64) int {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return 1
		case b == nil:
			return -1
		case *a > *b:
			return -1
		case *a < *b:
			return 1
		}
		return 0
	}
	order := func(a, b RankedProgress) int {
		if c := cmp(a.Rates.Start, b.Rates.Start); c != 0 {
			return c
		}
		return cmp(a.Rates.Complete, b.Rates.Complete)
	}
	sort.SliceStable(ps, func(i, j int) bool { return order(ps[i], ps[j]) < 0 })
	for i := range ps {
		if i > 0 && order(ps[i-1], ps[i]) == 0 {
			ps[i].Rank = ps[i-1].Rank
		} else {
			ps[i].Rank = i + 1
		}
	}
}

// months spreads the new-start households over the months they started and
// were completed in, up to the as-of day.
func months(year int, asOf time.Time, rows []factRow) []MonthFigures {
	out := make([]MonthFigures, 12)
	for i := range out {
		out[i].Month = time.Date(year, time.Month(i+1), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
	}
	cutoff := day(asOf)
	in := func(t *time.Time) int {
		if !by(t, cutoff) || t.UTC().Year() != year {
			return -1
		}
		return int(t.UTC().Month()) - 1
	}
	for _, r := range rows {
		if r.Kind != KindNew {
			continue
		}
		if m := in(r.StartedOn); m >= 0 {
			out[m].StartedHouseholds += r.Households
		}
		if m := in(r.AcceptedOn); m >= 0 {
			out[m].CompletedHouseholds += r.Households
		}
	}
	started, completed := 0, 0
	for i := range out {
		started += out[i].StartedHouseholds
		completed += out[i].CompletedHouseholds
		out[i].StartedHouseholdsToDate, out[i].CompletedHouseholdsToDate = started, completed
	}
	return out
}

// funnelQuery counts the year's projects, those with a published plan and
// with voting open now, and lists the projects whose vote decides whether
// they reached consent: those with a published plan that have not started (a
// project that has started (开工) reached it, as start criterion 1 requires).
const funnelQuery = `SELECT p.id AS project_id, pl.id AS plan_id, p.community_id, p.scope_building_id,
		p.consent_rule, p.threshold_percent,
		CASE WHEN p.started_on IS NULL THEN 0 ELSE 1 END AS started,
		CASE WHEN pl.id IS NOT NULL AND pl.closed_at IS NULL AND pl.voting_closes_at > ?
			AND (pl.voting_opens_at IS NULL OR pl.voting_opens_at <= ?) THEN 1 ELSE 0 END AS voting
	FROM projects p JOIN communities c ON c.id = p.community_id
	LEFT JOIN plans pl ON pl.project_id = p.id AND pl.status = 'published'
	WHERE p.year = ? AND p.plan_status = 'planned' %s`

// funnel counts the vote funnel; whether a vote reached consent comes from
// the consent tally (the plan's public log, the project's rule), the same
// count as the tally page, the notices and the monthly report.
func (s *Service) funnel(ctx context.Context, db *gorm.DB, year int, district int64) (Funnel, error) {
	now := s.now()
	filter, args := "", []any{now, now, year}
	if district != 0 {
		filter, args = "AND c.district_id = ?", append(args, district)
	}
	var rows []struct {
		ProjectID, CommunityID  int64
		PlanID, ScopeBuildingID *int64
		ConsentRule             string
		ThresholdPercent        int
		Started, Voting         int
	}
	if err := db.Raw(strings.Replace(funnelQuery, "%s", filter, 1), args...).Scan(&rows).Error; err != nil {
		return Funnel{}, err
	}
	var f Funnel
	var undecided []consent.VoteRef
	for _, r := range rows {
		f.Projects++
		if r.PlanID == nil {
			continue
		}
		f.PlanPublished++
		f.Voting += r.Voting
		if r.Started == 1 {
			f.Reached++
			continue
		}
		undecided = append(undecided, consent.VoteRef{ProjectID: r.ProjectID, PlanID: *r.PlanID, CommunityID: r.CommunityID,
			ScopeBuildingID: r.ScopeBuildingID, Rule: r.ConsentRule, ThresholdPercent: r.ThresholdPercent})
	}
	decided, err := s.consent.DecideMany(ctx, undecided)
	if err != nil {
		return Funnel{}, err
	}
	for _, d := range decided {
		if d.Reached {
			f.Reached++
		}
	}
	return f, nil
}

func (s *Service) complaintFigures(db *gorm.DB, year int, district int64) (ComplaintFigures, error) {
	open := openStatuses()
	q := `SELECT COUNT(*) AS opened,
		COALESCE(SUM(CASE WHEN k.status IN ? THEN 0 ELSE 1 END), 0) AS closed,
		COALESCE(SUM(CASE WHEN k.status IN ? THEN 1 ELSE 0 END), 0) AS open,
		COALESCE(SUM(CASE WHEN k.status IN ? AND k.deadline < ? THEN 1 ELSE 0 END), 0) AS overdue
		FROM complaints k JOIN projects p ON p.id = k.project_id
		WHERE k.created_at >= ? AND k.created_at < ? AND p.plan_status = 'planned'`
	args := []any{open, open, open, s.now(), yearStart(year), yearStart(year + 1)}
	if district != 0 {
		q, args = q+" AND k.district_id = ?", append(args, district)
	}
	var f ComplaintFigures
	err := db.Raw(q, args...).Scan(&f).Error
	return f, err
}

func (s *Service) satisfaction(db *gorm.DB, year int, district int64) (SatisfactionFigures, error) {
	q := `SELECT COUNT(*) AS ratings, COALESCE(SUM(CASE WHEN r.overall >= 4 THEN 1 ELSE 0 END), 0) AS good
		FROM ratings r JOIN projects p ON p.id = r.project_id JOIN communities c ON c.id = p.community_id
		WHERE p.year = ? AND p.plan_status = 'planned'`
	args := []any{year}
	if district != 0 {
		q, args = q+" AND c.district_id = ?", append(args, district)
	}
	var row struct{ Ratings, Good int }
	if err := db.Raw(q, args...).Scan(&row).Error; err != nil {
		return SatisfactionFigures{}, err
	}
	return SatisfactionFigures{Ratings: row.Ratings, Rate: rate(row.Good, row.Ratings)}, nil
}

func yearStart(year int) time.Time { return time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC) }

// openStatuses are the complaint statuses still being handled.
func openStatuses() []string {
	var out []string
	for _, st := range feedback.Statuses {
		if st.Open {
			out = append(out, st.Code)
		}
	}
	return out
}
