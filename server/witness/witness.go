// Package witness is `anju witness`: a second signer (the street office, the
// district) that keeps the last checkpoint it cosigned for each plan, fetches
// the newest one, checks the server's signature and that the log only grew
// since (an RFC 9162 consistency proof), and only then cosigns it (C2SP
// tlog-cosignature, Ed25519) and posts the cosignature back. A log that was
// rewritten, truncated or re-signed with another key is refused loudly and
// nothing is signed.
package witness

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/transparency-dev/formats/log"
	fnote "github.com/transparency-dev/formats/note"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// State is what a witness keeps between runs: the log's key, pinned on first
// use, and per plan the last checkpoint it cosigned.
type State struct {
	LogKey string          `json:"log_key"`
	Plans  map[string]Held `json:"plans"`
}

// Held is a cosigned checkpoint.
type Held struct {
	Origin   string `json:"origin"`
	TreeSize uint64 `json:"tree_size"`
	RootHash []byte `json:"root_hash"`
}

// Options say where and what to witness.
type Options struct {
	Server    string // base URL, e.g. https://anju.example.cn
	Plans     []int64
	SignerKey string // the witness's note signer key
	StatePath string
	// LogKey pins the server's verifier key; empty: the state's, or trust on
	// first use (printed).
	LogKey string
	Client *http.Client
	Out    io.Writer
}

// NewKey returns a witness signer key and the verifier key the server is
// configured with (witnesses, ANJU_WITNESSES).
func NewKey(name string) (skey, vkey string, err error) {
	skey, plain, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", "", err
	}
	vkey, err = fnote.VKeyToCosignatureV1(plain)
	return skey, vkey, err
}

// Run witnesses every plan once. It returns an error naming each plan it
// refused to cosign.
func Run(ctx context.Context, o Options) error {
	if o.Client == nil {
		o.Client = http.DefaultClient
	}
	signer, err := fnote.NewSignerForCosignatureV1(o.SignerKey)
	if err != nil {
		return fmt.Errorf("the witness key: %w", err)
	}
	st, err := load(o.StatePath)
	if err != nil {
		return err
	}
	if o.LogKey != "" {
		if st.LogKey != "" && st.LogKey != o.LogKey {
			return fmt.Errorf("the log key given (%s) is not the one pinned in %s (%s)", o.LogKey, o.StatePath, st.LogKey)
		}
		st.LogKey = o.LogKey
	}
	if st.LogKey == "" {
		var k struct {
			VerifierKey string `json:"verifier_key"`
		}
		if err := getJSON(ctx, o, "/api/v1/public/log-key", &k); err != nil {
			return err
		}
		st.LogKey = k.VerifierKey
		fmt.Fprintf(o.Out, "pinned the log's key on first use: %s\n", st.LogKey)
	}
	verifier, err := note.NewVerifier(st.LogKey)
	if err != nil {
		return fmt.Errorf("the log key: %w", err)
	}
	var refused []string
	for _, plan := range o.Plans {
		if err := witnessPlan(ctx, o, st, plan, verifier, signer); err != nil {
			fmt.Fprintf(o.Out, "plan %d: REFUSED: %v\n", plan, err)
			refused = append(refused, fmt.Sprintf("plan %d: %v", plan, err))
		}
		if err := save(o.StatePath, st); err != nil {
			return err
		}
	}
	if len(refused) > 0 {
		return errors.New(strings.Join(refused, "; "))
	}
	return nil
}

type checkpoint struct {
	Origin   string `json:"origin"`
	TreeSize uint64 `json:"tree_size"`
	RootHash []byte `json:"root_hash"`
	Note     string `json:"note"`
}

func witnessPlan(ctx context.Context, o Options, st *State, plan int64, verifier note.Verifier, signer note.Signer) error {
	key := strconv.FormatInt(plan, 10)
	var cp checkpoint
	if err := getJSON(ctx, o, fmt.Sprintf("/api/v1/public/plans/%d/checkpoint", plan), &cp); err != nil {
		return err
	}
	held, seen := st.Plans[key]
	origin := cp.Origin
	if seen {
		origin = held.Origin
	}
	parsed, _, _, err := log.ParseCheckpoint([]byte(cp.Note), origin, verifier)
	if err != nil {
		return fmt.Errorf("the checkpoint's signature or origin does not verify (another key, or another log): %v", err)
	}
	if seen {
		if parsed.Size < held.TreeSize {
			return fmt.Errorf("the log shrank from %d to %d leaves: it was rewritten", held.TreeSize, parsed.Size)
		}
		var p struct {
			Proof [][]byte `json:"proof"`
		}
		if err := getJSON(ctx, o, fmt.Sprintf("/api/v1/public/plans/%d/consistency?from=%d&to=%d", plan, held.TreeSize, parsed.Size), &p); err != nil {
			return err
		}
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, held.TreeSize, parsed.Size, p.Proof, held.RootHash, parsed.Hash); err != nil {
			return fmt.Errorf("the log of %d leaves does not extend the one of %d this witness cosigned: it was rewritten (%v)", parsed.Size, held.TreeSize, err)
		}
	}
	body := string(parsed.Marshal())
	signed, err := note.Sign(&note.Note{Text: body}, signer)
	if err != nil {
		return err
	}
	var done struct {
		Witnesses []string `json:"witnesses"`
	}
	if err := postJSON(ctx, o, fmt.Sprintf("/api/v1/public/plans/%d/cosignatures", plan), map[string]string{"note": string(signed)}, &done); err != nil {
		return err
	}
	st.Plans[key] = Held{Origin: origin, TreeSize: parsed.Size, RootHash: parsed.Hash}
	fmt.Fprintf(o.Out, "plan %d: cosigned %s size %d root %s\n", plan, origin, parsed.Size, base64.StdEncoding.EncodeToString(parsed.Hash))
	return nil
}

func load(path string) (*State, error) {
	st := &State{Plans: map[string]Held{}}
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, st); err != nil {
		return nil, fmt.Errorf("the witness state %s: %w", path, err)
	}
	if st.Plans == nil {
		st.Plans = map[string]Held{}
	}
	return st, nil
}

// save writes the state through a temporary file, so a crash never leaves
// half a state behind.
func save(path string, st *State) error {
	raw, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func getJSON(ctx context.Context, o Options, path string, dst any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(o.Server, "/")+path, nil)
	if err != nil {
		return err
	}
	return do(o, req, dst)
}

func postJSON(ctx context.Context, o Options, path string, body, dst any) error {
	raw, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(o.Server, "/")+path, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return do(o, req, dst)
}

func do(o Options, req *http.Request, dst any) error {
	res, err := o.Client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s answered %d: %s", req.Method, req.URL.Path, res.StatusCode, strings.TrimSpace(string(raw)))
	}
	return json.Unmarshal(raw, dst)
}
