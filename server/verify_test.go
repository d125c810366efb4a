package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"anju/server/recount"
	"anju/server/votelog"
)

// bundleFile writes a small audit bundle: three households, two votes, one
// signed checkpoint, as the server would make it.
func bundleFile(t *testing.T, edit func(*recount.Bundle)) string {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, "anju.example.cn")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	b := &recount.Bundle{Format: recount.Format, PlanID: 7, ProjectID: 3, Rule: votelog.RuleHouseholds80, ThresholdPercent: 60,
		Origin: "anju.example.cn/plans/7", VerifierKey: vkey,
		Roll: []recount.RollLine{{Household: 1, Head: 1, AreaCenti: 7250}, {Household: 2, Head: 2, AreaCenti: 6000}, {Household: 3, Head: 3, AreaCenti: 5800}}}
	rng := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	for i, h := range []int64{1, 2} {
		v := &votelog.Vote{PlanID: 7, HouseholdID: h, Revision: 1, PlanChoice: "agree", ManagementChoice: "agree",
			Channel: "online", SignatureSHA256: strings.Repeat("ab", 32), RecordedAt: time.Date(2026, 12, 7, 10, i, 0, 0, time.UTC)}
		if h == 2 { // a version 2 leaf: confirmed by the household code, no drawing
			v.Evidence, v.SignatureSHA256 = votelog.EvidenceHouseholdCode, ""
		}
		leaf := votelog.Encode(v)
		hash := rfc6962.DefaultHasher.HashLeaf(leaf)
		b.Leaves = append(b.Leaves, recount.Leaf{Index: uint64(i), Leaf: leaf, LeafHash: hash})
		if err := rng.Append(hash, nil); err != nil {
			t.Fatal(err)
		}
	}
	root, _ := rng.GetRootHash(nil)
	signed, err := note.Sign(&note.Note{Text: string(log.Checkpoint{Origin: b.Origin, Size: 2, Hash: root}.Marshal())}, signer)
	if err != nil {
		t.Fatal(err)
	}
	b.Checkpoints = []recount.Checkpoint{{TreeSize: 2, RootHash: root, Note: string(signed)}}
	if edit != nil {
		edit(b)
	}
	raw, _ := json.Marshal(b)
	path := filepath.Join(t.TempDir(), "bundle.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestVerifyRecountsABundleOffline(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"verify", "--bundle", bundleFile(t, nil)}, &out, &errOut); err != nil {
		t.Fatalf("verify: %v\n%s%s", err, out.String(), errOut.String())
	}
	if s := out.String(); !strings.Contains(s, "OK:") || !strings.Contains(s, "2/0/0") || !strings.Contains(s, "reached") ||
		!regexp.MustCompile(`paper / confirmed by code +0 / 1 `).MatchString(s) {
		t.Fatalf("verify printed:\n%s", s)
	}
	out.Reset()
	forged := bundleFile(t, func(b *recount.Bundle) {
		b.Leaves[1].Leaf = bytes.Replace(b.Leaves[1].Leaf, []byte("plan_choice agree"), []byte("plan_choice disagree"), 1)
	})
	err := run([]string{"verify", "--bundle", forged}, &out, &errOut)
	if err == nil || !strings.Contains(out.String(), "FAILED") || !strings.Contains(out.String(), "leaf 1") {
		t.Fatalf("a forged leaf: %v\n%s", err, out.String())
	}
	if err := run([]string{"verify"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "--bundle") {
		t.Fatalf("no bundle: %v", err)
	}
}

func TestVerifyRefusesAFileThatIsNoNotice(t *testing.T) {
	bundle := bundleFile(t, nil)
	for name, content := range map[string]string{"no notice yet": `{"items":[]}`, "not a notice": `{"eligible":3}`, "not JSON": `<html>`} {
		path := filepath.Join(t.TempDir(), "notice.json")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		if err := run([]string{"verify", "--bundle", bundle, "--notice", path}, &out, &errOut); err == nil || strings.Contains(out.String(), "OK") {
			t.Errorf("%s: %v\n%s", name, err, out.String())
		}
	}
}
