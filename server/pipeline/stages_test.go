package pipeline

import (
	"strings"
	"testing"
)

func TestStagesGoOneStepForward(t *testing.T) {
	all := Facts{PlanPublished: true, ConsentReached: true, AcceptancePassed: true}
	none := Facts{CriteriaMissing: []int{2, 3, 4, 5}, RectificationsOpen: 2}
	if r := Check(Planning, Construction, none); len(r) != 5 || r[0].Code != "no_published_plan" || r[4].Code != "criterion_missing" {
		t.Errorf("every missing precondition is listed: %v", r)
	}
	if r := Check(Acceptance, HandedOver, none); len(r) != 2 || r[1].Code != "rectifications_open" {
		t.Errorf("hand-over with nothing: %v", r)
	}
	for i := 0; i+1 < len(Stages); i++ {
		if r := Check(Stages[i].Code, Stages[i+1].Code, all); len(r) != 0 {
			t.Errorf("%s → %s refused: %v", Stages[i].Code, Stages[i+1].Code, r)
		}
		for j := range Stages {
			if j != i+1 && len(Check(Stages[i].Code, Stages[j].Code, all)) == 0 {
				t.Errorf("%s → %s allowed", Stages[i].Code, Stages[j].Code)
			}
		}
	}
	if r := Check(HandedOver, Survey, all); len(r) != 1 || r[0].Code != "last_stage" {
		t.Errorf("after the last stage: %v", r)
	}
	if r := Check(Survey, "building", all); len(r) != 1 {
		t.Errorf("unknown stage: %v", r)
	}
}

func TestPreconditionsNameTheirReasons(t *testing.T) {
	if r := Check(Planning, Construction, Facts{}); len(r) != 1 || r[0].Code != "no_published_plan" {
		t.Errorf("no plan: %v", r)
	}
	if r := Check(Planning, Construction, Facts{PlanPublished: true}); len(r) != 1 || r[0].Code != "consent_not_reached" {
		t.Errorf("no consent: %v", r)
	}
	if r := Check(Acceptance, HandedOver, Facts{PlanPublished: true, ConsentReached: true}); len(r) != 1 || r[0].Code != "acceptance_not_passed" || !strings.Contains(r[0].Message, "acceptance") {
		t.Errorf("no acceptance: %v", r)
	}
	if r := Check(Construction, Acceptance, Facts{}); len(r) != 0 {
		t.Errorf("construction → acceptance needs nothing: %v", r)
	}
}
