package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/httpx"
	"anju/server/problem"
	"anju/server/projects"
	"anju/server/store"
	"anju/server/valid"
)

// Totals are what a district's annual plan may not fall below when it is
// adjusted (seed 002 §二(三)): communities, buildings, households, floor area
// and investment.
type Totals struct {
	Communities    int         `json:"communities"`
	Buildings      int         `json:"buildings"`
	Households     int         `json:"households"`
	FloorAreaM2    valid.Cents `json:"floor_area_m2"`
	InvestmentYuan valid.Cents `json:"investment_yuan"`
}

// below lists the totals of t that are smaller than original's.
func (t Totals) below(original Totals) []string {
	var out []string
	if t.Communities < original.Communities {
		out = append(out, fmt.Sprintf("communities %d < %d", t.Communities, original.Communities))
	}
	if t.Buildings < original.Buildings {
		out = append(out, fmt.Sprintf("buildings %d < %d", t.Buildings, original.Buildings))
	}
	if t.Households < original.Households {
		out = append(out, fmt.Sprintf("households %d < %d", t.Households, original.Households))
	}
	if t.FloorAreaM2 < original.FloorAreaM2 {
		out = append(out, fmt.Sprintf("floor area %s m² < %s m²", t.FloorAreaM2, original.FloorAreaM2))
	}
	if t.InvestmentYuan < original.InvestmentYuan {
		out = append(out, fmt.Sprintf("investment %s yuan < %s yuan", t.InvestmentYuan, original.InvestmentYuan))
	}
	return out
}

// AdjustmentInput swaps communities in a district's annual plan.
type AdjustmentInput struct {
	Year        int     `json:"year"`
	Withdraw    []int64 `json:"withdraw"`
	Add         []int64 `json:"add"`
	Reason      string  `json:"reason"`
	ApprovedBy  string  `json:"approved_by"`
	ApprovalRef string  `json:"approval_ref,omitempty"`
}

// Adjustment is a recorded change of an annual plan.
type Adjustment struct {
	ID          int64     `json:"id"`
	DistrictID  int64     `json:"district_id"`
	Year        int       `json:"year"`
	Withdrawn   []int64   `gorm:"serializer:json" json:"withdrawn"`
	Added       []int64   `gorm:"serializer:json" json:"added"`
	Reason      string    `json:"reason"`
	ApprovedBy  string    `json:"approved_by"`
	ApprovalRef string    `json:"approval_ref"`
	Totals      AdjTotals `gorm:"serializer:json" json:"totals"`
	StaffID     int64     `json:"-"`
	By          string    `gorm:"column:by_name;->;-:migration" json:"by"`
	CreatedAt   time.Time `json:"created_at"`
}

// TableName binds Adjustment to its table.
func (Adjustment) TableName() string { return "plan_adjustments" }

// AdjTotals are an adjustment's totals: the original plan's, before and after.
type AdjTotals struct {
	Original Totals `json:"original"`
	Before   Totals `json:"before"`
	After    Totals `json:"after"`
}

// PlanView is a district's annual plan: its original and current totals and
// the adjustments made.
type PlanView struct {
	DistrictID  int64        `json:"district_id"`
	Year        int          `json:"year"`
	Original    *Totals      `json:"original"` // kept at the first adjustment; until then the current totals
	Current     Totals       `json:"current"`
	OpenUntil   string       `json:"open_until"`
	Adjustments []Adjustment `json:"adjustments"`
}

type baseline struct {
	ID             int64
	DistrictID     int64
	Year           int
	Communities    int
	Buildings      int
	Households     int
	FloorAreaCenti valid.Cents
	InvestmentFen  valid.Cents
	TakenAt        time.Time
}

func (baseline) TableName() string { return "plan_baselines" }

// adjustableUntil is the last day a plan of year may be adjusted: 31 March.
func adjustableUntil(year int) time.Time {
	return time.Date(year, time.March, 31, 0, 0, 0, 0, time.UTC)
}

