package tlog_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"gorm.io/gorm"

	"anju/server/audit"
	"anju/server/store"
	"anju/server/store/storetest"
	"anju/server/tlog"
)

var ctx = context.Background()

func newLogs(t *testing.T, db *store.DB) *tlog.Logs {
	t.Helper()
	key, err := tlog.LoadKey(db, "", "anju.example.cn")
	if err != nil {
		t.Fatal(err)
	}
	return tlog.New(db, key)
}

// appendLeaves appends n leaves "origin/ref" to the log, one transaction each,
// refs starting at first.
func appendLeaves(t *testing.T, db *store.DB, logs *tlog.Logs, logID int64, first, n int) {
	t.Helper()
	for i := first; i < first+n; i++ {
		if err := db.Tx(ctx, func(tx *gorm.DB) error {
			_, err := logs.Append(tx, logID, int64(i), leafBytes(logID, i))
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func leafBytes(logID int64, ref int) []byte {
	return fmt.Appendf(nil, "anju/test/v1\nlog %d\nref %d\n", logID, ref)
}

func ensure(t *testing.T, db *store.DB, logs *tlog.Logs, origin string) int64 {
	t.Helper()
	var id int64
	subject := "test/" + origin[strings.LastIndex(origin, "/")+1:]
	if err := db.Tx(ctx, func(tx *gorm.DB) (err error) { id, err = logs.Ensure(tx, subject, origin); return err }); err != nil {
		t.Fatal(err)
	}
	return id
}

func integrate(t *testing.T, logs *tlog.Logs) int {
	t.Helper()
	n, err := logs.Integrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// rootOf computes the RFC 9162 root of leaves in memory, with the library.
func rootOf(t *testing.T, leaves [][]byte) []byte {
	t.Helper()
	rf := &compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	r := rf.NewEmptyRange(0)
	for _, l := range leaves {
		if err := r.Append(rfc6962.DefaultHasher.HashLeaf(l), nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(leaves) == 0 {
		return rfc6962.DefaultHasher.EmptyRoot()
	}
	root, err := r.GetRootHash(nil)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestLeavesBecomeASignedTreeWithProofs(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		logs := newLogs(t, db)
		const origin = "anju.example.cn/plans/7"
		id := ensure(t, db, logs, origin)
		if again := ensure(t, db, logs, origin); again != id {
			t.Fatalf("Ensure twice gave logs %d and %d", id, again)
		}
		cp, err := logs.Latest(ctx, id)
		if err != nil || cp.Size != 0 || !bytes.Equal(cp.RootHash, rfc6962.DefaultHasher.EmptyRoot()) {
			t.Fatalf("a new log starts with a signed empty checkpoint, got %+v, %v", cp, err)
		}
		var leaves [][]byte
		for batch, n := range []int{1, 2, 5, 13, 1, 21} {
			appendLeaves(t, db, logs, id, len(leaves), n)
			for i := len(leaves); i < len(leaves)+n; i++ {
				_ = batch
			}
			for i := 0; i < n; i++ {
				leaves = append(leaves, leafBytes(id, len(leaves)))
			}
			if got := integrate(t, logs); got != n {
				t.Fatalf("integrated %d leaves, want %d", got, n)
			}
		}
		cp, err = logs.Latest(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if cp.Size != uint64(len(leaves)) || !bytes.Equal(cp.RootHash, rootOf(t, leaves)) {
			t.Fatalf("checkpoint size %d root %x, want %d and the library's root %x", cp.Size, cp.RootHash, len(leaves), rootOf(t, leaves))
		}
		parsed, _, _, err := log.ParseCheckpoint([]byte(cp.Note), origin, logs.Verifier())
		if err != nil || parsed.Size != cp.Size || !bytes.Equal(parsed.Hash, cp.RootHash) {
			t.Fatalf("the note does not verify or disagrees: %v %+v\n%s", err, parsed, cp.Note)
		}
		history, err := logs.History(ctx, id)
		if err != nil || len(history) != 7 {
			t.Fatalf("history: %d checkpoints, %v; want the empty one and one per batch", len(history), err)
		}
		for i := range leaves {
			p, err := logs.Inclusion(ctx, id, uint64(i), cp.Size)
			if err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyInclusion(rfc6962.DefaultHasher, uint64(i), cp.Size, tlog.LeafHash(leaves[i]), p, cp.RootHash); err != nil {
				t.Fatalf("leaf %d: %v", i, err)
			}
		}
		for _, a := range history {
			for _, b := range history {
				if a.Size > b.Size {
					continue
				}
				p, err := logs.Consistency(ctx, id, a.Size, b.Size)
				if err != nil {
					t.Fatal(err)
				}
				if err := proof.VerifyConsistency(rfc6962.DefaultHasher, a.Size, b.Size, p, a.RootHash, b.RootHash); err != nil {
					t.Fatalf("%d → %d: %v", a.Size, b.Size, err)
				}
			}
		}
		// Empty proofs (a one-leaf tree, two equal sizes) are empty lists,
		// which travel as JSON [], not null.
		one, err := logs.Inclusion(ctx, id, 0, 1)
		same, err2 := logs.Consistency(ctx, id, 3, 3)
		if err != nil || err2 != nil || one == nil || len(one) != 0 || same == nil || len(same) != 0 {
			t.Fatalf("empty proofs: %#v %#v (%v, %v); want [][]byte{}", one, same, err, err2)
		}
		if _, err := logs.Consistency(ctx, id, 1, cp.Size+1); err == nil {
			t.Fatal("a proof to a size the log has not reached was given")
		}
		leaf, idx, err := logs.LeafByRef(ctx, id, 12)
		if err != nil || idx == nil || *idx != 12 || !bytes.Equal(leaf.Leaf, leaves[12]) {
			t.Fatalf("leaf by ref 12: %v %v %v", leaf, idx, err)
		}
		chk, err := logs.Verify(ctx, id, nil)
		if err != nil || !chk.Intact || chk.TreeSize != cp.Size {
			t.Fatalf("verify: %+v %v", chk, err)
		}
	})
}

func TestConcurrentAppendsAndSequencersLoseNothing(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		a, b := newLogs(t, db), newLogs(t, db) // two instances on one database
		ids := []int64{ensure(t, db, a, "anju.example.cn/plans/1"), ensure(t, db, a, "anju.example.cn/plans/2")}
		const writers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, writers+2)
		stop := make(chan struct{})
		for _, logs := range []*tlog.Logs{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := logs.Integrate(ctx); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		var writersDone sync.WaitGroup
		for w := 0; w < writers; w++ {
			writersDone.Add(1)
			go func() {
				defer writersDone.Done()
				for i := 0; i < each; i++ {
					id := ids[(w+i)%2]
					ref := w*each + i
					if err := db.Tx(ctx, func(tx *gorm.DB) error {
						_, err := a.Append(tx, id, int64(ref), leafBytes(id, ref))
						return err
					}); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		writersDone.Wait()
		close(stop)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		integrate(t, a)
		total := uint64(0)
		for _, id := range ids {
			chk, err := a.Verify(ctx, id, nil)
			if err != nil || !chk.Intact || chk.Pending != 0 {
				t.Fatalf("log %d: %+v %v", id, chk, err)
			}
			total += chk.TreeSize
		}
		if total != writers*each {
			t.Fatalf("%d leaves in the trees, want %d", total, writers*each)
		}
	})
}

func tamper(t *testing.T, db *store.DB, stmts ...string) {
	t.Helper()
	storetest.Tamper(t, db, stmts...)
}

func hexOf(b []byte) string {
	return fmt.Sprintf("%x", b)
}

// blob is a SQL literal for bytes in either dialect.
func blob(db *store.DB, b []byte) string {
	if db.Postgres {
		return "'\\x" + hexOf(b) + "'::bytea"
	}
	return "x'" + hexOf(b) + "'"
}

func TestTheLogIsAppendOnly(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		logs := newLogs(t, db)
		id := ensure(t, db, logs, "anju.example.cn/plans/3")
		appendLeaves(t, db, logs, id, 0, 3)
		integrate(t, logs)
		// Row triggers fire on rows: give the other append-only tables one.
		if err := db.Exec(`INSERT INTO tlog_cosignatures (checkpoint_id, witness, signature, created_at)
			SELECT id, 'w', 'sig', created_at FROM tlog_checkpoints WHERE log_id = ? AND size = 3`, id).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(ctx, func(tx *gorm.DB) error { return audit.New(db).Record(tx, "city", "test", "plan", 1, nil) }); err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{
			"UPDATE tlog_leaves SET leaf = leaf WHERE ref = 1",
			"DELETE FROM tlog_leaves WHERE ref = 2",
			"UPDATE tlog_nodes SET hash = hash",
			"DELETE FROM tlog_nodes WHERE level > 0",
			"UPDATE tlog_checkpoints SET note = ''",
			"DELETE FROM tlog_checkpoints",
			"UPDATE tlog_logs SET origin = 'x'",
			"DELETE FROM tlog_cosignatures",
			"UPDATE audit_events SET actor = 'someone else'",
			"DELETE FROM audit_events",
		} {
			err := db.Exec(stmt).Error
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want a refusal that says the table is append-only", stmt, err)
			}
		}
		if db.Postgres {
			if err := db.Exec("TRUNCATE tlog_checkpoints CASCADE").Error; err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("TRUNCATE: %v", err)
			}
		}
	})
}

func TestVerifyNamesTheLeaf(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(db *store.DB, id int64) []string
		at    uint64
		words string
	}{
		{"leaf bytes edited", func(db *store.DB, id int64) []string {
			return []string{fmt.Sprintf("UPDATE tlog_leaves SET leaf = %s WHERE log_id = %d AND ref = 9", blob(db, []byte("forged")), id)}
		}, 9, "do not hash"},
		{"bytes and every hash of the leaf rewritten", func(db *store.DB, id int64) []string {
			f := []byte("forged")
			h := tlog.LeafHash(f)
			return []string{
				fmt.Sprintf("UPDATE tlog_leaves SET leaf = %s, leaf_hash = %s WHERE log_id = %d AND ref = 9", blob(db, f), blob(db, h), id),
				fmt.Sprintf("UPDATE tlog_nodes SET hash = %s WHERE log_id = %d AND level = 0 AND idx = 9", blob(db, h), id),
			}
		}, 8, "leaves 8 to 9"},
		{"a leaf deleted from the middle", func(db *store.DB, id int64) []string {
			return []string{
				fmt.Sprintf("DELETE FROM tlog_nodes WHERE log_id = %d AND level = 0 AND idx = 11", id),
			}
		}, 11, "missing"},
		{"a leaf taken out of the queue", func(db *store.DB, id int64) []string {
			return []string{fmt.Sprintf("DELETE FROM tlog_pending WHERE log_id = %d", id)}
		}, 20, "queued"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.EachDB(t, func(t *testing.T, db *store.DB) {
				logs := newLogs(t, db)
				id := ensure(t, db, logs, "anju.example.cn/plans/4")
				appendLeaves(t, db, logs, id, 0, 10)
				integrate(t, logs)
				appendLeaves(t, db, logs, id, 10, 10)
				integrate(t, logs)
				appendLeaves(t, db, logs, id, 20, 1) // queued, not integrated
				if chk, err := logs.Verify(ctx, id, nil); err != nil || !chk.Intact || chk.Pending != 1 {
					t.Fatalf("before: %+v %v", chk, err)
				}
				tamper(t, db, c.edit(db, id)...)
				chk, err := logs.Verify(ctx, id, nil)
				if err != nil {
					t.Fatal(err)
				}
				if chk.Intact || chk.BrokenAtLeaf == nil || *chk.BrokenAtLeaf != c.at || !strings.Contains(chk.Problem, c.words) {
					t.Fatalf("got %+v (broken at %v), want broken at leaf %d saying %q", chk, deref(chk.BrokenAtLeaf), c.at, c.words)
				}
			})
		})
	}
}

func deref(p *uint64) any {
	if p == nil {
		return nil
	}
	return *p
}

// A log rewritten whole and consistently, re-signed with the same key, passes
// Verify; a checkpoint held elsewhere (a phone, a witness, a printed notice)
// catches it, because no consistency proof links it to the new tree.
func TestAHeldCheckpointCatchesAWholeRewrite(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		logs := newLogs(t, db)
		id := ensure(t, db, logs, "anju.example.cn/plans/5")
		appendLeaves(t, db, logs, id, 0, 6)
		integrate(t, logs)
		held, err := logs.Latest(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		// Rewrite: drop everything of the log but its empty checkpoint, and
		// append other leaves in its place.
		tamper(t, db,
			fmt.Sprintf("DELETE FROM tlog_nodes WHERE log_id = %d", id),
			fmt.Sprintf("DELETE FROM tlog_checkpoints WHERE log_id = %d AND size > 0", id),
			fmt.Sprintf("DELETE FROM tlog_leaves WHERE log_id = %d", id),
		)
		for i := 0; i < 8; i++ {
			if err := db.Tx(ctx, func(tx *gorm.DB) error {
				_, err := logs.Append(tx, id, int64(i), []byte(fmt.Sprintf("rewritten %d", i)))
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		integrate(t, logs)
		chk, err := logs.Verify(ctx, id, nil)
		if err != nil || !chk.Intact {
			t.Fatalf("a consistent rewrite with the key passes Verify on its own: %+v %v", chk, err)
		}
		now, _ := logs.Latest(ctx, id)
		p, err := logs.Consistency(ctx, id, held.Size, now.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, held.Size, now.Size, p, held.RootHash, now.RootHash); err == nil {
			t.Fatal("the held checkpoint was proven consistent with the rewritten log")
		}
	})
}
