// Package votelog is the public record of a plan's vote: the canonical bytes
// of each ballot revision, which are the leaves of the plan's RFC 9162 log
// (server/tlog), and the names of those logs. It depends on nothing but the
// standard library, so `anju verify` can read an audit bundle with no
// database and no server.
//
// A leaf is UTF-8 text, one "key value" line per field in a fixed order, each
// line ending in a newline; absent values are "-". The first line names the
// format and its version, so a later field is a new version, never a silent
// change. Version 2 (issue 11) adds the evidence line: how the household
// confirmed the vote.
//
//	anju/ballot/v2
//	plan 12
//	household 345
//	revision 2
//	replaces 3f5a…
//	plan_choice agree
//	management_choice abstain
//	channel online
//	evidence signature
//	signature_sha256 5f0c…
//	evidence_sha256 -
//	recorded_by -
//	recorded_at 2026-12-07T13:05:00.123456Z
//	chain_hash -
//
// Version 1 is the same without the evidence line; leaves written before
// version 2 stay as they are (a leaf's bytes never change), and their
// evidence is what the channel implies (Vote.Kind).
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

// The leaf formats: the first line of a ballot leaf. Format is the one
// written now.
const (
	FormatV1 = "anju/ballot/v1"
	Format   = "anju/ballot/v2"
)

// Evidence is how a household confirmed its vote (issue 11; what each proves
// is in docs/DECISIONS.md, "What a vote's evidence proves").
const (
	// EvidenceSignature: an online vote signed with the finger on the phone;
	// signature_sha256 is the image's hash.
	EvidenceSignature = "signature"
	// EvidenceHouseholdCode: an online vote confirmed by typing the
	// household code again instead of drawing (no signature image).
	EvidenceHouseholdCode = "household_code"
	// EvidencePaperForm: a paper ballot recorded by staff; evidence_sha256
	// is the hash of the photo of the signed form.
	EvidencePaperForm = "paper_form"
)

// Vote is one ballot revision as the log records it.
type Vote struct {
	PlanID           int64
	HouseholdID      int64
	Revision         int
	Replaces         string // the leaf hash (hex) of the revision this one replaces
	PlanChoice       string
	ManagementChoice string
	Channel          string
	// Evidence is how the vote was confirmed; "" on a version 1 leaf (and
	// Encode then writes version 1).
	Evidence        string
	SignatureSHA256 string
	EvidenceSHA256  string
	RecordedBy      *int64 // the staff member who recorded a paper ballot
	RecordedAt      time.Time
	ChainHash       string
}

// Kind is how the vote was confirmed: its evidence line, or for a version 1
// leaf what its channel implies (an online vote then always carried a drawn
// signature, a paper one the photo of its form).
func (v *Vote) Kind() string {
	switch {
	case v.Evidence != "":
		return v.Evidence
	case v.Channel == ChannelPaper:
		return EvidencePaperForm
	default:
		return EvidenceSignature
	}
}

// The channels a vote arrives through.
const (
	ChannelOnline = "online"
	ChannelPaper  = "paper"
)

const (
	fPlan = iota
	fHousehold
	fRevision
	fReplaces
	fPlanChoice
	fManagementChoice
	fChannel
	fEvidence
	fSignature
	fEvidenceSHA
	fRecordedBy
	fRecordedAt
	fChainHash
	nFields
)

var fieldNames = [nFields]string{"plan", "household", "revision", "replaces", "plan_choice", "management_choice",
	"channel", "evidence", "signature_sha256", "evidence_sha256", "recorded_by", "recorded_at", "chain_hash"}

// present tells which fields a format has: version 1 has no evidence line.
func present(format string, f int) bool { return f != fEvidence || format != FormatV1 }

// Encode returns the leaf bytes of v: version 2, or version 1 when v has no
// evidence (a revision recorded before version 2, encoded again to verify it).
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
	values := [nFields]string{strconv.FormatInt(v.PlanID, 10), strconv.FormatInt(v.HouseholdID, 10), strconv.Itoa(v.Revision),
		str(v.Replaces), str(v.PlanChoice), str(v.ManagementChoice), str(v.Channel), v.Evidence,
		str(v.SignatureSHA256), str(v.EvidenceSHA256), opt(v.RecordedBy), v.RecordedAt.UTC().Format(time.RFC3339Nano),
		str(v.ChainHash)}
	format := Format
	if v.Evidence == "" {
		format = FormatV1
	}
	var b bytes.Buffer
	b.WriteString(format + "\n")
	for i, f := range fieldNames {
		if present(format, i) {
			b.WriteString(f + " " + values[i] + "\n")
		}
	}
	return b.Bytes()
}

