package consent

import (
	"context"
	"strconv"
	"time"

	"anju/server/auth"
	"anju/server/plans"
	"anju/server/projects"
	"anju/server/registry"
	"anju/server/valid"
)

// AreaView is the floor area behind a vote (Civil Code rules), in m².
type AreaView struct {
	TotalM2           valid.Cents `json:"total_m2"`
	ParticipatingM2   valid.Cents `json:"participating_m2"`
	PlanAgreeM2       valid.Cents `json:"plan_agree_m2"`
	ManagementAgreeM2 valid.Cents `json:"management_agree_m2"`
}

// Turnout says whether enough owners took part (Civil Code rules).
type Turnout struct {
	Reached bool `json:"reached"`
}

// Counted is one roll's result under a project's rule.
type Counted struct {
	Eligible   int        `json:"eligible"`
	Voted      int        `json:"voted"`
	Paper      int        `json:"paper"`
	Plan       Question   `json:"plan"`
	Management Question   `json:"management"`
	Area       *AreaView  `json:"area,omitempty"`
	Heads      *HeadTally `json:"heads,omitempty"`
	Turnout    *Turnout   `json:"turnout,omitempty"`
}

// BuildingTally is one building's share of the vote.
type BuildingTally struct {
	BuildingID int64  `json:"building_id"`
	Name       string `json:"name"`
	Counted
}

// NonVoter is a household that has not voted yet, owner masked, for the
// door-to-door round.
type NonVoter struct {
	HouseholdID  int64  `json:"household_id"`
	BuildingID   int64  `json:"building_id"`
	BuildingName string `json:"building_name"`
	Entrance     string `json:"entrance"`
	Floor        int    `json:"floor"`
	Room         string `json:"room"`
	OwnerMasked  string `json:"owner_masked"`
}

// ProjectTally is the consent of a project's current plan.
type ProjectTally struct {
	ProjectID        int64      `json:"project_id"`
	PlanID           int64      `json:"plan_id"`
	PlanVersion      int        `json:"plan_version"`
	Rule             string     `json:"rule"`
	ThresholdPercent int        `json:"threshold_percent"`
	ScopeBuildingID  *int64     `json:"scope_building_id"`
	VotingStatus     string     `json:"voting_status"`
	VotingOpensAt    *time.Time `json:"voting_opens_at"`
	VotingClosesAt   time.Time  `json:"voting_closes_at"`
	ClosedAt         *time.Time `json:"closed_at"`
	Counted
	Reached   bool            `json:"reached"`
	Buildings []BuildingTally `json:"buildings"`
	NonVoters []NonVoter      `json:"non_voters"`
}

// rollRow is one household of the roll with its current vote.
type rollRow struct {
	ID, BuildingID               int64
	BuildingName                 string
	Entrance, Room               string
	Floor                        int
	OwnerName, OwnerGroup        string
	AreaCenti                    int64
	PlanChoice, ManagementChoice *string
	Channel                      *string
}

const rollQuery = `SELECT h.id, h.building_id, b.name AS building_name, h.entrance, h.floor, h.room,
	h.owner_name, h.owner_group, h.area_centi, bl.plan_choice, bl.management_choice, bl.channel
	FROM households h
	JOIN buildings b ON b.id = h.building_id
	LEFT JOIN ballots bl ON bl.household_id = h.id AND bl.plan_id = ?
	WHERE b.community_id = ?`

// loadRoll reads the roll of a project's vote: every household in scope.
func (s *Service) loadRoll(ctx context.Context, prj *projects.View, planID int64) ([]rollRow, error) {
	q, args := rollQuery, []any{planID, prj.CommunityID}
	if prj.ScopeBuildingID != nil {
		q, args = q+" AND b.id = ?", append(args, *prj.ScopeBuildingID)
	}
	var rows []rollRow
	err := s.db.WithContext(ctx).Raw(q+" ORDER BY b.id, h.entrance, h.floor, h.room", args...).Scan(&rows).Error
	return rows, err
}

