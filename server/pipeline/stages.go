// Package pipeline moves renovation projects through their stages (000 §四):
// survey 调查摸底 → mobilization 宣传发动 → planning 制定方案 → construction
// 组织施工 → acceptance 工程验收 → handed over 销号, with who and when for every
// step and the preconditions of each in one place.
package pipeline

import "fmt"

// Stages in order.
const (
	Survey       = "survey"
	Mobilization = "mobilization"
	Planning     = "planning"
	Construction = "construction"
	Acceptance   = "acceptance"
	HandedOver   = "handed_over"
)

// StageInfo is a stage with its labels.
type StageInfo struct {
	Code string `json:"code"`
	Zh   string `json:"zh"`
	En   string `json:"en"`
}

// Stages lists the stages in order.
var Stages = []StageInfo{
	{Survey, "调查摸底", "Survey"},
	{Mobilization, "宣传发动", "Mobilization"},
	{Planning, "制定方案", "Planning"},
	{Construction, "组织施工", "Construction"},
	{Acceptance, "工程验收", "Acceptance"},
	{HandedOver, "销号", "Handed over"},
}

// Facts are what the preconditions of a move look at.
type Facts struct {
	PlanPublished  bool
	ConsentReached bool
	// CriteriaMissing lists the start criteria 2–5 not confirmed yet.
	CriteriaMissing    []int
	AcceptancePassed   bool
	RectificationsOpen int
}

func index(stage string) int {
	for i, s := range Stages {
		if s.Code == stage {
			return i
		}
	}
	return -1
}

// Next is the stage after from ("" after the last).
func Next(from string) string {
	i := index(from)
	if i < 0 || i+1 >= len(Stages) {
		return ""
	}
	return Stages[i+1].Code
}

// Label is a stage's Chinese name.
func Label(stage string) string {
	if i := index(stage); i >= 0 {
		return Stages[i].Zh
	}
	return stage
}

// Reason is why a move is refused: a stable code the apps translate, and an
// English sentence.
type Reason struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Check lists why a project in stage from may not move to stage to (nothing
// when it may). Projects move one step forward at a time.
func Check(from, to string, f Facts) []Reason {
	if index(to) < 0 {
		return []Reason{{"unknown_stage", fmt.Sprintf("%q is not a stage; the stages are survey, mobilization, planning, construction, acceptance, handed_over", to)}}
	}
	next := Next(from)
	if next == "" {
		return []Reason{{"last_stage", "the project has been handed over; it has no further stage"}}
	}
	if to != next {
		return []Reason{{"not_next_stage", fmt.Sprintf("a project in %s (%s) moves next to %s (%s), one stage at a time", from, Label(from), next, Label(next))}}
	}
	var reasons []Reason
	switch to {
	case Construction:
		if !f.PlanPublished {
			reasons = append(reasons, Reason{"no_published_plan", "no renovation plan has been published"})
		} else if !f.ConsentReached {
			reasons = append(reasons, Reason{"consent_not_reached", "the residents' consent has not reached the threshold on the current plan"})
		}
		for _, n := range f.CriteriaMissing {
			reasons = append(reasons, Reason{"criterion_missing", fmt.Sprintf("start criterion %d (%s) has not been confirmed", n, CriterionNames[n])})
		}
	case HandedOver:
		if !f.AcceptancePassed {
			reasons = append(reasons, Reason{"acceptance_not_passed", "the acceptance inspection has not been passed"})
		}
		if f.RectificationsOpen > 0 {
			reasons = append(reasons, Reason{"rectifications_open", fmt.Sprintf("%d issue(s) found at acceptance are still to be rectified", f.RectificationsOpen)})
		}
	}
	return reasons
}
