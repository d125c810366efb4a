package tlog_test

// The golden vectors that bind the browser's verifier (web/src/shared/tlog.ts)
// to the Go libraries the consent log (公示日志) is built with. Everything here
// comes from those libraries: trees and proofs from transparency-dev/merkle,
// signed notes from x/mod/sumdb/note, checkpoints and cosignatures from
// transparency-dev/formats. Each negative case is first shown to fail in Go, so
// the TypeScript tests reject exactly what Go rejects.
//
// The test fails when web/src/shared/testdata/tlog-vectors.json differs from
// what it builds; UPDATE_TLOG_VECTORS=1 go test ./server/tlog/ rewrites it.

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/transparency-dev/formats/log"
	fnote "github.com/transparency-dev/formats/note"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/note"
)

const (
	vectorsPath = "../../web/src/shared/testdata/tlog-vectors.json"
	origin      = "anju.example/plan/42"
	// A fixed cosignature time, 2026-01-01T00:00:00Z: the library signs with
	// time.Now, so the vectors build the same message by hand and the test
	// checks the hand-built line against a line the library signed.
	cosignedAt = 1767225600
)

type hexBytes []byte

func (h hexBytes) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h)), nil }

type vectorFile struct {
	About           string            `json:"about"`
	LeafHashes      []leafVec         `json:"leafHashes"`
	Roots           []rootVec         `json:"roots"`
	Inclusion       []inclusionVec    `json:"inclusion"`
	BadInclusion    []inclusionVec    `json:"badInclusion"`
	Consistency     []consistencyVec  `json:"consistency"`
	BadConsistency  []consistencyVec  `json:"badConsistency"`
	Keys            map[string]string `json:"keys"`
	Checkpoints     []checkpointVec   `json:"checkpoints"`
	BadCheckpoints  []noteVec         `json:"badCheckpoints"`
	Cosignatures    []noteVec         `json:"cosignatures"`
	BadCosignatures []noteVec         `json:"badCosignatures"`
	BadVkeys        []noteVec         `json:"badVkeys"`
}

type leafVec struct {
	Leaf hexBytes `json:"leaf"`
	Hash hexBytes `json:"hash"`
}

type rootVec struct {
	Size uint64   `json:"size"`
	Root hexBytes `json:"root"`
}

type inclusionVec struct {
	Why      string     `json:"why,omitempty"`
	Index    uint64     `json:"index"`
	Size     uint64     `json:"size"`
	Leaf     hexBytes   `json:"leaf,omitempty"`
	LeafHash hexBytes   `json:"leafHash"`
	Proof    []hexBytes `json:"proof"`
	Root     hexBytes   `json:"root"`
}

type consistencyVec struct {
	Why   string     `json:"why,omitempty"`
	Size1 uint64     `json:"size1"`
	Size2 uint64     `json:"size2"`
	Proof []hexBytes `json:"proof"`
	Root1 hexBytes   `json:"root1"`
	Root2 hexBytes   `json:"root2"`
}

type checkpointVec struct {
	Why        string   `json:"why"`
	Note       string   `json:"note"`
	Origin     string   `json:"origin"`
	Size       uint64   `json:"size"`
	Root       hexBytes `json:"root"`
	Extensions []string `json:"extensions"`
}

// noteVec is a note (or, for badVkeys, only a vkey) with the key to check it by.
type noteVec struct {
	Why       string `json:"why"`
	Note      string `json:"note,omitempty"`
	Vkey      string `json:"vkey"`
	Origin    string `json:"origin,omitempty"`
	Timestamp uint64 `json:"timestamp,omitempty"`
}

// key is a deterministic Ed25519 note key: the seed is SHA-256 of a fixed text.
type key struct {
	name   string
	seed   []byte
	vkey   string
	signer note.Signer
	// For a witness: its cosignature/v1 key (algorithm 4) and signer.
	cosigVkey   string
	cosigSigner note.Signer
}