// count applies the project's rule to a roll.
func count(rule string, percent int, rows []rollRow) (Counted, bool) {
	var c Counted
	var pc, mc Counts
	entries := make([]RollEntry, 0, len(rows))
	for _, r := range rows {
		e := RollEntry{Head: r.OwnerGroup, AreaCenti: r.AreaCenti}
		if e.Head == "" {
			e.Head = "household:" + strconv.FormatInt(r.ID, 10)
		}
		c.Eligible++
		if r.PlanChoice != nil && r.ManagementChoice != nil {
			e.Voted, e.Plan, e.Management = true, *r.PlanChoice, *r.ManagementChoice
			c.Voted++
			if r.Channel != nil && *r.Channel == ChannelPaper {
				c.Paper++
			}
			pc = add(pc, e.Plan)
			mc = add(mc, e.Management)
		}
		entries = append(entries, e)
	}
	c.Plan, c.Management = Tally(pc, c.Eligible, percent), Tally(mc, c.Eligible, percent)
	if rule == RuleHouseholds80 {
		return c, c.Plan.Reached && c.Management.Reached
	}
	cc := Reckon(entries, rule == RuleCivilCodeMajor)
	c.Plan.Reached, c.Management.Reached = cc.PlanReached, cc.MgmtReached
	c.Plan.Needed, c.Management.Needed = 0, 0
	c.Area = &AreaView{TotalM2: valid.Cents(cc.Area.TotalCenti), ParticipatingM2: valid.Cents(cc.Area.ParticipatingCenti),
		PlanAgreeM2: valid.Cents(cc.Area.PlanAgreeCenti), ManagementAgreeM2: valid.Cents(cc.Area.ManagementAgreeCenti)}
	heads := cc.Heads
	c.Heads = &heads
	c.Turnout = &Turnout{Reached: cc.TurnoutReached}
	return c, cc.PlanReached && cc.MgmtReached
}

func add(c Counts, choice string) Counts {
	switch choice {
	case Agree:
		c.Agree++
	case Disagree:
		c.Disagree++
	case Abstain:
		c.Abstain++
	}
	return c
}

// Tally counts the votes on a project's current plan under its rule: every
// household in scope is eligible, voters or not.
func (s *Service) Tally(ctx context.Context, by *auth.Staff, projectID int64) (*ProjectTally, error) {
	prj, err := s.projects.Get(ctx, by, projectID)
	if err != nil {
		return nil, err
	}
	plan, err := s.plans.CurrentForProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return s.tallyOf(ctx, prj, plan)
}

func (s *Service) tallyOf(ctx context.Context, prj *projects.View, plan *plans.Plan) (*ProjectTally, error) {
	rows, err := s.loadRoll(ctx, prj, plan.ID)
	if err != nil {
		return nil, err
	}
	t := &ProjectTally{ProjectID: prj.ID, PlanID: plan.ID, PlanVersion: plan.Version, Rule: prj.ConsentRule,
		ThresholdPercent: prj.ThresholdPercent, ScopeBuildingID: prj.ScopeBuildingID,
		VotingStatus: plan.VotingStatus(s.now()), VotingOpensAt: plan.VotingOpensAt, VotingClosesAt: plan.VotingClosesAt,
		ClosedAt: plan.ClosedAt, Buildings: []BuildingTally{}, NonVoters: []NonVoter{}}
	t.Counted, t.Reached = count(prj.ConsentRule, prj.ThresholdPercent, rows)
	for start := 0; start < len(rows); {
		end := start
		for end < len(rows) && rows[end].BuildingID == rows[start].BuildingID {
			end++
		}
		bc, _ := count(prj.ConsentRule, prj.ThresholdPercent, rows[start:end])
		t.Buildings = append(t.Buildings, BuildingTally{BuildingID: rows[start].BuildingID, Name: rows[start].BuildingName, Counted: bc})
		start = end
	}
	for _, r := range rows {
		if r.PlanChoice == nil {
			t.NonVoters = append(t.NonVoters, NonVoter{HouseholdID: r.ID, BuildingID: r.BuildingID, BuildingName: r.BuildingName,
				Entrance: r.Entrance, Floor: r.Floor, Room: r.Room, OwnerMasked: registry.MaskName(r.OwnerName)})
		}
	}
	return t, nil
}
