// Package reports measures the programme against its targets (任务分解, seed
// 002 附表1–2): the districts' annual targets, the three milestones of seed 002
// §一, the monthly report (月报, seed 000 §五(三)) and the dashboards. The
// milestones are a pure function of the targets, a date and the projects'
// dated facts; everything read from the database is an SQL aggregate.
package reports

import (
	"math"
	"time"
)

// Project kinds (the same codes as the ledger's).
const (
	KindNew        = "new"        // 新开工
	KindContinuing = "continuing" // 续建
)

// Milestone statuses.
const (
	Met      = "met"      // reached, on or before the date
	Missed   = "missed"   // the date passed without it
	OnTrack  = "on_track" // not reached yet, but at the pace the time elapsed calls for
	AtRisk   = "at_risk"  // behind that pace
	Upcoming = "upcoming" // the as-of date is before 1 January of the year: nothing to measure yet
)

// Targets are a district's households for a year (附表1–2).
type Targets struct {
	StartHouseholds      int `json:"start_households"`      // 新开工
	CompleteHouseholds   int `json:"complete_households"`   // 完成改造
	ContinuingHouseholds int `json:"continuing_households"` // 续建, due by 30 June
}

// Fact is what the milestones look at about projects: one project, or several
// of the same kind and dates summed up. Dates are UTC calendar days.
type Fact struct {
	Kind       string
	Households int
	// Projects is how many projects the fact sums up; 0 counts as one.
	Projects   int
	StartedOn  *time.Time
	AcceptedOn *time.Time
}

func (f Fact) projects() int {
	if f.Projects <= 0 {
		return 1
	}
	return f.Projects
}

// Continuing is where the continuing projects (续建) stand.
type Continuing struct {
	Households     int `json:"households"`
	DoneHouseholds int `json:"done_households"`
	Projects       int `json:"projects"`
	DoneProjects   int `json:"done_projects"`
}

// Rates are the shares of the targets reached, rounded to 4 decimals; null
// when the target is zero.
type Rates struct {
	Start      *float64 `json:"start"`
	Complete   *float64 `json:"complete"`
	Continuing *float64 `json:"continuing"`
}

// Milestone is one of the three dated requirements of seed 002 §一.
type Milestone struct {
	Code     string `json:"code"`
	Date     string `json:"date"`
	Label    string `json:"label"`
	Status   string `json:"status"`
	Required int    `json:"required"` // households
	Actual   int    `json:"actual"`   // households, as of the date or the as-of day if earlier
	// ContinuingProjects and ContinuingDone (jun30 only): the continuing
	// projects, all of which must be completed by 30 June.
	ContinuingProjects *int `json:"continuing_projects,omitempty"`
	ContinuingDone     *int `json:"continuing_done,omitempty"`
}

// Figures are a district's progress as of a day.
type Figures struct {
	StartedHouseholds   int         `json:"started_households"`
	CompletedHouseholds int         `json:"completed_households"`
	Continuing          Continuing  `json:"continuing"`
	Rates               Rates       `json:"rates"`
	Milestones          []Milestone `json:"milestones"`
}

