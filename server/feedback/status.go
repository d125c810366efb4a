// Package feedback is what residents say once work starts: complaints and
// warranty claims (投诉/报修) with their handling, construction progress posts
// (形象进度), follow-up visits (回访) and satisfaction ratings (满意度).
package feedback

import (
	"slices"

	"anju/server/problem"
)

// Status is where a complaint stands. The transitions below are the only
// place that decides what may follow what.
type Status string

// Complaint statuses.
const (
	Submitted  Status = "submitted"
	Assigned   Status = "assigned"
	InProgress Status = "in_progress"
	Resolved   Status = "resolved"
	Reopened   Status = "reopened"
	Closed     Status = "closed"
	Rejected   Status = "rejected"
	Merged     Status = "merged"
)

// Actor kinds that move a complaint.
const (
	ByStaff     = "staff"
	ByHousehold = "household"
	BySystem    = "system"
	ByOpen311   = "open311"
)

// Label is a code with its Chinese and English names.
type Label struct {
	Code string `json:"code"`
	Zh   string `json:"zh"`
	En   string `json:"en"`
}

// StatusInfo describes one status.
type StatusInfo struct {
	Label
	Open bool `json:"open"`
}

// Statuses in the order a complaint usually goes through them.
var Statuses = []StatusInfo{
	{Label{string(Submitted), "已提交，待受理", "Submitted, awaiting acknowledgement"}, true},
	{Label{string(Assigned), "已派单", "Assigned"}, true},
	{Label{string(InProgress), "处理中", "In progress"}, true},
	{Label{string(Resolved), "已办结，待确认", "Resolved, awaiting your confirmation"}, true},
	{Label{string(Reopened), "已重新打开", "Reopened"}, true},
	{Label{string(Closed), "已关闭", "Closed"}, false},
	{Label{string(Rejected), "不予受理", "Rejected"}, false},
	{Label{string(Merged), "已合并", "Merged into another complaint"}, false},
}

// transitions lists, for each status, who may move it where.
var transitions = map[Status]map[string][]Status{
	Submitted:  {ByStaff: {Assigned, Resolved, Rejected, Merged}},
	Assigned:   {ByStaff: {InProgress, Assigned, Resolved, Rejected, Merged}},
	InProgress: {ByStaff: {Assigned, Resolved, Rejected, Merged}},
	Resolved:   {ByHousehold: {Closed, Reopened}, BySystem: {Closed}},
	Reopened:   {ByStaff: {Assigned, InProgress, Resolved, Rejected, Merged}},
}

// Allowed lists where an actor may move a complaint from a status.
func Allowed(from Status, actor string) []Status {
	return append([]Status(nil), transitions[from][actor]...)
}

// CheckTransition refuses a move the machine does not allow, naming the ones it does.
func CheckTransition(from, to Status, actor string) error {
	allowed := Allowed(from, actor)
	if slices.Contains(allowed, to) {
		return nil
	}
	codes := make([]string, len(allowed))
	for i, s := range allowed {
		codes[i] = string(s)
	}
	msg := "A complaint that is %q cannot be moved to %q"
	if len(allowed) == 0 {
		return problem.Conflict("transition_not_allowed", msg+"; it allows no further change by you.", from, to).
			With("from", from).With("to", to).With("allowed", codes)
	}
	return problem.Conflict("transition_not_allowed", msg+"; allowed: %v.", from, to, codes).
		With("from", from).With("to", to).With("allowed", codes)
}

// IsOpen tells whether a complaint in this status still needs someone to act.
func (s Status) IsOpen() bool {
	for _, st := range Statuses {
		if st.Code == string(s) {
			return st.Open
		}
	}
	return false
}

// Known tells whether s is a status code.
func (s Status) Known() bool {
	for _, st := range Statuses {
		if st.Code == string(s) {
			return true
		}
	}
	return false
}

// label returns the Chinese label of a status.
func (s Status) label() string {
	for _, st := range Statuses {
		if st.Code == string(s) {
			return st.Zh
		}
	}
	return string(s)
}

// Categories of complaints.
var Categories = []Label{
	{"quality", "工程质量", "Quality of the work"},
	{"safety", "安全隐患", "Safety hazard"},
	{"disturbance", "扰民（噪音、扬尘、施工时间）", "Disturbance (noise, dust, working hours)"},
	{"progress", "工程进度", "Progress"},
	{"property", "物业管理", "Property management"},
	{"other", "其他", "Other"},
}

// UnitKinds are the kinds of unit a complaint is assigned to.
var UnitKinds = []Label{
	{"contractor", "施工单位", "Contractor"},
	{"property", "物业公司", "Property management company"},
	{"department", "区直部门", "District department"},
}

// VisitMethods are the ways a follow-up visit is made.
var VisitMethods = []Label{
	{"door", "入户回访", "At the door"},
	{"phone", "电话回访", "By phone"},
	{"meeting", "座谈会", "Residents' meeting"},
}

func codes(ls []Label) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Code
	}
	return out
}

func labelOf(ls []Label, code string) string {
	for _, l := range ls {
		if l.Code == code {
			return l.Zh
		}
	}
	return code
}