func newKey(name, seedText string) key {
	seed := sha256.Sum256([]byte(seedText))
	pub := ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey)
	vkey := must(note.NewEd25519VerifierKey(name, pub))
	hash := strings.Split(vkey, "+")[1]
	skey := fmt.Sprintf("PRIVATE+KEY+%s+%s+%s", name, hash, base64.StdEncoding.EncodeToString(append([]byte{1}, seed[:]...)))
	return key{
		name: name, seed: seed[:], vkey: vkey, signer: must(note.NewSigner(skey)),
		cosigVkey: must(fnote.VKeyToCosignatureV1(vkey)), cosigSigner: must[note.Signer](fnote.NewSignerForCosignatureV1(skey)),
	}
}

// sigLine is the signature line the library writes for body.
func (k key) sigLine(body string) string {
	return strings.TrimPrefix(string(must(note.Sign(&note.Note{Text: body}, k.signer))), body+"\n")
}

// cosigLineAt is a cosignature/v1 line at a given time (c2sp.org/tlog-cosignature):
// key hash ‖ 8-byte big-endian time ‖ Ed25519 over "cosignature/v1\ntime T\n" ‖ body.
func (k key) cosigLineAt(body string, ts uint64) string {
	msg := fmt.Sprintf("cosignature/v1\ntime %d\n%s", ts, body)
	sig := binary.BigEndian.AppendUint32(nil, k.cosigSigner.KeyHash())
	sig = binary.BigEndian.AppendUint64(sig, ts)
	sig = append(sig, ed25519.Sign(ed25519.NewKeyFromSeed(k.seed), []byte(msg))...)
	return "— " + k.name + " " + base64.StdEncoding.EncodeToString(sig) + "\n"
}

// hashes converts between [][]byte and []hexBytes; never nil, so JSON has [].
func hashes[U, T ~[]byte](in []T) []U {
	out := make([]U, 0, len(in))
	for _, h := range in {
		out = append(out, U(h))
	}
	return out
}

// must stops the test (by panicking, which fails it) on a library error that
// only a broken setup can cause.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// flip returns a copy of hs with one bit of hs[i] flipped.
func flip(hs []hexBytes, i int) []hexBytes {
	out := append([]hexBytes(nil), hs...)
	out[i] = append(hexBytes(nil), hs[i]...)
	out[i][len(out[i])-1] ^= 0x01
	return out
}

func leaf(i int) []byte { return []byte(fmt.Sprintf("anju vote %d", i)) }