// day is a UTC calendar day as a day number, for exact comparisons.
func day(t time.Time) int64 {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func by(t *time.Time, cutoff int64) bool { return t != nil && day(*t) <= cutoff }

// tally sums the facts as they stood at the end of cutoff.
type tally struct {
	started, completed         int // new-start households
	contHH, contDoneHH         int
	contProjects, contDoneProj int
}

func count(facts []Fact, cutoff int64) tally {
	var t tally
	for _, f := range facts {
		switch f.Kind {
		case KindContinuing:
			t.contHH += f.Households
			t.contProjects += f.projects()
			if by(f.AcceptedOn, cutoff) {
				t.contDoneHH += f.Households
				t.contDoneProj += f.projects()
			}
		default:
			if by(f.StartedOn, cutoff) {
				t.started += f.Households
			}
			if by(f.AcceptedOn, cutoff) {
				t.completed += f.Households
			}
		}
	}
	return t
}

// Evaluate measures facts against the targets of year as of the day asOf.
// Milestones (seed 002 §一): by 30 June at least 50 % of the new-start
// households started and every continuing project completed; by 31 October
// every new-start household started; by 31 December at least 70 % of the
// new-start households completed. Shares are decided in exact integer
// arithmetic (2·started ≥ target, 10·completed ≥ 7·target). A fact counts for
// a milestone when its day is on or before the milestone's date, and never
// after asOf.
func Evaluate(year int, t Targets, asOf time.Time, facts []Fact) Figures {
	now := day(asOf)
	cur := count(facts, now)
	out := Figures{StartedHouseholds: cur.started, CompletedHouseholds: cur.completed,
		Continuing: Continuing{Households: cur.contHH, DoneHouseholds: cur.contDoneHH,
			Projects: cur.contProjects, DoneProjects: cur.contDoneProj},
		Rates: Rates{Start: rate(cur.started, t.StartHouseholds), Complete: rate(cur.completed, t.CompleteHouseholds),
			Continuing: rate(cur.contDoneHH, t.ContinuingHouseholds)}}
	jan1 := day(time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC))
	for _, m := range milestoneDefs {
		date := time.Date(year, m.month, m.day, 0, 0, 0, 0, time.UTC)
		cutoff := min(day(date), now)
		c := count(facts, cutoff)
		ms := Milestone{Code: m.code, Date: date.Format(time.DateOnly), Label: m.label}
		reached, paced := m.check(t, c, pace{elapsed: now - jan1 + 1, total: day(date) - jan1 + 1})
		ms.Required, ms.Actual = m.figures(t, c)
		if m.code == "jun30" {
			n, done := c.contProjects, c.contDoneProj
			ms.ContinuingProjects, ms.ContinuingDone = &n, &done
		}
		switch {
		case reached:
			ms.Status = Met
		case now >= day(date):
			ms.Status = Missed
		case now < jan1:
			ms.Status = Upcoming
		case paced:
			ms.Status = OnTrack
		default:
			ms.Status = AtRisk
		}
		out.Milestones = append(out.Milestones, ms)
	}
	return out
}

// pace is how far the year has gone towards a milestone: days since 1
// January (counting both ends) out of the days up to the milestone's date.
type pace struct{ elapsed, total int64 }

// keeps tells whether actual out of required is at least the elapsed share:
// actual/required ≥ elapsed/total, exactly.
func (p pace) keeps(actual, required int) bool {
	return int64(actual)*p.total >= int64(required)*p.elapsed
}

type milestoneDef struct {
	code    string
	month   time.Month
	day     int
	label   string
	check   func(Targets, tally, pace) (reached, onPace bool)
	figures func(Targets, tally) (required, actual int)
}

var milestoneDefs = []milestoneDef{
	{code: "jun30", month: time.June, day: 30, label: "6月底前：新开工户数达到年度任务的50%以上，续建项目全部完成改造",
		check: func(t Targets, c tally, p pace) (bool, bool) {
			half := 2*int64(c.started) >= int64(t.StartHouseholds)
			// Every continuing project completed; with a continuing target
			// and no continuing project registered there is nothing to call complete.
			noneMissing := c.contProjects > 0 || t.ContinuingHouseholds == 0
			allDone := noneMissing && c.contDoneProj == c.contProjects
			contRequired := c.contHH
			if c.contProjects == 0 {
				contRequired = t.ContinuingHouseholds
			}
			return half && allDone, p.keeps(2*c.started, t.StartHouseholds) && p.keeps(c.contDoneHH, contRequired)
		},
		figures: func(t Targets, c tally) (int, int) { return (t.StartHouseholds + 1) / 2, c.started }},
	{code: "oct31", month: time.October, day: 31, label: "10月底前：纳入年度计划的项目全部开工",
		check: func(t Targets, c tally, p pace) (bool, bool) {
			return c.started >= t.StartHouseholds, p.keeps(c.started, t.StartHouseholds)
		},
		figures: func(t Targets, c tally) (int, int) { return t.StartHouseholds, c.started }},
	{code: "dec31", month: time.December, day: 31, label: "12月底前：年度计划项目完成改造70%（按户数）",
		check: func(t Targets, c tally, p pace) (bool, bool) {
			return 10*int64(c.completed) >= 7*int64(t.StartHouseholds), p.keeps(10*c.completed, 7*t.StartHouseholds)
		},
		figures: func(t Targets, c tally) (int, int) { return (7*t.StartHouseholds + 9) / 10, c.completed }},
}

// rate is part of whole rounded to 4 decimals, null when whole is zero.
func rate(part, whole int) *float64 {
	if whole <= 0 {
		return nil
	}
	r := math.Round(float64(part)/float64(whole)*10000) / 10000
	return &r
}
