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

func TestVersion2CarriesTheEvidence(t *testing.T) {
	v := sample()
	v.Evidence = EvidencePaperForm
	leaf := Encode(v)
	want := "anju/ballot/v2\nplan 12\nhousehold 345\nrevision 2\nreplaces " + strings.Repeat("3f", 32) + "\nplan_choice agree\n" +
		"management_choice abstain\nchannel paper\nevidence paper_form\nsignature_sha256 -\nevidence_sha256 " + strings.Repeat("ab", 32) +
		"\nrecorded_by 3\nrecorded_at 2026-12-07T13:05:00.123456Z\nchain_hash -\n"
	if string(leaf) != want {
		t.Fatalf("leaf:\n%s\nwant:\n%s", leaf, want)
	}
	got, err := Decode(leaf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Evidence != EvidencePaperForm || got.Kind() != EvidencePaperForm || !bytes.Equal(Encode(got), leaf) {
		t.Fatalf("decoded %+v", got)
	}

	code := &Vote{PlanID: 1, HouseholdID: 2, Revision: 1, PlanChoice: Agree, ManagementChoice: Agree, Channel: ChannelOnline,
		Evidence: EvidenceHouseholdCode, RecordedAt: v.RecordedAt}
	got, err = Decode(Encode(code))
	if err != nil || got.Kind() != EvidenceHouseholdCode || got.SignatureSHA256 != "" {
		t.Fatalf("a vote confirmed by code: %+v, %v", got, err)
	}
}

func TestVersion1LeavesKeepTheirBytesAndTellTheirEvidence(t *testing.T) {
	paper := Encode(sample()) // no evidence: version 1, as written before it existed
	if !strings.HasPrefix(string(paper), FormatV1+"\n") || strings.Contains(string(paper), "evidence ") {
		t.Fatalf("a vote without evidence is not encoded as version 1:\n%s", paper)
	}
	got, err := Decode(paper)
	if err != nil || got.Evidence != "" || got.Kind() != EvidencePaperForm || !bytes.Equal(Encode(got), paper) {
		t.Fatalf("version 1 paper leaf: %+v, %v", got, err)
	}
	online := sample()
	online.Channel, online.SignatureSHA256, online.EvidenceSHA256, online.RecordedBy = ChannelOnline, strings.Repeat("5f", 32), "", nil
	got, err = Decode(Encode(online))
	if err != nil || got.Kind() != EvidenceSignature {
		t.Fatalf("version 1 online leaf: %+v, %v", got, err)
	}
}

func TestEvidenceMustFitTheVote(t *testing.T) {
	sig := strings.Repeat("5f", 32)
	at := time.Date(2026, 12, 7, 13, 5, 0, 0, time.UTC)
	base := func() *Vote {
		return &Vote{PlanID: 1, HouseholdID: 2, Revision: 1, PlanChoice: Agree, ManagementChoice: Agree, Channel: ChannelOnline,
			Evidence: EvidenceSignature, SignatureSHA256: sig, RecordedAt: at}
	}
	if _, err := Decode(Encode(base())); err != nil {
		t.Fatalf("a signed vote: %v", err)
	}
	for name, edit := range map[string]func(v *Vote){
		"a signature without its hash":      func(v *Vote) { v.SignatureSHA256 = "" },
		"a signature on paper":              func(v *Vote) { v.Channel = ChannelPaper },
		"a code confirmation with an image": func(v *Vote) { v.Evidence = EvidenceHouseholdCode },
		"a code confirmation on paper":      func(v *Vote) { v.Evidence, v.SignatureSHA256, v.Channel = EvidenceHouseholdCode, "", ChannelPaper },
		"a paper form online":               func(v *Vote) { v.Evidence, v.EvidenceSHA256 = EvidencePaperForm, sig },
		"a paper form without its photo":    func(v *Vote) { v.Evidence, v.Channel = EvidencePaperForm, ChannelPaper },
		"an unknown kind":                   func(v *Vote) { v.Evidence = "fingerprint" },
		"an absent kind":                    func(v *Vote) { v.Evidence = "-" },
	} {
		v := base()
		edit(v)
		if _, err := Decode(Encode(v)); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	if _, err := Decode([]byte(strings.Replace(string(Encode(base())), "evidence signature\n", "", 1))); err == nil {
		t.Error("a version 2 leaf without its evidence line decoded")
	}
}
