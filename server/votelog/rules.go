package votelog

// The rules that decide a vote, in one place: the consent tally, the notices,
// the monthly report, the dashboard and `anju verify` all count with Decide.
// Seed 002 (附件3-1) makes the first start criterion that the plan AND the
// property-management mode each be agreed by at least 80 % of households; the
// denominator is every household in the project's scope, so nobody who stays
// silent counts for or against. The Civil Code art. 278 rules count area and
// owners (Reckon).

import "math"

// Choices a household can make on each question.
const (
	Agree    = "agree"
	Disagree = "disagree"
	Abstain  = "abstain"
)

// Counts are the votes on one question.
type Counts struct {
	Agree, Disagree, Abstain int
}

// Voted is how many households answered the question.
func (c Counts) Voted() int { return c.Agree + c.Disagree + c.Abstain }

// Reached tells, in exact integer arithmetic, whether agree households out of
// eligible meet "at least percent %" (以上 includes the bound): 80 % of 7 is
// 5.6, so 5 is not enough and 6 is. With nobody eligible nothing is reached.
func Reached(agree, eligible, percent int) bool {
	return eligible > 0 && int64(agree)*100 >= int64(percent)*int64(eligible)
}

// Needed is how many more agreeing households would reach the threshold: the
// smallest n with Reached(agree+n, eligible, percent), or 0 once reached.
func Needed(agree, eligible, percent int) int {
	if eligible <= 0 {
		return 0
	}
	required := (int64(percent)*int64(eligible) + 99) / 100
	if n := required - int64(agree); n > 0 {
		return int(n)
	}
	return 0
}

// Question is the tally of one question (the plan, or the management mode).
type Question struct {
	Agree    int     `json:"agree"`
	Disagree int     `json:"disagree"`
	Abstain  int     `json:"abstain"`
	Rate     float64 `json:"rate"`
	Reached  bool    `json:"reached"`
	Needed   int     `json:"needed"`
}

// Tally turns counts into the question's result against eligible households.
// Rate is agree ÷ eligible rounded to 4 decimals for display; Reached and
// Needed come from exact arithmetic, never from the rounded rate.
func Tally(c Counts, eligible, percent int) Question {
	q := Question{Agree: c.Agree, Disagree: c.Disagree, Abstain: c.Abstain,
		Reached: Reached(c.Agree, eligible, percent), Needed: Needed(c.Agree, eligible, percent)}
	if eligible > 0 {
		q.Rate = math.Round(float64(c.Agree)/float64(eligible)*10000) / 10000
	}
	return q
}

// Consent rules (DESIGN rule 3).
const (
	RuleHouseholds80      = "households-80"
	RuleCivilCodeMajor    = "civil-code-major"
	RuleCivilCodeOrdinary = "civil-code-ordinary"
)

// RollEntry is one household on the roll of a vote, with its current vote if any.
type RollEntry struct {
	Household int64
	// Head identifies the owner by head: households of one owner (or the
	// developer's unsold flats) share it and count as one head.
	Head       string
	AreaCenti  int64
	Voted      bool
	Plan       string
	Management string
	Paper      bool
	// ByCode: the vote was confirmed by the household code, not drawn.
	ByCode bool
}

// Entry is one household on a roll with its current vote v (nil: it has not
// voted); head identifies its owner (see RollEntry.Head).
func Entry(household int64, head string, areaCenti int64, v *Vote) RollEntry {
	e := RollEntry{Household: household, Head: head, AreaCenti: areaCenti}
	if v != nil {
		e.Voted, e.Plan, e.Management = true, v.PlanChoice, v.ManagementChoice
		e.Paper, e.ByCode = v.Channel == ChannelPaper, v.Kind() == EvidenceHouseholdCode
	}
	return e
}

// AreaTally is the floor area behind a vote, in m² with two decimals.
type AreaTally struct {
	TotalCenti           int64 `json:"-"`
	ParticipatingCenti   int64 `json:"-"`
	PlanAgreeCenti       int64 `json:"-"`
	ManagementAgreeCenti int64 `json:"-"`
}

// HeadTally counts owners by head.
type HeadTally struct {
	Total           int `json:"total"`
	Participating   int `json:"participating"`
	PlanAgree       int `json:"plan_agree"`
	ManagementAgree int `json:"management_agree"`
}