func TestJSVectorsMatchTheGoLibraries(t *testing.T) {
	got := buildVectors(t)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("UPDATE_TLOG_VECTORS") == "1" {
		if err := os.WriteFile(vectorsPath, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Fatalf("%v (UPDATE_TLOG_VECTORS=1 go test ./server/tlog/ writes it)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Fatalf("%s is not what the Go libraries produce; rerun with UPDATE_TLOG_VECTORS=1 and commit it with the TypeScript side", vectorsPath)
	}
}

func buildVectors(t *testing.T) vectorFile {
	h := rfc6962.DefaultHasher
	tree := testonly.New(h)
	for i := range 1000 {
		tree.AppendData(leaf(i))
	}
	v := vectorFile{About: "Generated by server/tlog/jsvectors_test.go from the Go libraries; checked by web/src/shared/tlog.test.ts. Leaf i is the UTF-8 text \"anju vote i\". Hashes are hex."}
	for _, l := range []string{"", "a", strings.Repeat("x", 55), strings.Repeat("y", 64), "一户一票"} {
		v.LeafHashes = append(v.LeafHashes, leafVec{Leaf: []byte(l), Hash: h.HashLeaf([]byte(l))})
	}
	for s := uint64(0); s <= 1000; s++ {
		if s <= 33 || s == 100 || s == 1000 {
			v.Roots = append(v.Roots, rootVec{Size: s, Root: tree.HashAt(s)})
		}
	}
	addInclusion(t, &v, tree)
	addConsistency(t, &v, tree)
	addCheckpoints(t, &v, tree)
	return v
}

func inclusion(t *testing.T, tree *testonly.Tree, index, size uint64) inclusionVec {
	t.Helper()
	p := must(tree.InclusionProof(index, size))
	c := inclusionVec{Index: index, Size: size, Leaf: leaf(int(index)), LeafHash: tree.LeafHash(index), Proof: hashes[hexBytes](p), Root: tree.HashAt(size)}
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, index, size, c.LeafHash, p, c.Root); err != nil {
		t.Fatalf("inclusion %d in %d: %v", index, size, err)
	}
	return c
}

func addInclusion(t *testing.T, v *vectorFile, tree *testonly.Tree) {
	cases := map[uint64][]uint64{100: {0, 1, 31, 32, 63, 64, 98, 99}, 1000: {0, 1, 511, 512, 767, 997, 998, 999}}
	for s := uint64(1); s <= 33; s++ {
		seen := map[uint64]bool{}
		for _, i := range []uint64{0, 1, s / 2, s - 2, s - 1} {
			if i < s && !seen[i] {
				seen[i] = true
				cases[s] = append(cases[s], i)
			}
		}
	}
	for s := uint64(1); s <= 1000; s++ {
		for _, i := range cases[s] {
			v.Inclusion = append(v.Inclusion, inclusion(t, tree, i, s))
		}
	}

	good := inclusion(t, tree, 17, 33)
	good.Leaf = nil
	bad := func(why string, change func(c *inclusionVec)) {
		c := good
		c.Why = why
		change(&c)
		if err := proof.VerifyInclusion(rfc6962.DefaultHasher, c.Index, c.Size, c.LeafHash, hashes[[]byte](c.Proof), c.Root); err == nil {
			t.Fatalf("Go accepts the bad inclusion case %q", why)
		}
		v.BadInclusion = append(v.BadInclusion, c)
	}
	bad("a flipped bit in the first proof hash", func(c *inclusionVec) { c.Proof = flip(c.Proof, 0) })
	bad("a flipped bit in the last proof hash", func(c *inclusionVec) { c.Proof = flip(c.Proof, len(c.Proof)-1) })
	bad("the root of a smaller tree", func(c *inclusionVec) { c.Root = tree.HashAt(32) })
	bad("another leaf's hash", func(c *inclusionVec) { c.LeafHash = tree.LeafHash(16) })
	bad("the wrong index", func(c *inclusionVec) { c.Index = 16 })
	bad("a smaller tree size", func(c *inclusionVec) { c.Size = 32 })
	bad("a proof one hash short", func(c *inclusionVec) { c.Proof = c.Proof[:len(c.Proof)-1] })
	bad("a proof one hash long", func(c *inclusionVec) { c.Proof = append(append([]hexBytes{}, c.Proof...), c.Root) })
	bad("an index equal to the size", func(c *inclusionVec) { c.Index = 33 })
	bad("a proof hash of 31 bytes", func(c *inclusionVec) { c.Proof = append([]hexBytes{c.Proof[0][:31]}, c.Proof[1:]...) })
	bad("a leaf hash of 31 bytes", func(c *inclusionVec) { c.LeafHash = c.LeafHash[:31] })
	one := inclusion(t, tree, 0, 1)
	one.Leaf, one.Why, one.Proof = nil, "a one-leaf tree with a non-empty proof", []hexBytes{tree.LeafHash(1)}
	if proof.VerifyInclusion(rfc6962.DefaultHasher, 0, 1, one.LeafHash, hashes[[]byte](one.Proof), one.Root) == nil {
		t.Fatal("Go accepts a proof for a one-leaf tree")
	}
	v.BadInclusion = append(v.BadInclusion, one)
}

func consistency(t *testing.T, tree *testonly.Tree, size1, size2 uint64) consistencyVec {
	t.Helper()
	p := must(tree.ConsistencyProof(size1, size2))
	c := consistencyVec{Size1: size1, Size2: size2, Proof: hashes[hexBytes](p), Root1: tree.HashAt(size1), Root2: tree.HashAt(size2)}
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, size1, size2, p, c.Root1, c.Root2); err != nil {
		t.Fatalf("consistency %d→%d: %v", size1, size2, err)
	}
	return c
}

