package feedback

import (
	"fmt"
	"time"
)

// China is the time zone working days are counted in (UTC+8, no summer time).
var China = time.FixedZone("CST", 8*3600)

// Calendar counts working days: Monday to Friday in China time, minus public
// holidays, plus the weekend days declared working days (调休).
type Calendar struct {
	holidays map[string]bool
	workdays map[string]bool
}

// NewCalendar builds a calendar from YYYY-MM-DD dates.
func NewCalendar(holidays, workdays []string) (Calendar, error) {
	c := Calendar{holidays: map[string]bool{}, workdays: map[string]bool{}}
	for _, set := range []struct {
		dates []string
		into  map[string]bool
	}{{holidays, c.holidays}, {workdays, c.workdays}} {
		for _, d := range set.dates {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				return c, fmt.Errorf("calendar date %q: %w", d, err)
			}
			set.into[d] = true
		}
	}
	return c, nil
}

// IsWorkingDay tells whether the China-time day of t is a working day.
func (c Calendar) IsWorkingDay(t time.Time) bool {
	day := t.In(China).Format(time.DateOnly)
	if c.workdays[day] {
		return true
	}
	if c.holidays[day] {
		return false
	}
	wd := t.In(China).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Deadline is the end (24:00 China time) of the n-th working day after the
// day of start: filed on Monday with n = 1, it is due by the end of Tuesday.
func (c Calendar) Deadline(start time.Time, n int) time.Time {
	local := start.In(China)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, China)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if c.IsWorkingDay(day) {
			n--
		}
	}
	return day.AddDate(0, 0, 1).UTC()
}
