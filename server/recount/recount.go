// Package recount checks a plan's vote from an audit bundle alone, with no
// database and no server: every checkpoint's signature, the tree rebuilt
// from the leaves (so every checkpoint is consistent with every other), the
// recount under the project's rule, and a printed notice's figures beside it.
// `anju verify --bundle FILE [--notice FILE]` runs it.
package recount

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"anju/server/votelog"
)

// Format names the bundle format.
const Format = "anju-audit-bundle/v1"

// Bundle is everything needed to recount a plan's vote.
type Bundle struct {
	Format           string       `json:"format"`
	PlanID           int64        `json:"plan_id"`
	ProjectID        int64        `json:"project_id"`
	Rule             string       `json:"rule"`
	ThresholdPercent int          `json:"threshold_percent"`
	Origin           string       `json:"origin"`
	VerifierKey      string       `json:"verifier_key"`
	Roll             []RollLine   `json:"roll"`
	Leaves           []Leaf       `json:"leaves"`
	Checkpoints      []Checkpoint `json:"checkpoints"`
}

// RollLine is one household on the roll: its id, an opaque owner head (the
// same number for flats of one owner) and its floor area in 0.01 m².
type RollLine struct {
	Household int64 `json:"household"`
	Head      int   `json:"head"`
	AreaCenti int64 `json:"area_centi"`
}

// Leaf is one leaf of the plan's log, in index order.
type Leaf struct {
	Index    uint64 `json:"index"`
	Leaf     []byte `json:"leaf"`
	LeafHash []byte `json:"leaf_hash"`
}

// Checkpoint is one signed checkpoint (a note, with any cosignatures).
type Checkpoint struct {
	TreeSize uint64 `json:"tree_size"`
	RootHash []byte `json:"root_hash"`
	Note     string `json:"note"`
}

// Notice is the part of a published result notice that the recount checks.
type Notice struct {
	Kind   string `json:"kind"`
	Result struct {
		Eligible   int `json:"eligible"`
		Voted      int `json:"voted"`
		Plan       struct{ Agree, Disagree, Abstain int }
		Management struct{ Agree, Disagree, Abstain int }
		Reached    bool `json:"reached"`
		Record     *struct {
			Origin   string `json:"origin"`
			TreeSize uint64 `json:"tree_size"`
			RootHash []byte `json:"root_hash"`
		} `json:"record"`
	} `json:"result"`
}

// Report is what the recount found.
type Report struct {
	Checkpoints int
	TreeSize    uint64
	RootHash    []byte
	Result      votelog.Result
	Problems    []string
}

// OK tells whether nothing failed.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

