package projects

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/httpx"
	"anju/server/problem"
	"anju/server/store"
	"anju/server/valid"
)

// Project kinds in the annual plan.
const (
	KindNew        = "new"        // 新开工: starts in the plan's year
	KindContinuing = "continuing" // 续建: started the year before, to finish this year
)

// Plan statuses of a project in its district's annual plan.
const (
	PlanPlanned   = "planned"
	PlanReserve   = "reserve"
	PlanWithdrawn = "withdrawn"
)

// FundingSources are where the money comes from (seed 000 §五(四), DESIGN rule 6).
var FundingSources = []string{"central", "provincial", "city", "district", "residents", "property_unit", "utilities", "social_capital"}

// BuiltYearCutoff: communities built in this year or later are outside the
// programme's scope (seed 000 §二: built before 2000); registering one needs a reason.
const BuiltYearCutoff = 2000

// FundingLine is one source's share of a project's investment.
type FundingLine struct {
	Source     string      `json:"source"`
	AmountYuan valid.Cents `json:"amount_yuan"`
}

// Ledger is a project's registration in the ledger (台账登记, seed 000 §五(三)).
type Ledger struct {
	Kind string `gorm:"default:new" json:"kind"`
	// PlanStatus says whether the project counts in its district's annual
	// plan: planned, reserve (registered to be swapped in) or withdrawn.
	PlanStatus        string        `gorm:"default:planned" json:"plan_status"`
	RegisteredAt      *time.Time    `json:"registered_at"`
	RegisteredBy      *int64        `json:"-"`
	LedgerHouseholds  *int          `json:"ledger_households"`
	LedgerBuildings   *int          `json:"ledger_buildings"`
	FloorAreaCenti    *valid.Cents  `gorm:"column:floor_area_centi" json:"floor_area_m2"`
	InvestmentFen     *valid.Cents  `gorm:"column:investment_fen" json:"investment_yuan"`
	Funding           []FundingLine `gorm:"serializer:json" json:"funding"`
	BuiltYearReason   string        `json:"built_year_reason"`
	ResponsiblePerson string        `json:"responsible_person"`
	ResponsiblePhone  string        `json:"responsible_phone"`
	DesignUnit        string        `json:"design_unit"`
	ConstructionUnit  string        `json:"construction_unit"`
	SupervisionUnit   string        `json:"supervision_unit"`
	// StartedOn is the day the project counted as started (开工): all five
	// start criteria held.
	StartedOn *time.Time `json:"started_on"`
}

// LedgerInput registers or corrects a project in the ledger.
type LedgerInput struct {
	Kind              string        `json:"kind"`
	Households        int           `json:"households"`
	Buildings         int           `json:"buildings"`
	FloorAreaM2       valid.Cents   `json:"floor_area_m2"`
	InvestmentYuan    valid.Cents   `json:"investment_yuan"`
	Funding           []FundingLine `json:"funding"`
	ResponsiblePerson string        `json:"responsible_person"`
	ResponsiblePhone  string        `json:"responsible_phone,omitempty"`
	DesignUnit        string        `json:"design_unit,omitempty"`
	ConstructionUnit  string        `json:"construction_unit,omitempty"`
	SupervisionUnit   string        `json:"supervision_unit,omitempty"`
	// BuiltYearReason is required when the community was built in 2000 or later.
	BuiltYearReason string `json:"built_year_reason,omitempty"`
	// Reserve registers the project outside the annual plan, to be swapped in
	// by a plan adjustment (first registration only).
	Reserve bool `json:"reserve,omitempty"`
}

