package consent

import (
	"context"
	"fmt"
	"time"

	"anju/server/auth"
	"anju/server/plans"
	"anju/server/projects"
	"anju/server/registry"
	"anju/server/valid"
	"anju/server/votelog"
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
	Eligible int `json:"eligible"`
	Voted    int `json:"voted"`
	Paper    int `json:"paper"`
	// ByCode counts the online votes confirmed by typing the household code
	// instead of drawing a signature.
	ByCode     int        `json:"by_code"`
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

// HouseholdLine is one household of the roll as the committee's lists show
// it, owner masked: the non-voters for the door-to-door round, the votes
// confirmed without a drawn signature for a follow-up on paper.
type HouseholdLine struct {
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
	NonVoters []HouseholdLine `json:"non_voters"`
	// ConfirmedByCode are the households whose current vote was confirmed by
	// the household code, not a drawn signature: the committee may follow
	// them up on paper.
	ConfirmedByCode []HouseholdLine `json:"confirmed_by_code"`
	// RecordProblem says that leaves of the plan's log were left out of the
	// count because they do not hash to their recorded hash.
	RecordProblem string `json:"record_problem,omitempty"`
}

// The choices, as the log records them (one home: votelog).
const (
	Agree    = votelog.Agree
	Disagree = votelog.Disagree
	Abstain  = votelog.Abstain
)

// Question is the tally of one question; HeadTally counts owners by head.
type (
	Question  = votelog.Question
	HeadTally = votelog.HeadTally
)

// rollRow is one household of the roll with its current vote, read from the
// plan's log.
type rollRow struct {
	ID, BuildingID        int64
	BuildingName          string
	Entrance, Room        string
	Floor                 int
	OwnerName, OwnerGroup string
	AreaCenti             int64
	vote                  *votelog.Vote
}

const rollQuery = `SELECT h.id, h.building_id, b.name AS building_name, h.entrance, h.floor, h.room,
	h.owner_name, h.owner_group, h.area_centi
	FROM households h
	JOIN buildings b ON b.id = h.building_id
	WHERE b.community_id = ?`

// loadRoll reads the roll of a project's vote: every household in scope, each
// with its newest vote among the plan's leaves. The ballots table is not
// read: what counts is what the public log vouches for. Leaves that do not
// hash to their recorded hash are left out and named in problem.
func (s *Service) loadRoll(ctx context.Context, prj *projects.View, planID int64) (rows []rollRow, problem string, err error) {
	q, args := rollQuery, []any{prj.CommunityID}
	if prj.ScopeBuildingID != nil {
		q, args = q+" AND b.id = ?", append(args, *prj.ScopeBuildingID)
	}
	if err := s.db.WithContext(ctx).Raw(q+" ORDER BY b.id, h.entrance, h.floor, h.room", args...).Scan(&rows).Error; err != nil {
		return nil, "", err
	}
	votes, problems, err := s.currentVotes(ctx, planID)
	if err != nil {
		return nil, "", err
	}
	for i := range rows {
		rows[i].vote = votes[rows[i].ID]
	}
	if len(problems) > 0 {
		problem = fmt.Sprintf("%v (%d leaves left out of the count; run the verification)", problems[0], len(problems))
	}
	return rows, problem, nil
}

// currentVotes returns each household's newest vote among the plan's
// leaves, integrated or still queued.
func (s *Service) currentVotes(ctx context.Context, planID int64) (map[int64]*votelog.Vote, []error, error) {
	logID, err := s.ballots.ExistingLogOf(ctx, planID)
	if err != nil || logID == 0 {
		return map[int64]*votelog.Vote{}, nil, err
	}
	var leaves []votelog.Stored
	if err := s.db.WithContext(ctx).Raw("SELECT leaf, leaf_hash FROM tlog_leaves WHERE log_id = ? ORDER BY id", logID).
		Scan(&leaves).Error; err != nil {
		return nil, nil, err
	}
	votes, problems := votelog.Current(planID, leaves)
	return votes, problems, nil
}

// count applies the project's rule to a roll (votelog.Decide: the one home
// of the rules).
func count(rule string, percent int, rows []rollRow) (Counted, bool) {
	entries := make([]votelog.RollEntry, 0, len(rows))
	for _, r := range rows {
		entries = append(entries, rollEntry(r.ID, r.OwnerGroup, r.AreaCenti, r.vote))
	}
	res := votelog.Decide(rule, percent, entries)
	c := Counted{Eligible: res.Eligible, Voted: res.Voted, Paper: res.Paper, ByCode: res.ByCode, Plan: res.Plan, Management: res.Management}
	if cc := res.CivilCode; cc != nil {
		c.Area = &AreaView{TotalM2: valid.Cents(cc.Area.TotalCenti), ParticipatingM2: valid.Cents(cc.Area.ParticipatingCenti),
			PlanAgreeM2: valid.Cents(cc.Area.PlanAgreeCenti), ManagementAgreeM2: valid.Cents(cc.Area.ManagementAgreeCenti)}
		heads := cc.Heads
		c.Heads = &heads
		c.Turnout = &Turnout{Reached: cc.TurnoutReached}
	}
	return c, res.Reached
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
	rows, problem, err := s.loadRoll(ctx, prj, plan.ID)
	if err != nil {
		return nil, err
	}
	t := &ProjectTally{ProjectID: prj.ID, PlanID: plan.ID, PlanVersion: plan.Version, Rule: prj.ConsentRule,
		ThresholdPercent: prj.ThresholdPercent, ScopeBuildingID: prj.ScopeBuildingID,
		VotingStatus: plan.VotingStatus(s.now()), VotingOpensAt: plan.VotingOpensAt, VotingClosesAt: plan.VotingClosesAt,
		ClosedAt: plan.ClosedAt, Buildings: []BuildingTally{}, NonVoters: []HouseholdLine{},
		ConfirmedByCode: []HouseholdLine{}, RecordProblem: problem}
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
		line := HouseholdLine{HouseholdID: r.ID, BuildingID: r.BuildingID, BuildingName: r.BuildingName,
			Entrance: r.Entrance, Floor: r.Floor, Room: r.Room, OwnerMasked: registry.MaskName(r.OwnerName)}
		switch {
		case r.vote == nil:
			t.NonVoters = append(t.NonVoters, line)
		case r.vote.Kind() == EvidenceHouseholdCode:
			t.ConfirmedByCode = append(t.ConfirmedByCode, line)
		}
	}
	return t, nil
}