func addConsistency(t *testing.T, v *vectorFile, tree *testonly.Tree) {
	for s2 := uint64(1); s2 <= 33; s2++ {
		seen := map[uint64]bool{}
		for _, s1 := range []uint64{0, 1, 2, 3, s2 / 2, s2 - 1, s2} {
			if s1 <= s2 && !seen[s1] {
				seen[s1] = true
				v.Consistency = append(v.Consistency, consistency(t, tree, s1, s2))
			}
		}
	}
	for _, p := range [][2]uint64{{1, 100}, {31, 100}, {32, 100}, {33, 100}, {99, 100}, {1, 1000}, {100, 1000}, {511, 1000}, {512, 1000}, {999, 1000}, {1000, 1000}} {
		v.Consistency = append(v.Consistency, consistency(t, tree, p[0], p[1]))
	}

	bad := func(why string, c consistencyVec, change func(c *consistencyVec)) {
		c.Why = why
		change(&c)
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, c.Size1, c.Size2, hashes[[]byte](c.Proof), c.Root1, c.Root2); err == nil {
			t.Fatalf("Go accepts the bad consistency case %q", why)
		}
		v.BadConsistency = append(v.BadConsistency, c)
	}
	good := consistency(t, tree, 13, 33)
	pow := consistency(t, tree, 8, 33)
	bad("a flipped bit in the first proof hash", good, func(c *consistencyVec) { c.Proof = flip(c.Proof, 0) })
	bad("a flipped bit in the last proof hash", good, func(c *consistencyVec) { c.Proof = flip(c.Proof, len(c.Proof)-1) })
	bad("a wrong first root", good, func(c *consistencyVec) { c.Root1 = tree.HashAt(12) })
	bad("a wrong second root", good, func(c *consistencyVec) { c.Root2 = tree.HashAt(32) })
	bad("a proof one hash short", good, func(c *consistencyVec) { c.Proof = c.Proof[:len(c.Proof)-1] })
	bad("a proof one hash long", good, func(c *consistencyVec) { c.Proof = append(append([]hexBytes{}, c.Proof...), c.Root1) })
	bad("the sizes swapped", good, func(c *consistencyVec) { c.Size1, c.Size2, c.Root1, c.Root2 = c.Size2, c.Size1, c.Root2, c.Root1 })
	bad("a rewritten log: the old root of another history", good, func(c *consistencyVec) { c.Root1 = flip([]hexBytes{c.Root1}, 0)[0] })
	bad("a power-of-two first size with its root prepended to the proof", pow, func(c *consistencyVec) { c.Proof = append([]hexBytes{c.Root1}, c.Proof...) })
	bad("a flipped bit, power-of-two first size", pow, func(c *consistencyVec) { c.Proof = flip(c.Proof, 0) })
	bad("an empty proof between different sizes", good, func(c *consistencyVec) { c.Proof = []hexBytes{} })
	bad("equal sizes with a non-empty proof", consistency(t, tree, 33, 33), func(c *consistencyVec) { c.Proof = []hexBytes{c.Root1} })
	bad("equal sizes with different roots", consistency(t, tree, 33, 33), func(c *consistencyVec) { c.Root2 = tree.HashAt(32) })
	bad("size 0 with a non-empty proof", consistency(t, tree, 0, 33), func(c *consistencyVec) { c.Proof = []hexBytes{tree.HashAt(33)} })
	bad("a proof hash of 31 bytes", good, func(c *consistencyVec) { c.Proof = append([]hexBytes{c.Proof[0][:31]}, c.Proof[1:]...) })
}