func (in *LedgerInput) validate() error {
	if in.Kind == "" {
		in.Kind = KindNew
	}
	if err := valid.OneOf("kind", in.Kind, KindNew, KindContinuing); err != nil {
		return err
	}
	if err := valid.Range("households", in.Households, 1, 100000); err != nil {
		return err
	}
	if err := valid.Range("buildings", in.Buildings, 1, 10000); err != nil {
		return err
	}
	if in.FloorAreaM2 <= 0 {
		return problem.Field("floor_area_m2", "give the total floor area in m², e.g. 5230.5")
	}
	if in.InvestmentYuan <= 0 {
		return problem.Field("investment_yuan", "give the estimated investment in yuan, e.g. 1280000")
	}
	var sum valid.Cents
	seen := map[string]bool{}
	for i, f := range in.Funding {
		if err := valid.OneOf("funding.source", f.Source, FundingSources...); err != nil {
			return problem.Field("funding", "entry %d: source must be one of central, provincial, city, district, residents, property_unit, utilities, social_capital (got %q)", i+1, f.Source)
		}
		if seen[f.Source] {
			return problem.Field("funding", "source %s is listed twice", f.Source)
		}
		seen[f.Source] = true
		if f.AmountYuan < 0 {
			return problem.Field("funding", "entry %d: the amount cannot be negative", i+1)
		}
		sum += f.AmountYuan
	}
	if len(in.Funding) == 0 {
		return problem.Field("funding", "list where the money comes from (central, provincial, city, district, residents, …)")
	}
	if sum != in.InvestmentYuan {
		return problem.Field("funding", "the sources add up to %s yuan but the investment is %s yuan; they must be equal", sum, in.InvestmentYuan)
	}
	var err error
	for _, f := range []struct {
		name string
		v    *string
		req  bool
	}{{"responsible_person", &in.ResponsiblePerson, true}, {"design_unit", &in.DesignUnit, false},
		{"construction_unit", &in.ConstructionUnit, false}, {"supervision_unit", &in.SupervisionUnit, false},
		{"built_year_reason", &in.BuiltYearReason, false}} {
		if *f.v, err = valid.Text(f.name, *f.v, f.req, 200); err != nil {
			return err
		}
	}
	in.ResponsiblePhone, err = valid.Phone("responsible_phone", in.ResponsiblePhone)
	return err
}

// Register records (or corrects) a project's ledger entry. The first one is
// the registration (登记) with who and when. A community built in 2000 or
// later is outside the programme's scope unless a reason is given.
func (s *Service) Register(ctx context.Context, by *auth.Staff, id int64, in LedgerInput) (*View, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	v, err := s.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	var built int
	if err := s.db.WithContext(ctx).Raw("SELECT built_year FROM communities WHERE id = ?", v.CommunityID).Scan(&built).Error; err != nil {
		return nil, err
	}
	if built >= BuiltYearCutoff && in.BuiltYearReason == "" {
		return nil, problem.Conflict("built_after_cutoff", "%s was built in %d; the programme covers communities built before %d. Give built_year_reason to register it anyway.",
			v.CommunityName, built, BuiltYearCutoff).With("built_year", built)
	}
	area, invest := in.FloorAreaM2, in.InvestmentYuan
	hh, bl := in.Households, in.Buildings
	updates := map[string]any{"kind": in.Kind, "ledger_households": hh, "ledger_buildings": bl, "floor_area_centi": area,
		"investment_fen": invest, "funding": jsonText(in.Funding), "built_year_reason": in.BuiltYearReason,
		"responsible_person": in.ResponsiblePerson, "responsible_phone": in.ResponsiblePhone, "design_unit": in.DesignUnit,
		"construction_unit": in.ConstructionUnit, "supervision_unit": in.SupervisionUnit}
	action := "project.ledger"
	if v.RegisteredAt == nil {
		updates["registered_at"], updates["registered_by"] = store.Now(), by.ID
		action = "project.register"
		if in.Reserve {
			updates["plan_status"] = PlanReserve
		}
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&Project{}).Where("id = ?", id).Updates(updates).Error; err != nil {
			return err
		}
		return s.audit.Record(tx, by.Actor(), action, "project", id, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, by, id)
}

func (h *Handlers) register(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req LedgerInput
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	p, err := h.svc.Register(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.OK(c, p)
}

func ledgerRoutes(h *Handlers) []httpx.Route {
	return []httpx.Route{{Method: http.MethodPut, Path: "/projects/:id/ledger", Access: httpx.Staff, Tag: "pipeline",
		Summary: "Register the project in the ledger (登记) or correct its entry: households, buildings, area, investment and funding, people and units",
		Request: LedgerInput{}, Response: View{}, Handler: h.register}}
}
