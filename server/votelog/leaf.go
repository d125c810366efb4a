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
	"strings"
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
// written (so two different byte strings never decode to one vote).
func Decode(leaf []byte) (*Vote, error) {
	text := string(leaf)
	if !strings.HasSuffix(text, "\n") {
		return nil, errors.New("a ballot leaf ends with a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != len(fields)+1 || lines[0] != Format {
		return nil, fmt.Errorf("not a %s leaf", Format)
	}
	vals := make(map[string]string, len(fields))
	for i, f := range fields {
		k, v, ok := strings.Cut(lines[i+1], " ")
		if !ok || k != f || v == "" || strings.ContainsAny(v, " \r\t") {
			return nil, fmt.Errorf("line %d of the leaf should be %q", i+2, f)
		}
		vals[k] = v
	}
	v := &Vote{}
	var err error
	num := func(k string) int64 {
		n, e := strconv.ParseInt(vals[k], 10, 64)
		if e != nil || n <= 0 || strconv.FormatInt(n, 10) != vals[k] {
			err = errors.Join(err, fmt.Errorf("%s is not a positive number", k))
		}
		return n
	}
	opt := func(k string) *int64 {
		if vals[k] == "-" {
			return nil
		}
		n := num(k)
		return &n
	}
	str := func(k string) string {
		if vals[k] == "-" {
			return ""
		}
		return vals[k]
	}
	v.PlanID, v.HouseholdID = num("plan"), num("household")
	v.Revision = int(num("revision"))
	v.Replaces, v.RecordedBy = str("replaces"), opt("recorded_by")
	v.PlanChoice, v.ManagementChoice, v.Channel = str("plan_choice"), str("management_choice"), str("channel")
	v.SignatureSHA256, v.EvidenceSHA256, v.ChainHash = str("signature_sha256"), str("evidence_sha256"), str("chain_hash")
	at, e := time.Parse(time.RFC3339Nano, vals["recorded_at"])
	if e != nil {
		err = errors.Join(err, errors.New("recorded_at is not an RFC 3339 time"))
	}
	v.RecordedAt = at.UTC()
	for _, c := range []string{v.PlanChoice, v.ManagementChoice} {
		if c != "agree" && c != "disagree" && c != "abstain" {
			err = errors.Join(err, fmt.Errorf("%q is not a choice", c))
		}
	}
	for k, h := range map[string]string{"replaces": v.Replaces, "signature_sha256": v.SignatureSHA256,
		"evidence_sha256": v.EvidenceSHA256, "chain_hash": v.ChainHash} {
		if h != "" && !isSHA256Hex(h) {
			err = errors.Join(err, fmt.Errorf("%s is not a SHA-256 in lowercase hex", k))
		}
	}
	if v.Channel != "online" && v.Channel != "paper" {
		err = errors.Join(err, fmt.Errorf("%q is not a channel", v.Channel))
	}
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(Encode(v), leaf) {
		return nil, errors.New("the leaf is not in canonical form")
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
