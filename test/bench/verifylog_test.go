//go:build bench

package bench_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"gorm.io/gorm"

	"anju/server/app"
	"anju/server/tlog"
	"anju/server/votelog"
)

const (
	largeLeaves     = 100_000
	largeHouseholds = 20_000 // five revisions each
	largePerTx      = 5_000
	goalLargeVerify = 2 * time.Second
)

// timeLargeVerify builds a log of 100,000 ballot leaves straight through
// the log store (HTTP would take minutes to cast them), then times
// Logs.Verify on it beside the same root rebuilt in memory from the leaf
// hashes with compact.Range, the least any verification must do.
func timeLargeVerify(t *testing.T, a *app.App) {
	ctx := context.Background()
	began := time.Now()
	var logID int64
	if err := a.DB.Tx(ctx, func(tx *gorm.DB) (err error) {
		logID, err = a.Logs.Ensure(tx, "bench/verify", "anju.example.cn/bench/verify")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	const planID = 1_000_000 // no such plan: the log stands alone
	hashes := make([][]byte, 0, largeLeaves)
	last := make([][]byte, largeHouseholds) // each household's newest leaf hash
	at := time.Now().UTC().Truncate(time.Microsecond)
	for start := 0; start < largeLeaves; start += largePerTx {
		if err := a.DB.Tx(ctx, func(tx *gorm.DB) error {
			for i := start; i < start+largePerTx; i++ {
				h := i % largeHouseholds
				v := &votelog.Vote{PlanID: planID, HouseholdID: int64(h + 1), Revision: i/largeHouseholds + 1,
					PlanChoice: votelog.Agree, ManagementChoice: votelog.Abstain, Channel: "online",
					SignatureSHA256: sigSHA, RecordedAt: at.Add(time.Duration(i) * time.Millisecond)}
				if last[h] != nil {
					v.Replaces = hex.EncodeToString(last[h])
				}
				lh, err := a.Logs.Append(tx, logID, int64(i+1), votelog.Encode(v))
				if err != nil {
					return err
				}
				hashes, last[h] = append(hashes, lh), lh
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	// The app's sequencer runs too; whichever holds the log's lock
	// integrates, so wait until nothing of this log is queued.
	for {
		if _, err := a.Logs.Integrate(ctx); err != nil {
			t.Fatal(err)
		}
		var pending int
		if err := a.DB.WithContext(ctx).Raw("SELECT COUNT(*) FROM tlog_pending WHERE log_id = ?", logID).Scan(&pending).Error; err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("built a log of %d leaves in %s", largeLeaves, time.Since(began).Round(100*time.Millisecond))

	start := time.Now()
	chk, err := a.Logs.Verify(ctx, logID, func(_ uint64, l *tlog.Leaf) error {
		_, err := votelog.Decode(l.Leaf)
		return err
	})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if !chk.Intact || chk.TreeSize != largeLeaves {
		t.Fatalf("the %d-leaf log does not verify: %+v", largeLeaves, chk)
	}

	start = time.Now()
	rng := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	for _, h := range hashes {
		if err := rng.Append(h, nil); err != nil {
			t.Fatal(err)
		}
	}
	root, err := rng.GetRootHash(nil)
	inMemory := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(root, chk.RootHash) {
		t.Fatalf("the root rebuilt in memory differs from the verified log's")
	}
	fmt.Printf("verify a %d-leaf plan log (tree rebuilt from the stored leaves, every checkpoint's signature, every leaf decoded;\n"+
		"  not compared with ballot_revisions rows, which this synthetic plan has none of):\n", largeLeaves)
	fmt.Printf("  %-38s %10s\n", "compact.Range root in memory", ms(inMemory))
	fmt.Printf("  %-38s %10s   ratio %.0f× (goal ≤ %s %s)\n\n", "Logs.Verify", ms(took),
		took.Seconds()/inMemory.Seconds(), goalLargeVerify, verdict(took <= goalLargeVerify))
}
