// Package votelog is the public record of a plan's vote: the canonical bytes
// of each ballot revision, which are the leaves of the plan's RFC 9162 log
// (server/tlog), and the names of those logs. It depends on nothing but the
// standard library, so `anju verify` can read an audit bundle with no
// database and no server.
//
// A leaf is UTF-8 text, one "key value" line per field in a fixed order, each
// line ending in a newline; absent values are "-". The first line names the
// format and its version, so a later field (a share of the cost, issue 13)
// is a new version, never a silent change:
//
//	anju/ballot/v1
//	plan 12
//	household 345
//	revision 2
//	replaces 3f5a…
//	plan_choice agree
//	management_choice abstain
//	channel online
//	signature_sha256 5f0c…
//	evidence_sha256 -
//	recorded_by -
//	recorded_at 2026-12-07T13:05:00.123456Z
//	chain_hash -
//
// replaces is the leaf hash (hex) of the household's revision this one
// replaces, so each household's revisions form a hash chain inside the log.
// chain_hash is the revision's hash in the per-plan hash chain that came
// before the log (kept for reference on migrated revisions).
package votelog

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Format is the first line of a ballot leaf.
const Format = "anju/ballot/v1"

// Vote is one ballot revision as the log records it.
type Vote struct {
	PlanID           int64
	HouseholdID      int64
	Revision         int
	Replaces         string // the leaf hash (hex) of the revision this one replaces
	PlanChoice       string
	ManagementChoice string
	Channel          string
	SignatureSHA256  string
	EvidenceSHA256   string
	RecordedBy       *int64 // the staff member who recorded a paper ballot
	RecordedAt       time.Time
	ChainHash        string
}

var fields = []string{"plan", "household", "revision", "replaces", "plan_choice", "management_choice",
	"channel", "signature_sha256", "evidence_sha256", "recorded_by", "recorded_at", "chain_hash"}

// Encode returns the leaf bytes of v.
func Encode(v *Vote) []byte {
	opt := func(p *int64) string {
		if p == nil {
			return "-"
		}
		return strconv.FormatInt(*p, 10)
	}
	str := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	values := []string{strconv.FormatInt(v.PlanID, 10), strconv.FormatInt(v.HouseholdID, 10), strconv.Itoa(v.Revision),
		str(v.Replaces), str(v.PlanChoice), str(v.ManagementChoice), str(v.Channel),
		str(v.SignatureSHA256), str(v.EvidenceSHA256), opt(v.RecordedBy), v.RecordedAt.UTC().Format(time.RFC3339Nano),
		str(v.ChainHash)}
	var b bytes.Buffer
	b.WriteString(Format + "\n")
	for i, f := range fields {
		b.WriteString(f + " " + values[i] + "\n")
	}
	return b.Bytes()
}

// Decode parses leaf bytes, refusing anything that Encode would not have
// written (so two different byte strings never decode to one vote): the
// format line, every field in order, numbers and the time exactly as Encode
// formats them. It reads the bytes in place (the count decodes every leaf of
// every plan a report covers).
func Decode(leaf []byte) (*Vote, error) {
	rest, ok := bytes.CutPrefix(leaf, []byte(Format+"\n"))
	if !ok {
		return nil, fmt.Errorf("not a %s leaf", Format)
	}
	var vals [12]string
	for i, f := range fields {
		line, after, found := bytes.Cut(rest, []byte("\n"))
		value, keyed := bytes.CutPrefix(line, []byte(f+" "))
		if !found || !keyed || len(value) == 0 || bytes.ContainsAny(value, " \r\t") {
			return nil, fmt.Errorf("line %d of the leaf should be %q", i+2, f)
		}
		vals[i], rest = string(value), after
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("the leaf has more than the %d lines of %s", len(fields)+1, Format)
	}
	num := func(i int) (int64, error) {
		n, err := strconv.ParseInt(vals[i], 10, 64)
		if err != nil || n <= 0 || strconv.FormatInt(n, 10) != vals[i] {
			return 0, fmt.Errorf("%s is not a positive number", fields[i])
		}
		return n, nil
	}
	str := func(i int) string {
		if vals[i] == "-" {
			return ""
		}
		return vals[i]
	}
	v := &Vote{Replaces: str(3), PlanChoice: str(4), ManagementChoice: str(5), Channel: str(6),
		SignatureSHA256: str(7), EvidenceSHA256: str(8), ChainHash: str(11)}
	var err error
	if v.PlanID, err = num(0); err != nil {
		return nil, err
	}
	if v.HouseholdID, err = num(1); err != nil {
		return nil, err
	}
	rev, err := num(2)
	if err != nil {
		return nil, err
	}
	v.Revision = int(rev)
	if vals[9] != "-" {
		by, err := num(9)
		if err != nil {
			return nil, err
		}
		v.RecordedBy = &by
	}
	at, err := time.Parse(time.RFC3339Nano, vals[10])
	if err != nil || at.UTC().Format(time.RFC3339Nano) != vals[10] {
		return nil, errors.New("recorded_at is not an RFC 3339 time in UTC as the log writes it")
	}
	v.RecordedAt = at.UTC()
	for _, c := range [2]string{v.PlanChoice, v.ManagementChoice} {
		if c != "agree" && c != "disagree" && c != "abstain" {
			return nil, fmt.Errorf("%q is not a choice", c)
		}
	}
	if v.Channel != "online" && v.Channel != "paper" {
		return nil, fmt.Errorf("%q is not a channel", v.Channel)
	}
	for _, i := range [4]int{3, 7, 8, 11} {
		if h := str(i); h != "" && !isSHA256Hex(h) {
			return nil, fmt.Errorf("%s is not a SHA-256 in lowercase hex", fields[i])
		}
	}
	return v, nil
}

// Origin is the origin line of a plan's log: the site's host and the plan.
func Origin(host string, planID int64) string {
	return host + "/plans/" + strconv.FormatInt(planID, 10)
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}
