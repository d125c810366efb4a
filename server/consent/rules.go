// Package consent is the heart of Anju: households' votes (表决) on a published
// plan and the tally against the legal threshold. Seed 002 (附件3-1) makes the
// first start criterion that the plan AND the property-management mode each be
// agreed by at least 80 % of households; the denominator is every household in
// the project's scope, so nobody who stays silent counts for or against.
package consent

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
