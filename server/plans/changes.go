package plans

import (
	"context"

	"github.com/labstack/echo/v4"

	"anju/server/auth"
	"anju/server/httpx"
	"anju/server/valid"
)

// FieldChange is one field that differs between two versions.
type FieldChange struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

// ItemChange is one field of a catalogue item that differs.
type ItemChange struct {
	CatalogCode string `json:"catalog_code"`
	Field       string `json:"field"`
	Old         any    `json:"old"`
	New         any    `json:"new"`
}

// FundingChange is one funding source whose amount differs.
type FundingChange struct {
	Source string       `json:"source"`
	Old    *valid.Cents `json:"old"`
	New    *valid.Cents `json:"new"`
}

// Changes says what a version changed against the previous one, so residents
// and staff see why a new vote was started.
type Changes struct {
	PlanID         int64           `json:"plan_id"`
	PreviousPlanID *int64          `json:"previous_plan_id"`
	Fields         []FieldChange   `json:"fields"`
	ItemsAdded     []ItemView      `json:"items_added"`
	ItemsRemoved   []ItemView      `json:"items_removed"`
	ItemsChanged   []ItemChange    `json:"items_changed"`
	FundingChanged []FundingChange `json:"funding_changed"`
}

// Changes compares a plan with the project's previous version.
func (s *Service) Changes(ctx context.Context, by *auth.Staff, id int64) (*Changes, error) {
	p, prj, err := s.get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	out := &Changes{PlanID: id, Fields: []FieldChange{}, ItemsAdded: []ItemView{}, ItemsRemoved: []ItemView{},
		ItemsChanged: []ItemChange{}, FundingChanged: []FundingChange{}}
	var prev []Plan
	if err := s.db.WithContext(ctx).Where("project_id = ? AND version = ?", p.ProjectID, p.Version-1).Limit(1).Find(&prev).Error; err != nil {
		return nil, err
	}
	cur, err := s.view(ctx, p, prj.ThresholdPercent)
	if err != nil {
		return nil, err
	}
	if len(prev) == 0 {
		out.ItemsAdded = cur.Items
		return out, nil
	}
	out.PreviousPlanID = &prev[0].ID
	old, err := s.view(ctx, &prev[0], prj.ThresholdPercent)
	if err != nil {
		return nil, err
	}
	field := func(name string, a, b any) {
		if a != b {
			out.Fields = append(out.Fields, FieldChange{Field: name, Old: a, New: b})
		}
	}
	field("title", old.Title, cur.Title)
	field("summary", old.Summary, cur.Summary)
	field("management_mode", old.ManagementMode, cur.ManagementMode)
	field("management_description", old.ManagementDescription, cur.ManagementDescription)
	field("budget_total_yuan", centsOrNil(old.BudgetTotalYuan), centsOrNil(cur.BudgetTotalYuan))
	field("voting_closes_at", old.VotingClosesAt.UTC(), cur.VotingClosesAt.UTC())

	before := map[string]ItemView{}
	for _, it := range old.Items {
		before[it.CatalogCode] = it
	}
	for _, it := range cur.Items {
		o, ok := before[it.CatalogCode]
		if !ok {
			out.ItemsAdded = append(out.ItemsAdded, it)
			continue
		}
		delete(before, it.CatalogCode)
		item := func(name string, a, b any) {
			if a != b {
				out.ItemsChanged = append(out.ItemsChanged, ItemChange{CatalogCode: it.CatalogCode, Field: name, Old: a, New: b})
			}
		}
		item("description", o.Description, it.Description)
		item("quantity", o.Quantity, it.Quantity)
		item("budget_yuan", centsOrNil(o.BudgetYuan), centsOrNil(it.BudgetYuan))
	}
	for _, it := range old.Items {
		if _, gone := before[it.CatalogCode]; gone {
			out.ItemsRemoved = append(out.ItemsRemoved, it)
		}
	}
	amounts := func(v *View) map[string]valid.Cents {
		m := map[string]valid.Cents{}
		for _, f := range v.Funding {
			m[f.Source] = f.AmountYuan
		}
		return m
	}
	a, b := amounts(old), amounts(cur)
	for _, src := range FundingSources {
		x, okx := a[src]
		y, oky := b[src]
		if okx == oky && x == y {
			continue
		}
		fc := FundingChange{Source: src}
		if okx {
			fc.Old = &x
		}
		if oky {
			fc.New = &y
		}
		out.FundingChanged = append(out.FundingChanged, fc)
	}
	return out, nil
}

func centsOrNil(c *valid.Cents) any {
	if c == nil {
		return nil
	}
	return *c
}

func (h *Handlers) changes(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	ch, err := h.svc.Changes(c.Request().Context(), s, id)
	if err != nil {
		return err
	}
	return httpx.OK(c, ch)
}