func (s *Service) totals(tx *gorm.DB, districtID int64, year int) (Totals, error) {
	var row struct {
		Communities, Buildings, Households int
		Area, Invest                       int64
	}
	err := tx.Raw(`SELECT COUNT(DISTINCT p.community_id) AS communities, COALESCE(SUM(p.ledger_buildings), 0) AS buildings,
		COALESCE(SUM(p.ledger_households), 0) AS households, COALESCE(SUM(p.floor_area_centi), 0) AS area,
		COALESCE(SUM(p.investment_fen), 0) AS invest
		FROM projects p JOIN communities c ON c.id = p.community_id
		WHERE c.district_id = ? AND p.year = ? AND p.registered_at IS NOT NULL AND p.plan_status = 'planned'`, districtID, year).Scan(&row).Error
	return Totals{row.Communities, row.Buildings, row.Households, valid.Cents(row.Area), valid.Cents(row.Invest)}, err
}

// checkSwap makes sure every project to withdraw is planned and every one to
// add is a reserve, all registered in the district's plan of the year.
func (s *Service) checkSwap(tx *gorm.DB, districtID int64, in AdjustmentInput) error {
	for _, set := range []struct {
		ids    []int64
		status string
		field  string
	}{{in.Withdraw, projects.PlanPlanned, "withdraw"}, {in.Add, projects.PlanReserve, "add"}} {
		seen := map[int64]bool{}
		for _, id := range set.ids {
			if seen[id] {
				return problem.Field(set.field, "project %d is listed twice", id)
			}
			seen[id] = true
			var n int64
			if err := tx.Raw(`SELECT COUNT(*) FROM projects p JOIN communities c ON c.id = p.community_id
				WHERE p.id = ? AND c.district_id = ? AND p.year = ? AND p.registered_at IS NOT NULL AND p.plan_status = ?`,
				id, districtID, in.Year, set.status).Scan(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return problem.Field(set.field, "project %d is not a registered %s project of this district's %d plan", id, set.status, in.Year)
			}
		}
	}
	return nil
}

// Adjust swaps communities in a district's annual plan, until 31 March of its
// year, never below the original totals; the first adjustment keeps the
// original. Who approved it is recorded with the staff member who entered it.
func (s *Service) Adjust(ctx context.Context, by *auth.Staff, districtID int64, in AdjustmentInput) (*Adjustment, error) {
	if !by.CanDistrict(districtID) {
		return nil, problem.NotFound("district_not_found", "No district %d exists in your area.", districtID)
	}
	if err := valid.Range("year", in.Year, 2000, 2100); err != nil {
		return nil, err
	}
	if len(in.Withdraw)+len(in.Add) == 0 || len(in.Withdraw)+len(in.Add) > 200 {
		return nil, problem.Field("withdraw", "name the projects to withdraw and/or to add (1 to 200)")
	}
	var err error
	if in.Reason, err = valid.Text("reason", in.Reason, true, 1000); err != nil {
		return nil, err
	}
	if in.ApprovedBy, err = valid.Text("approved_by", in.ApprovedBy, true, 200); err != nil {
		return nil, problem.Field("approved_by", "is required: who approved the adjustment (e.g. the district government)")
	}
	if in.ApprovalRef, err = valid.Text("approval_ref", in.ApprovalRef, false, 200); err != nil {
		return nil, err
	}
	today := store.Now().In(time.FixedZone("CST", 8*3600))
	if time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC).After(adjustableUntil(in.Year)) {
		return nil, problem.Conflict("adjustment_closed", "The %d plan could be adjusted until 31 March %d; it can no longer change.", in.Year, in.Year)
	}
	adj := &Adjustment{DistrictID: districtID, Year: in.Year, Withdrawn: nonNil(in.Withdraw), Added: nonNil(in.Add), Reason: in.Reason,
		ApprovedBy: in.ApprovedBy, ApprovalRef: in.ApprovalRef, StaffID: by.ID, By: by.Username, CreatedAt: store.Now()}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.db.Lock(tx, store.LockAdjust, districtID*10000+int64(in.Year)); err != nil {
			return err
		}
		if err := s.checkSwap(tx, districtID, in); err != nil {
			return err
		}
		before, err := s.totals(tx, districtID, in.Year)
		if err != nil {
			return err
		}
		original, err := s.baseline(tx, districtID, in.Year, before)
		if err != nil {
			return err
		}
		for _, set := range []struct {
			ids []int64
			to  string
		}{{in.Withdraw, projects.PlanWithdrawn}, {in.Add, projects.PlanPlanned}} {
			if len(set.ids) > 0 {
				if err := tx.Model(&projects.Project{}).Where("id IN ?", set.ids).Update("plan_status", set.to).Error; err != nil {
					return err
				}
			}
		}
		after, err := s.totals(tx, districtID, in.Year)
		if err != nil {
			return err
		}
		if short := after.below(original); len(short) > 0 {
			return problem.Conflict("below_original", "The adjusted plan would fall below the original: %s. Add communities to make up for it.", join(short)).
				With("below", short).With("original", original).With("after", after)
		}
		adj.Totals = AdjTotals{Original: original, Before: before, After: after}
		if err := tx.Omit("By").Create(adj).Error; err != nil {
			return err
		}
		return s.audit.Record(tx, by.Actor(), "plan.adjust", "district", districtID, in)
	})
	if err != nil {
		return nil, err
	}
	return adj, nil
}

