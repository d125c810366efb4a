package votelog

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func sample() *Vote {
	by := int64(3)
	return &Vote{PlanID: 12, HouseholdID: 345, Revision: 2, Replaces: strings.Repeat("3f", 32), PlanChoice: "agree",
		ManagementChoice: "abstain", Channel: "paper", SignatureSHA256: "", EvidenceSHA256: strings.Repeat("ab", 32),
		RecordedBy: &by, RecordedAt: time.Date(2026, 12, 7, 13, 5, 0, 123456000, time.UTC)}
}

func TestALeafReadsBackAsTheVote(t *testing.T) {
	v := sample()
	leaf := Encode(v)
	want := "anju/ballot/v1\nplan 12\nhousehold 345\nrevision 2\nreplaces " + strings.Repeat("3f", 32) + "\nplan_choice agree\n" +
		"management_choice abstain\nchannel paper\nsignature_sha256 -\nevidence_sha256 " + strings.Repeat("ab", 32) +
		"\nrecorded_by 3\nrecorded_at 2026-12-07T13:05:00.123456Z\nchain_hash -\n"
	if string(leaf) != want {
		t.Fatalf("leaf:\n%s\nwant:\n%s", leaf, want)
	}
	got, err := Decode(leaf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(Encode(got), leaf) || got.Replaces != v.Replaces || *got.RecordedBy != 3 || !got.RecordedAt.Equal(v.RecordedAt) {
		t.Fatalf("decoded %+v", got)
	}
}

func TestOnlyCanonicalLeavesDecode(t *testing.T) {
	leaf := string(Encode(sample()))
	for name, bad := range map[string]string{
		"no final newline":   strings.TrimSuffix(leaf, "\n"),
		"another format":     strings.Replace(leaf, "anju/ballot/v1", "anju/ballot/v2", 1),
		"a leading zero":     strings.Replace(leaf, "plan 12", "plan 012", 1),
		"a plus sign":        strings.Replace(leaf, "plan 12", "plan +12", 1),
		"not a choice":       strings.Replace(leaf, "plan_choice agree", "plan_choice yes", 1),
		"fields swapped":     strings.Replace(strings.Replace(leaf, "plan 12\n", "", 1), "household 345\n", "household 345\nplan 12\n", 1),
		"an extra line":      leaf + "extra 1\n",
		"a time not in UTC":  strings.Replace(leaf, "13:05:00.123456Z", "21:05:00.123456+08:00", 1),
		"trailing space":     strings.Replace(leaf, "revision 2\n", "revision 2 \n", 1),
		"a CRLF line ending": strings.Replace(leaf, "revision 2\n", "revision 2\r\n", 1),
		"an unknown channel": strings.Replace(leaf, "channel paper", "channel fax", 1),
		"a zero household":   strings.Replace(leaf, "household 345", "household 0", 1),
		"an uppercase hash":  strings.Replace(leaf, strings.Repeat("ab", 32), strings.Repeat("AB", 32), 1),
	} {
		if _, err := Decode([]byte(bad)); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}
