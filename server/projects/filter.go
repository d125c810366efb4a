package projects

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"anju/server/auth"
	"anju/server/httpx"
	"anju/server/problem"
)

// Filter narrows the project list; the dashboards link every figure to it.
// Zero values and nil pointers do not filter.
type Filter struct {
	Year       int
	DistrictID int64
	Stage      string
	Kind       string
	Started    *bool // started_on set (开工)
	Completed  *bool // accepted_on set (完成改造)
}

// where is the filter as SQL conditions on viewQuery's aliases.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg ...any) { conds, args = append(conds, cond), append(args, arg...) }
	if f.Year != 0 {
		add("p.year = ?", f.Year)
	}
	if f.DistrictID != 0 {
		add("c.district_id = ?", f.DistrictID)
	}
	if f.Stage != "" {
		add("p.stage = ?", f.Stage)
	}
	if f.Kind != "" {
		add("p.kind = ?", f.Kind)
	}
	for _, b := range []struct {
		v   *bool
		col string
	}{{f.Started, "p.started_on"}, {f.Completed, "p.accepted_on"}} {
		switch {
		case b.v == nil:
		case *b.v:
			add(b.col + " IS NOT NULL")
		default:
			add(b.col + " IS NULL")
		}
	}
	return strings.Join(conds, " AND "), args
}

// Find returns the projects the caller may see that match f, newest first.
func (s *Service) Find(ctx context.Context, by *auth.Staff, f Filter) ([]View, error) {
	cond, args := f.where()
	switch by.Role {
	case auth.RoleDistrict:
		cond, args = strings.TrimSuffix("c.district_id = ? AND "+cond, " AND "), append([]any{by.DistrictID}, args...)
	case auth.RoleCommittee:
		cond, args = strings.TrimSuffix("c.id = ? AND "+cond, " AND "), append([]any{by.CommunityID}, args...)
	}
	q := viewQuery
	if cond != "" {
		q += " WHERE " + cond
	}
	var out []View
	err := s.db.WithContext(ctx).Raw(q+" ORDER BY p.year DESC, p.id DESC", args...).Scan(&out).Error
	return out, err
}

// listStages are the stages a list may be filtered by (package pipeline's).
var listStages = []string{"survey", "mobilization", "planning", "construction", "acceptance", "handed_over"}

// filterFrom reads the list's query parameters, refusing what it cannot read.
func filterFrom(c echo.Context) (Filter, error) {
	var f Filter
	var err error
	if raw := c.QueryParam("year"); raw != "" {
		if f.Year, err = strconv.Atoi(raw); err != nil || f.Year < 2000 || f.Year > 2100 {
			return f, problem.Invalid("invalid_query", "year=%q is not a year between 2000 and 2100.", raw)
		}
	}
	if f.DistrictID, err = httpx.QueryID(c, "district_id"); err != nil {
		return f, err
	}
	if f.Stage = c.QueryParam("stage"); f.Stage != "" && !slices.Contains(listStages, f.Stage) {
		return f, problem.Invalid("invalid_query", "stage=%q is not a stage; use one of %s.", f.Stage, strings.Join(listStages, ", "))
	}
	if f.Kind = c.QueryParam("kind"); f.Kind != "" && f.Kind != KindNew && f.Kind != KindContinuing {
		return f, problem.Invalid("invalid_query", "kind=%q is not a kind; use new or continuing.", f.Kind)
	}
	for _, b := range []struct {
		name string
		dst  **bool
	}{{"started", &f.Started}, {"completed", &f.Completed}} {
		switch raw := c.QueryParam(b.name); raw {
		case "":
		case "true", "false":
			v := raw == "true"
			*b.dst = &v
		default:
			return f, problem.Invalid("invalid_query", "%s=%q must be true or false.", b.name, raw)
		}
	}
	return f, nil
}