// baseline returns the plan's original totals, keeping current as the
// original the first time.
func (s *Service) baseline(tx *gorm.DB, districtID int64, year int, current Totals) (Totals, error) {
	var bs []baseline
	if err := tx.Where("district_id = ? AND year = ?", districtID, year).Limit(1).Find(&bs).Error; err != nil {
		return Totals{}, err
	}
	if len(bs) == 1 {
		b := bs[0]
		return Totals{b.Communities, b.Buildings, b.Households, b.FloorAreaCenti, b.InvestmentFen}, nil
	}
	b := baseline{DistrictID: districtID, Year: year, Communities: current.Communities, Buildings: current.Buildings,
		Households: current.Households, FloorAreaCenti: current.FloorAreaM2, InvestmentFen: current.InvestmentYuan, TakenAt: store.Now()}
	return current, tx.Create(&b).Error
}

// Plan shows a district's annual plan totals and its adjustments.
func (s *Service) Plan(ctx context.Context, by *auth.Staff, districtID int64, year int) (*PlanView, error) {
	if !by.CanDistrict(districtID) {
		return nil, problem.NotFound("district_not_found", "No district %d exists in your area.", districtID)
	}
	if err := valid.Range("year", year, 2000, 2100); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	out := &PlanView{DistrictID: districtID, Year: year, OpenUntil: adjustableUntil(year).Format(time.DateOnly), Adjustments: []Adjustment{}}
	var err error
	if out.Current, err = s.totals(db, districtID, year); err != nil {
		return nil, err
	}
	var bs []baseline
	if err := db.Where("district_id = ? AND year = ?", districtID, year).Limit(1).Find(&bs).Error; err != nil {
		return nil, err
	}
	if len(bs) == 1 {
		b := bs[0]
		out.Original = &Totals{b.Communities, b.Buildings, b.Households, b.FloorAreaCenti, b.InvestmentFen}
	} else {
		// Not adjusted yet: the plan as it stands is the original.
		current := out.Current
		out.Original = &current
	}
	err = db.Raw(`SELECT a.*, u.username AS by_name FROM plan_adjustments a JOIN staff_users u ON u.id = a.staff_id
		WHERE a.district_id = ? AND a.year = ? ORDER BY a.id`, districtID, year).Scan(&out.Adjustments).Error
	return out, err
}

func nonNil(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

func (h *Handlers) adjust(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	var req AdjustmentInput
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	adj, err := h.svc.Adjust(c.Request().Context(), s, id, req)
	if err != nil {
		return err
	}
	return httpx.Created(c, adj)
}

func (h *Handlers) plan(c echo.Context) error {
	s, id, err := auth.StaffAndID(c)
	if err != nil {
		return err
	}
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil {
		return problem.Field("year", "must be a year such as 2026 (got %q)", c.Param("year"))
	}
	out, err := h.svc.Plan(c.Request().Context(), s, id, year)
	if err != nil {
		return err
	}
	return httpx.OK(c, out)
}

func adjustRoutes(h *Handlers) []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodGet, Path: "/districts/:id/annual-plan/:year", Access: httpx.Manager, Tag: "pipeline",
			Summary: "A district's annual plan: original and current totals, adjustments", Response: PlanView{}, Handler: h.plan},
		{Method: http.MethodPost, Path: "/districts/:id/adjustments", Access: httpx.Manager, Tag: "pipeline",
			Summary: "Swap communities in the annual plan (until 31 March; never below the original totals)",
			Request: AdjustmentInput{}, Response: Adjustment{}, Status: http.StatusCreated, Handler: h.adjust},
	}
}
