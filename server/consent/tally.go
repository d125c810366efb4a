package consent

import (
	"context"
	"time"

	"anju/server/auth"
	"anju/server/registry"
)

// BuildingTally is one building's share of the vote.
type BuildingTally struct {
	BuildingID int64    `json:"building_id"`
	Name       string   `json:"name"`
	Eligible   int      `json:"eligible"`
	Voted      int      `json:"voted"`
	Plan       Question `json:"plan"`
	Management Question `json:"management"`
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
	ProjectID        int64           `json:"project_id"`
	PlanID           int64           `json:"plan_id"`
	PlanVersion      int             `json:"plan_version"`
	Rule             string          `json:"rule"`
	ThresholdPercent int             `json:"threshold_percent"`
	VotingStatus     string          `json:"voting_status"`
	VotingOpensAt    *time.Time      `json:"voting_opens_at"`
	VotingClosesAt   time.Time       `json:"voting_closes_at"`
	Eligible         int             `json:"eligible"`
	Voted            int             `json:"voted"`
	Plan             Question        `json:"plan"`
	Management       Question        `json:"management"`
	Reached          bool            `json:"reached"`
	Buildings        []BuildingTally `json:"buildings"`
	NonVoters        []NonVoter      `json:"non_voters"`
}

type buildingCounts struct {
	BuildingID                           int64
	Name                                 string
	Eligible, Voted                      int
	PlanAgree, PlanDisagree, PlanAbstain int
	MgmtAgree, MgmtDisagree, MgmtAbstain int
}

const buildingCountsQuery = `SELECT b.id AS building_id, b.name, COUNT(h.id) AS eligible, COUNT(bl.id) AS voted,
	COALESCE(SUM(CASE WHEN bl.plan_choice = 'agree' THEN 1 ELSE 0 END), 0) AS plan_agree,
	COALESCE(SUM(CASE WHEN bl.plan_choice = 'disagree' THEN 1 ELSE 0 END), 0) AS plan_disagree,
	COALESCE(SUM(CASE WHEN bl.plan_choice = 'abstain' THEN 1 ELSE 0 END), 0) AS plan_abstain,
	COALESCE(SUM(CASE WHEN bl.management_choice = 'agree' THEN 1 ELSE 0 END), 0) AS mgmt_agree,
	COALESCE(SUM(CASE WHEN bl.management_choice = 'disagree' THEN 1 ELSE 0 END), 0) AS mgmt_disagree,
	COALESCE(SUM(CASE WHEN bl.management_choice = 'abstain' THEN 1 ELSE 0 END), 0) AS mgmt_abstain
	FROM buildings b
	LEFT JOIN households h ON h.building_id = b.id
	LEFT JOIN ballots bl ON bl.household_id = h.id AND bl.plan_id = ?
	WHERE b.community_id = ?
	GROUP BY b.id, b.name
	ORDER BY b.id`

const nonVotersQuery = `SELECT h.id AS household_id, h.building_id, b.name AS building_name, h.entrance, h.floor, h.room, h.owner_name
	FROM households h
	JOIN buildings b ON b.id = h.building_id
	LEFT JOIN ballots bl ON bl.household_id = h.id AND bl.plan_id = ?
	WHERE b.community_id = ? AND bl.id IS NULL
	ORDER BY b.id, h.entrance, h.floor, h.room`

// Tally counts the votes on a project's current plan: every household of the
// community is eligible, voters or not.
func (s *Service) Tally(ctx context.Context, by *auth.Staff, projectID int64) (*ProjectTally, error) {
	prj, err := s.projects.Get(ctx, by, projectID)
	if err != nil {
		return nil, err
	}
	plan, err := s.plans.CurrentForProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	var rows []buildingCounts
	if err := db.Raw(buildingCountsQuery, plan.ID, prj.CommunityID).Scan(&rows).Error; err != nil {
		return nil, err
	}
	var nv []struct {
		NonVoter
		OwnerName string
	}
	if err := db.Raw(nonVotersQuery, plan.ID, prj.CommunityID).Scan(&nv).Error; err != nil {
		return nil, err
	}
	pct := prj.ThresholdPercent
	t := &ProjectTally{ProjectID: prj.ID, PlanID: plan.ID, PlanVersion: plan.Version, Rule: prj.ConsentRule,
		ThresholdPercent: pct, VotingStatus: plan.VotingStatus(s.now()), VotingOpensAt: plan.VotingOpensAt,
		VotingClosesAt: plan.VotingClosesAt, Buildings: []BuildingTally{}, NonVoters: []NonVoter{}}
	var planAll, mgmtAll Counts
	for _, r := range rows {
		pc := Counts{r.PlanAgree, r.PlanDisagree, r.PlanAbstain}
		mc := Counts{r.MgmtAgree, r.MgmtDisagree, r.MgmtAbstain}
		t.Buildings = append(t.Buildings, BuildingTally{BuildingID: r.BuildingID, Name: r.Name, Eligible: r.Eligible,
			Voted: r.Voted, Plan: Tally(pc, r.Eligible, pct), Management: Tally(mc, r.Eligible, pct)})
		t.Eligible += r.Eligible
		t.Voted += r.Voted
		planAll = Counts{planAll.Agree + pc.Agree, planAll.Disagree + pc.Disagree, planAll.Abstain + pc.Abstain}
		mgmtAll = Counts{mgmtAll.Agree + mc.Agree, mgmtAll.Disagree + mc.Disagree, mgmtAll.Abstain + mc.Abstain}
	}
	t.Plan, t.Management = Tally(planAll, t.Eligible, pct), Tally(mgmtAll, t.Eligible, pct)
	t.Reached = t.Plan.Reached && t.Management.Reached
	for _, n := range nv {
		v := n.NonVoter
		v.OwnerMasked = registry.MaskName(n.OwnerName)
		t.NonVoters = append(t.NonVoters, v)
	}
	return t, nil
}
