package feedback

import (
	"context"
	"strconv"
	"strings"

	"anju/server/auth"
	"anju/server/problem"
)

// Filter narrows the staff queue.
type Filter struct {
	Statuses  []string
	Category  string
	ProjectID int64
	Overdue   bool
	Escalated bool
	Warranty  bool
	Open      bool
	Limit     int
	Offset    int
}

// ParseFilter reads the queue's query parameters.
func ParseFilter(q func(string) string) (Filter, error) {
	f := Filter{Limit: 50}
	if v := q("status"); v != "" {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if !Status(s).Known() {
				return f, problem.Field("status", "%q is not a complaint status", s)
			}
			f.Statuses = append(f.Statuses, s)
		}
	}
	if f.Category = q("category"); f.Category != "" {
		if _, err := (&Service{}).checkCategory(f.Category, ""); err != nil {
			return f, err
		}
	}
	num := func(name string, dst *int, min, max int) error {
		if v := q(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < min || n > max {
				return problem.Field(name, "must be a whole number from %d to %d (got %q)", min, max, v)
			}
			*dst = n
		}
		return nil
	}
	var project int
	if err := num("project_id", &project, 1, 1<<31-1); err != nil {
		return f, err
	}
	f.ProjectID = int64(project)
	if err := num("limit", &f.Limit, 1, 200); err != nil {
		return f, err
	}
	if err := num("offset", &f.Offset, 0, 1<<31-1); err != nil {
		return f, err
	}
	for name, dst := range map[string]*bool{"overdue": &f.Overdue, "escalated": &f.Escalated, "warranty": &f.Warranty, "open": &f.Open} {
		switch q(name) {
		case "", "false", "0":
		case "true", "1":
			*dst = true
		default:
			return f, problem.Field(name, "must be true or false (got %q)", q(name))
		}
	}
	return f, nil
}

// Queue lists the complaints in the caller's area: overdue first, then by deadline.
func (s *Service) Queue(ctx context.Context, by *auth.Staff, f Filter) ([]View, int64, error) {
	q := s.db.WithContext(ctx).Model(&Complaint{})
	switch by.Role {
	case auth.RoleDistrict:
		q = q.Where("district_id = ?", by.DistrictID)
	case auth.RoleCommittee:
		q = q.Where("community_id = ?", by.CommunityID)
	}
	now := s.now()
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.Open || f.Overdue {
		q = q.Where("status IN ?", openStatuses())
	}
	if f.Category != "" {
		q = q.Where("category = ?", f.Category)
	}
	if f.ProjectID > 0 {
		q = q.Where("project_id = ?", f.ProjectID)
	}
	if f.Overdue {
		q = q.Where("deadline IS NOT NULL AND deadline < ?", now)
	}
	if f.Escalated {
		level := 1
		if by.Role == auth.RoleCity {
			level = 2
		}
		q = q.Where("escalation_level >= ?", level)
	}
	if f.Warranty {
		q = q.Where("warranty_kind IS NOT NULL")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var cs []Complaint
	err := q.Order(clauseOverdueFirst(now)).Order("id DESC").Limit(f.Limit).Offset(f.Offset).Find(&cs).Error
	if err != nil {
		return nil, 0, err
	}
	vs, err := s.views(ctx, cs, true)
	return vs, total, err
}
