package plans

import (
	"time"

	"anju/server/problem"
	"anju/server/valid"
)

// ItemInput is a catalogue item chosen into a plan.
type ItemInput struct {
	CatalogCode string       `json:"catalog_code"`
	Description string       `json:"description"`
	Quantity    string       `json:"quantity,omitempty"`
	BudgetYuan  *valid.Cents `json:"budget_yuan,omitempty"`
}

// FundingInput is one source's share of the budget.
type FundingInput struct {
	Source     string      `json:"source"`
	AmountYuan valid.Cents `json:"amount_yuan"`
}

// Input is a plan's content, for a new draft or an edit of one.
type Input struct {
	Title                 string         `json:"title"`
	Summary               string         `json:"summary"`
	ManagementMode        string         `json:"management_mode"`
	ManagementDescription string         `json:"management_description,omitempty"`
	BudgetTotalYuan       *valid.Cents   `json:"budget_total_yuan,omitempty"`
	Funding               []FundingInput `json:"funding,omitempty"`
	Items                 []ItemInput    `json:"items"`
	VotingOpensAt         *time.Time     `json:"voting_opens_at,omitempty"`
	VotingClosesAt        *time.Time     `json:"voting_closes_at"`
}

func (in *Input) validate(catalog map[string]CatalogItem, now time.Time) error {
	var err error
	if in.Title, err = valid.Text("title", in.Title, true, 100); err != nil {
		return err
	}
	if in.Summary, err = valid.Text("summary", in.Summary, false, 2000); err != nil {
		return err
	}
	if err := valid.OneOf("management_mode", in.ManagementMode, ManagementModes...); err != nil {
		return err
	}
	if in.ManagementDescription, err = valid.Text("management_description", in.ManagementDescription, false, 1000); err != nil {
		return err
	}
	if len(in.Items) == 0 {
		return problem.Field("items", "choose at least one item from the catalogue (GET /api/v1/catalog)")
	}
	seen := map[string]bool{}
	for i := range in.Items {
		it := &in.Items[i]
		if _, ok := catalog[it.CatalogCode]; !ok {
			return problem.Field("items", "item %d: %q is not a catalogue code; codes run from 01 to 31 (GET /api/v1/catalog)", i+1, it.CatalogCode)
		}
		if seen[it.CatalogCode] {
			return problem.Field("items", "item %d: catalogue item %s is listed twice; describe it once", i+1, it.CatalogCode)
		}
		seen[it.CatalogCode] = true
		if it.Description, err = valid.Text("items.description", it.Description, true, 1000); err != nil {
			return problem.Field("items", "item %d (%s): say what will be done, at most 1000 characters", i+1, it.CatalogCode)
		}
		if it.Quantity, err = valid.Text("items.quantity", it.Quantity, false, 100); err != nil {
			return problem.Field("items", "item %d (%s): quantity is at most 100 characters", i+1, it.CatalogCode)
		}
	}
	sources := map[string]bool{}
	var sum valid.Cents
	for i, f := range in.Funding {
		if err := valid.OneOf("funding.source", f.Source, FundingSources...); err != nil {
			return problem.Field("funding", "entry %d: source must be one of central, provincial, city, district, residents, property_unit, utilities, social_capital (got %q)", i+1, f.Source)
		}
		if sources[f.Source] {
			return problem.Field("funding", "entry %d: %s is listed twice", i+1, f.Source)
		}
		sources[f.Source] = true
		sum += f.AmountYuan
	}
	if len(in.Funding) > 0 && in.BudgetTotalYuan != nil && sum != *in.BudgetTotalYuan {
		return problem.Field("funding", "the sources add up to %s yuan but the budget total is %s yuan; they must be equal", sum, *in.BudgetTotalYuan)
	}
	if in.VotingClosesAt == nil {
		return problem.Field("voting_closes_at", "is required: when the vote ends, as an RFC 3339 time such as 2026-12-31T18:00:00+08:00")
	}
	if !in.VotingClosesAt.After(now) {
		return problem.Field("voting_closes_at", "must be in the future")
	}
	if in.VotingOpensAt != nil && !in.VotingClosesAt.After(*in.VotingOpensAt) {
		return problem.Field("voting_closes_at", "must be after voting_opens_at")
	}
	return nil
}

func (in *Input) apply(p *Plan) {
	p.Title, p.Summary = in.Title, in.Summary
	p.ManagementMode, p.ManagementDescription = in.ManagementMode, in.ManagementDescription
	p.BudgetTotalFen = in.BudgetTotalYuan
	p.VotingClosesAt = in.VotingClosesAt.UTC()
	p.VotingOpensAt = nil
	if in.VotingOpensAt != nil {
		t := in.VotingOpensAt.UTC()
		p.VotingOpensAt = &t
	}
	p.Items, p.Funding = nil, nil
	for i, it := range in.Items {
		p.Items = append(p.Items, PlanItem{CatalogCode: it.CatalogCode, Position: i + 1,
			Description: it.Description, Quantity: it.Quantity, BudgetFen: it.BudgetYuan})
	}
	for _, f := range in.Funding {
		p.Funding = append(p.Funding, PlanFunding{Source: f.Source, AmountFen: f.AmountYuan})
	}
}