// CivilCode is the Civil Code art. 278 reckoning of a roll.
type CivilCode struct {
	Area           AreaTally
	Heads          HeadTally
	TurnoutReached bool
	PlanReached    bool
	MgmtReached    bool
}

// Reckon applies art. 278 to a roll: turnout needs owners holding at least
// 2/3 of the area and at least 2/3 of the heads (以上 includes the bound);
// a major matter (renovation, rebuilding) then needs at least 3/4 of the
// participating area and heads, an ordinary one more than 1/2 of both (过半数:
// exactly half fails). A head participates when any of its flats voted and
// agrees only when every flat of it that voted agrees.
func Reckon(roll []RollEntry, major bool) CivilCode {
	type head struct {
		voted, planAll, mgmtAll bool
	}
	heads := map[string]*head{}
	var c CivilCode
	for _, e := range roll {
		h := heads[e.Head]
		if h == nil {
			h = &head{planAll: true, mgmtAll: true}
			heads[e.Head] = h
		}
		c.Area.TotalCenti += e.AreaCenti
		if !e.Voted {
			continue
		}
		h.voted = true
		c.Area.ParticipatingCenti += e.AreaCenti
		if e.Plan == Agree {
			c.Area.PlanAgreeCenti += e.AreaCenti
		} else {
			h.planAll = false
		}
		if e.Management == Agree {
			c.Area.ManagementAgreeCenti += e.AreaCenti
		} else {
			h.mgmtAll = false
		}
	}
	c.Heads.Total = len(heads)
	for _, h := range heads {
		if !h.voted {
			continue
		}
		c.Heads.Participating++
		if h.planAll {
			c.Heads.PlanAgree++
		}
		if h.mgmtAll {
			c.Heads.ManagementAgree++
		}
	}
	a, n := c.Area, c.Heads
	c.TurnoutReached = a.TotalCenti > 0 && n.Total > 0 &&
		3*a.ParticipatingCenti >= 2*a.TotalCenti && 3*int64(n.Participating) >= 2*int64(n.Total)
	approve := func(agreeArea int64, agreeHeads int) bool {
		if !c.TurnoutReached || a.ParticipatingCenti == 0 || n.Participating == 0 {
			return false
		}
		if major {
			return 4*agreeArea >= 3*a.ParticipatingCenti && 4*int64(agreeHeads) >= 3*int64(n.Participating)
		}
		return 2*agreeArea > a.ParticipatingCenti && 2*int64(agreeHeads) > int64(n.Participating)
	}
	c.PlanReached = approve(a.PlanAgreeCenti, n.PlanAgree)
	c.MgmtReached = approve(a.ManagementAgreeCenti, n.ManagementAgree)
	return c
}

// Result is a roll's vote decided under a rule.
type Result struct {
	Eligible, Voted, Paper int
	// ByCode counts the votes confirmed by the household code.
	ByCode           int
	Plan, Management Question
	// CivilCode is the art. 278 reckoning; nil under the household rule.
	CivilCode *CivilCode
	Reached   bool
}

// Decide counts a roll under a project's rule (RuleHouseholds80 with its
// threshold percent, or a Civil Code rule): every household on the roll is
// eligible, voters or not.
func Decide(rule string, percent int, roll []RollEntry) Result {
	var r Result
	var pc, mc Counts
	for _, e := range roll {
		r.Eligible++
		if !e.Voted {
			continue
		}
		r.Voted++
		if e.Paper {
			r.Paper++
		}
		if e.ByCode {
			r.ByCode++
		}
		pc, mc = pc.add(e.Plan), mc.add(e.Management)
	}
	r.Plan, r.Management = Tally(pc, r.Eligible, percent), Tally(mc, r.Eligible, percent)
	if rule == RuleHouseholds80 {
		r.Reached = r.Plan.Reached && r.Management.Reached
		return r
	}
	cc := Reckon(roll, rule == RuleCivilCodeMajor)
	r.Plan.Reached, r.Management.Reached = cc.PlanReached, cc.MgmtReached
	r.Plan.Needed, r.Management.Needed = 0, 0
	r.CivilCode, r.Reached = &cc, cc.PlanReached && cc.MgmtReached
	return r
}

func (c Counts) add(choice string) Counts {
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