// Decode parses leaf bytes, refusing anything that Encode would not have
// written (so two different byte strings never decode to one vote): the
// format line, every field in order, numbers and the time exactly as Encode
// formats them, and evidence that fits the channel. It reads the bytes in
// place (the count decodes every leaf of every plan a report covers).
func Decode(leaf []byte) (*Vote, error) {
	first, rest, _ := bytes.Cut(leaf, []byte("\n"))
	format := string(first)
	if format != Format && format != FormatV1 {
		return nil, fmt.Errorf("not a %s or %s leaf", Format, FormatV1)
	}
	var vals [nFields]string
	line := 1
	for i, f := range fieldNames {
		if !present(format, i) {
			continue
		}
		line++
		text, after, found := bytes.Cut(rest, []byte("\n"))
		value, keyed := bytes.CutPrefix(text, []byte(f+" "))
		if !found || !keyed || len(value) == 0 || bytes.ContainsAny(value, " \r\t") {
			return nil, fmt.Errorf("line %d of the leaf should be %q", line, f)
		}
		vals[i], rest = string(value), after
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("the leaf has more than the %d lines of %s", line, format)
	}
	num := func(i int) (int64, error) {
		n, err := strconv.ParseInt(vals[i], 10, 64)
		if err != nil || n <= 0 || strconv.FormatInt(n, 10) != vals[i] {
			return 0, fmt.Errorf("%s is not a positive number", fieldNames[i])
		}
		return n, nil
	}
	str := func(i int) string {
		if vals[i] == "-" {
			return ""
		}
		return vals[i]
	}
	v := &Vote{Replaces: str(fReplaces), PlanChoice: str(fPlanChoice), ManagementChoice: str(fManagementChoice),
		Channel: str(fChannel), Evidence: vals[fEvidence], SignatureSHA256: str(fSignature),
		EvidenceSHA256: str(fEvidenceSHA), ChainHash: str(fChainHash)}
	var err error
	if v.PlanID, err = num(fPlan); err != nil {
		return nil, err
	}
	if v.HouseholdID, err = num(fHousehold); err != nil {
		return nil, err
	}
	rev, err := num(fRevision)
	if err != nil {
		return nil, err
	}
	v.Revision = int(rev)
	if vals[fRecordedBy] != "-" {
		by, err := num(fRecordedBy)
		if err != nil {
			return nil, err
		}
		v.RecordedBy = &by
	}
	at, err := time.Parse(time.RFC3339Nano, vals[fRecordedAt])
	if err != nil || at.UTC().Format(time.RFC3339Nano) != vals[fRecordedAt] {
		return nil, errors.New("recorded_at is not an RFC 3339 time in UTC as the log writes it")
	}
	v.RecordedAt = at.UTC()
	for _, c := range [2]string{v.PlanChoice, v.ManagementChoice} {
		if c != Agree && c != Disagree && c != Abstain {
			return nil, fmt.Errorf("%q is not a choice", c)
		}
	}
	if v.Channel != ChannelOnline && v.Channel != ChannelPaper {
		return nil, fmt.Errorf("%q is not a channel", v.Channel)
	}
	for _, i := range [4]int{fReplaces, fSignature, fEvidenceSHA, fChainHash} {
		if h := str(i); h != "" && !isSHA256Hex(h) {
			return nil, fmt.Errorf("%s is not a SHA-256 in lowercase hex", fieldNames[i])
		}
	}
	if format == Format {
		if err := v.checkEvidence(); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// checkEvidence refuses a version 2 leaf whose evidence does not fit its
// channel and hashes: a drawn signature has its image's hash, a confirmation
// by code has none, a paper ballot has the photo of its form.
func (v *Vote) checkEvidence() error {
	switch v.Evidence {
	case EvidenceSignature:
		if v.Channel != ChannelOnline || v.SignatureSHA256 == "" {
			return errors.New("evidence signature needs an online vote with signature_sha256")
		}
	case EvidenceHouseholdCode:
		if v.Channel != ChannelOnline || v.SignatureSHA256 != "" {
			return errors.New("evidence household_code is an online vote without a signature image")
		}
	case EvidencePaperForm:
		if v.Channel != ChannelPaper || v.EvidenceSHA256 == "" {
			return errors.New("evidence paper_form needs a paper vote with evidence_sha256")
		}
	default:
		return fmt.Errorf("%q is not a kind of evidence", v.Evidence)
	}
	return nil
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