func addCheckpoints(t *testing.T, v *vectorFile, tree *testonly.Tree) {
	logKey := newKey(origin, "anju tlog vectors: the log's key")
	otherLog := newKey(origin, "anju tlog vectors: another key with the log's name")
	stranger := newKey("someone.else.example", "anju tlog vectors: a stranger")
	witness := newKey("witness.anju.example", "anju tlog vectors: a witness")
	otherWitness := newKey("witness2.anju.example", "anju tlog vectors: another witness")
	v.Keys = map[string]string{"log": logKey.vkey, "otherLog": otherLog.vkey, "witness": witness.cosigVkey, "otherWitness": otherWitness.cosigVkey}
	checkCosigLine(t, witness)

	body := func(size uint64, ext ...string) string {
		b := string(log.Checkpoint{Origin: origin, Size: size, Hash: tree.HashAt(size)}.Marshal())
		for _, e := range ext {
			b += e + "\n"
		}
		return b
	}
	logVerifier := must(note.NewVerifier(logKey.vkey))
	good := func(why, n string, size uint64, ext ...string) {
		cp, rest, _, err := log.ParseCheckpoint([]byte(n), origin, logVerifier)
		if err != nil || cp.Size != size || !bytes.Equal(cp.Hash, tree.HashAt(size)) || string(rest) != strings.Join(append(ext, ""), "\n") {
			t.Fatalf("%s: Go does not accept %q: %v", why, n, err)
		}
		v.Checkpoints = append(v.Checkpoints, checkpointVec{Why: why, Note: n, Origin: origin, Size: size, Root: tree.HashAt(size), Extensions: append([]string{}, ext...)})
	}
	b33, b1000, b0 := body(33), body(1000, "vote-page 7", "policy plan-42-v3"), body(0)
	signed33 := b33 + "\n" + logKey.sigLine(b33)
	good("a checkpoint of 33 votes", signed33, 33)
	good("1000 votes with two extension lines", b1000+"\n"+logKey.sigLine(b1000), 1000, "vote-page 7", "policy plan-42-v3")
	good("the empty log", b0+"\n"+logKey.sigLine(b0), 0)
	good("lines by unknown keys, one with the log's name, come first and are ignored",
		b33+"\n"+stranger.sigLine(b33)+otherLog.sigLine(b33)+logKey.sigLine(b33), 33)
	cosigned := signed33 + witness.cosigLineAt(b33, cosignedAt) + otherWitness.cosigLineAt(b33, cosignedAt+60)
	good("cosigned by two witnesses", cosigned, 33)

	badCp := func(why, n, vkey, wantOrigin string) {
		if _, _, _, err := log.ParseCheckpoint([]byte(n), wantOrigin, must(note.NewVerifier(vkey))); err == nil {
			t.Fatalf("Go accepts the bad checkpoint %q", why)
		}
		v.BadCheckpoints = append(v.BadCheckpoints, noteVec{Why: why, Note: n, Vkey: vkey, Origin: wantOrigin})
	}
	forged := must(base64.StdEncoding.DecodeString(strings.Fields(otherLog.sigLine(b33))[2]))
	binary.BigEndian.PutUint32(forged, logKey.signer.KeyHash())
	root32 := base64.StdEncoding.EncodeToString(tree.HashAt(32))
	root33 := base64.StdEncoding.EncodeToString(tree.HashAt(33))
	badCp("signed only by another key with the log's name", b33+"\n"+otherLog.sigLine(b33), logKey.vkey, origin)
	badCp("another key's signature under the log's key hash", b33+"\n— "+origin+" "+base64.StdEncoding.EncodeToString(forged)+"\n", logKey.vkey, origin)
	badCp("the size changed after signing", strings.Replace(signed33, "\n33\n", "\n34\n", 1), logKey.vkey, origin)
	badCp("the root changed after signing", strings.Replace(signed33, root33, root32, 1), logKey.vkey, origin)
	badCp("an extension line added after signing", strings.Replace(signed33, "=\n\n", "=\nextra\n\n", 1), logKey.vkey, origin)
	badCp("the wrong origin expected", signed33, logKey.vkey, "anju.example/plan/43")
	badCp("checked with another key of the same name", signed33, otherLog.vkey, origin)
	badCp("no signature lines", b33+"\n", logKey.vkey, origin)
	badCp("a hyphen instead of the em dash", strings.Replace(signed33, "— ", "- ", 1), logKey.vkey, origin)
	badCp("a carriage return in the body", strings.Replace(signed33, "\n33\n", "\r\n33\n", 1), logKey.vkey, origin)
	logSig := must(base64.StdEncoding.DecodeString(strings.Fields(logKey.sigLine(b33))[2]))
	badCp("the signature two bytes short", b33+"\n— "+origin+" "+base64.StdEncoding.EncodeToString(logSig[:len(logSig)-2])+"\n", logKey.vkey, origin)
	badCp("no blank line before the signatures", b33+logKey.sigLine(b33), logKey.vkey, origin)
	badCp("no final newline", strings.TrimSuffix(signed33, "\n"), logKey.vkey, origin)

	addCosignatures(t, v, witness, otherWitness, signed33, cosigned, b33)
	addBadVkeys(t, v, logKey, witness)
}