func (r *Report) fail(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// Check verifies a bundle and recounts it; notice, when given, is compared.
func Check(b *Bundle, notice *Notice) (*Report, error) {
	if b.Format != Format {
		return nil, fmt.Errorf("not an %s file (format %q)", Format, b.Format)
	}
	verifier, err := note.NewVerifier(b.VerifierKey)
	if err != nil {
		return nil, fmt.Errorf("the bundle's verifier key: %w", err)
	}
	r := &Report{Checkpoints: len(b.Checkpoints)}
	for i, cp := range b.Checkpoints {
		parsed, _, _, err := log.ParseCheckpoint([]byte(cp.Note), b.Origin, verifier)
		switch {
		case err != nil:
			r.fail("checkpoint %d (size %d): its signature or text does not verify: %v", i, cp.TreeSize, err)
		case parsed.Size != cp.TreeSize || !bytes.Equal(parsed.Hash, cp.RootHash):
			r.fail("checkpoint %d: its signed text says size %d, not %d", i, parsed.Size, cp.TreeSize)
		}
		if i > 0 && cp.TreeSize < b.Checkpoints[i-1].TreeSize {
			r.fail("checkpoint %d is smaller than the one before it", i)
		}
	}
	// Rebuild the tree; every checkpoint's root must be the root of the
	// leaves up to its size, which makes them all consistent with each other.
	roots := map[uint64][]byte{0: rfc6962.DefaultHasher.EmptyRoot()}
	rng := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	stored := make([]votelog.Stored, 0, len(b.Leaves))
	for i, l := range b.Leaves {
		if l.Index != uint64(i) {
			r.fail("leaf %d is missing (the next leaf says index %d)", i, l.Index)
			break
		}
		h := rfc6962.DefaultHasher.HashLeaf(l.Leaf)
		if !bytes.Equal(h, l.LeafHash) {
			r.fail("leaf %d: its bytes do not hash to its leaf hash", i)
		}
		if err := rng.Append(h, nil); err != nil {
			return nil, err
		}
		root, err := rng.GetRootHash(nil)
		if err != nil {
			return nil, err
		}
		roots[rng.End()] = root
		stored = append(stored, votelog.Stored{Leaf: l.Leaf, LeafHash: h})
	}
	r.TreeSize = rng.End()
	r.RootHash = roots[r.TreeSize]
	for i, cp := range b.Checkpoints {
		root, ok := roots[cp.TreeSize]
		if !ok {
			r.fail("checkpoint %d names size %d, but the bundle has %d leaves", i, cp.TreeSize, r.TreeSize)
		} else if !bytes.Equal(root, cp.RootHash) {
			r.fail("checkpoint %d (size %d): the leaves do not add up to its root hash", i, cp.TreeSize)
		}
	}
	if n := len(b.Checkpoints); n > 0 && b.Checkpoints[n-1].TreeSize != r.TreeSize {
		r.fail("the newest checkpoint covers %d leaves, the bundle holds %d", b.Checkpoints[n-1].TreeSize, r.TreeSize)
	}
	votes, problems := votelog.Current(b.PlanID, stored)
	for _, p := range problems {
		r.fail("%v", p)
	}
	onRoll := make(map[int64]bool, len(b.Roll))
	roll := make([]votelog.RollEntry, 0, len(b.Roll))
	for _, l := range b.Roll {
		onRoll[l.Household] = true
		roll = append(roll, votelog.Entry(l.Household, fmt.Sprint(l.Head), l.AreaCenti, votes[l.Household]))
	}
	for h := range votes {
		if !onRoll[h] {
			r.fail("household %d voted but is not on the roll", h)
		}
	}
	r.Result = votelog.Decide(b.Rule, b.ThresholdPercent, roll)
	if notice != nil {
		compareNotice(r, notice, roots, b.Origin)
	}
	return r, nil
}

func compareNotice(r *Report, n *Notice, roots map[uint64][]byte, origin string) {
	got, res := n.Result, r.Result
	if got.Record == nil {
		r.fail("the notice prints no tree size and root hash: it pins no count")
	} else {
		root, ok := roots[got.Record.TreeSize]
		switch {
		case got.Record.Origin != origin:
			r.fail("the notice is about log %q, the bundle about %q", got.Record.Origin, origin)
		case !ok:
			r.fail("the notice pins size %d, beyond the bundle's %d leaves", got.Record.TreeSize, r.TreeSize)
		case !bytes.Equal(root, got.Record.RootHash):
			r.fail("the notice's root hash is not the root of the first %d leaves: the log was rewritten", got.Record.TreeSize)
		}
	}
	for _, c := range []struct {
		what         string
		notice, mine int
	}{{"eligible", got.Eligible, res.Eligible}, {"voted", got.Voted, res.Voted},
		{"plan agree", got.Plan.Agree, res.Plan.Agree}, {"plan disagree", got.Plan.Disagree, res.Plan.Disagree},
		{"plan abstain", got.Plan.Abstain, res.Plan.Abstain}, {"management agree", got.Management.Agree, res.Management.Agree},
		{"management disagree", got.Management.Disagree, res.Management.Disagree},
		{"management abstain", got.Management.Abstain, res.Management.Abstain}} {
		if c.notice != c.mine {
			r.fail("the notice says %s %d, the recount %d", c.what, c.notice, c.mine)
		}
	}
	if got.Reached != res.Reached {
		r.fail("the notice says reached=%v, the recount %v", got.Reached, res.Reached)
	}
}

// Print writes the report as a person reads it, the notice's figures beside
// the recount's when there is a notice.
func Print(w io.Writer, b *Bundle, r *Report, n *Notice) {
	fmt.Fprintf(w, "plan %d (project %d), log %s\n", b.PlanID, b.ProjectID, b.Origin)
	fmt.Fprintf(w, "signer: %s\n", b.VerifierKey)
	fmt.Fprintf(w, "%d checkpoints, %d leaves, root hash %x\n", r.Checkpoints, r.TreeSize, r.RootHash)
	fmt.Fprintf(w, "rule %s (threshold %d %%)\n\n", b.Rule, b.ThresholdPercent)
	res := r.Result
	rows := [][3]string{{"", "recount", "notice"},
		{"eligible", fmt.Sprint(res.Eligible), ""}, {"voted", fmt.Sprint(res.Voted), ""},
		{"plan agree/disagree/abstain", fmt.Sprintf("%d/%d/%d", res.Plan.Agree, res.Plan.Disagree, res.Plan.Abstain), ""},
		{"management agree/disagree/abstain", fmt.Sprintf("%d/%d/%d", res.Management.Agree, res.Management.Disagree, res.Management.Abstain), ""},
		{"reached", fmt.Sprint(res.Reached), ""},
		{"paper / confirmed by code", fmt.Sprintf("%d / %d", res.Paper, res.ByCode), ""}}
	if n != nil {
		g := n.Result
		rows[1][2], rows[2][2] = fmt.Sprint(g.Eligible), fmt.Sprint(g.Voted)
		rows[3][2] = fmt.Sprintf("%d/%d/%d", g.Plan.Agree, g.Plan.Disagree, g.Plan.Abstain)
		rows[4][2] = fmt.Sprintf("%d/%d/%d", g.Management.Agree, g.Management.Disagree, g.Management.Abstain)
		rows[5][2] = fmt.Sprint(g.Reached)
		if g.Record != nil {
			rows = append(rows, [3]string{"tree size / root", fmt.Sprintf("%d / %x", r.TreeSize, r.RootHash),
				fmt.Sprintf("%d / %x", g.Record.TreeSize, g.Record.RootHash)})
		}
	}
	for _, row := range rows {
		fmt.Fprintf(w, "%-36s %-24s %s\n", row[0], row[1], row[2])
	}
	fmt.Fprintln(w)
	if r.OK() {
		fmt.Fprintln(w, "OK: every signature verifies, the leaves rebuild every checkpoint, and the recount stands.")
		return
	}
	fmt.Fprintf(w, "FAILED: %d problem(s)\n  %s\n", len(r.Problems), strings.Join(r.Problems, "\n  "))
}

// Read parses a bundle.
func Read(data []byte) (*Bundle, error) {
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("the bundle is not JSON: %w", err)
	}
	if b.Format == "" {
		return nil, errors.New("the file is not an audit bundle (no format)")
	}
	return &b, nil
}

// ReadNotice parses a notice as GET /projects/{id}/consent/notices lists it
// (one item), or a single notice object.
func ReadNotice(data []byte) (*Notice, error) {
	var list struct {
		Items *[]Notice `json:"items"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("the notice is not JSON: %w", err)
	}
	if list.Items != nil {
		if len(*list.Items) == 0 {
			return nil, errors.New("the file lists no notice: none has been published for this vote yet")
		}
		return &(*list.Items)[len(*list.Items)-1], nil
	}
	var n Notice
	if err := json.Unmarshal(data, &n); err != nil || n.Kind == "" {
		return nil, errors.New("the file is not a result notice (no kind): give the JSON of GET /api/v1/projects/{id}/consent/notices")
	}
	return &n, nil
}