// checkCosigLine shows that cosigLineAt writes what the library's cosignature/v1
// signer writes at the same second, and that the library's verifier accepts it.
func checkCosigLine(t *testing.T, w key) {
	body := string(log.Checkpoint{Origin: origin, Size: 5, Hash: bytes.Repeat([]byte{7}, 32)}.Marshal())
	msg := must(note.Sign(&note.Note{Text: body}, w.cosigSigner))
	n := must(note.Open(msg, note.VerifierList(must(fnote.NewVerifierForCosignatureV1(w.cosigVkey)))))
	ts := must(fnote.CoSigV1Timestamp(n.Sigs[0]))
	if want := body + "\n" + w.cosigLineAt(body, uint64(ts.Unix())); string(msg) != want {
		t.Fatalf("the library cosigns as\n%s\nthe vectors as\n%s", msg, want)
	}
}

func addCosignatures(t *testing.T, v *vectorFile, witness, otherWitness key, signed, cosigned, b33 string) {
	open := func(n, vkey string) error {
		ver, err := fnote.NewVerifierForCosignatureV1(vkey)
		if err != nil {
			return err
		}
		_, err = note.Open([]byte(n), note.VerifierList(ver))
		return err
	}
	for _, w := range []struct {
		k  key
		ts uint64
	}{{witness, cosignedAt}, {otherWitness, cosignedAt + 60}} {
		if err := open(cosigned, w.k.cosigVkey); err != nil {
			t.Fatal(err)
		}
		v.Cosignatures = append(v.Cosignatures, noteVec{Why: "cosigned by " + w.k.name, Note: cosigned, Vkey: w.k.cosigVkey, Timestamp: w.ts})
	}
	bad := func(why, n, vkey string) {
		if open(n, vkey) == nil {
			t.Fatalf("Go accepts the bad cosignature %q", why)
		}
		v.BadCosignatures = append(v.BadCosignatures, noteVec{Why: why, Note: n, Vkey: vkey})
	}
	raw := must(base64.StdEncoding.DecodeString(strings.Fields(witness.cosigLineAt(b33, cosignedAt))[2]))
	raw[11]++ // the time's last byte: one second later
	later := "— " + witness.name + " " + base64.StdEncoding.EncodeToString(raw) + "\n"
	// The witness key's plain Ed25519 signature of the body, under its cosignature key hash.
	plain := append(binary.BigEndian.AppendUint32(nil, witness.cosigSigner.KeyHash()), ed25519.Sign(ed25519.NewKeyFromSeed(witness.seed), []byte(b33))...)
	bad("the time changed after cosigning", signed+later, witness.cosigVkey)
	bad("the size changed after cosigning", strings.Replace(cosigned, "\n33\n", "\n34\n", 1), witness.cosigVkey)
	bad("no line by this witness", signed+otherWitness.cosigLineAt(b33, cosignedAt), witness.cosigVkey)
	bad("a plain note signature, without the time", signed+"— "+witness.name+" "+base64.StdEncoding.EncodeToString(plain)+"\n", witness.cosigVkey)
}

func addBadVkeys(t *testing.T, v *vectorFile, logKey, witness key) {
	parts := strings.SplitN(logKey.vkey, "+", 3)
	short := must(base64.StdEncoding.DecodeString(parts[2]))[:32]
	shortHash := sha256.Sum256(append([]byte(parts[0]+"\n"), short...))
	bad := func(why, vkey string) {
		if _, err := note.NewVerifier(vkey); err == nil {
			t.Fatalf("Go accepts the bad vkey %q", why)
		}
		v.BadVkeys = append(v.BadVkeys, noteVec{Why: why, Vkey: vkey})
	}
	wrongHash := parts[1][:7] + "0"
	if wrongHash == parts[1] {
		wrongHash = parts[1][:7] + "1"
	}
	bad("a wrong key hash", parts[0]+"+"+wrongHash+"+"+parts[2])
	bad("a cosignature/v1 key (algorithm 4) where a note key is expected", witness.cosigVkey)
	bad("a 31-byte public key with its matching hash", fmt.Sprintf("%s+%08x+%s", parts[0], binary.BigEndian.Uint32(shortHash[:]), base64.StdEncoding.EncodeToString(short)))
	bad("a key hash of 7 hex digits", parts[0]+"+"+parts[1][1:]+"+"+parts[2])
	bad("a name with a space", "anju example+"+parts[1]+"+"+parts[2])
	bad("no key", parts[0]+"+"+parts[1])
}
