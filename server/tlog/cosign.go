package tlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"gorm.io/gorm/clause"
)

// ErrNoWitness says a posted note carries no valid signature of a known
// witness; ErrNotOurs that its text is not a checkpoint this log signed.
var (
	ErrNoWitness = errors.New("no valid signature of a known witness")
	ErrNotOurs   = errors.New("not a checkpoint of this log")
)

// AddCosignatures stores the witnesses' signatures found on signed, a
// checkpoint note of logID as a witness returns it (the log's text with the
// witness's signature lines): only signatures of the given witnesses (C2SP
// tlog-cosignature verifiers) on a checkpoint this log signed are kept. It
// returns the names of the witnesses whose signatures were stored.
func (l *Logs) AddCosignatures(ctx context.Context, logID int64, signed []byte, witnesses note.Verifiers) ([]string, error) {
	body, _, ok := bytes.Cut(signed, []byte("\n\n"))
	if !ok {
		return nil, fmt.Errorf("%w: a signed note has a blank line before its signatures", ErrNotOurs)
	}
	body = append(body, '\n')
	lines := strings.SplitN(string(body), "\n", 3)
	if len(lines) < 3 {
		return nil, ErrNotOurs
	}
	var size uint64
	if _, err := fmt.Sscanf(lines[1], "%d", &size); err != nil {
		return nil, ErrNotOurs
	}
	cp, err := l.At(ctx, logID, size)
	if err != nil {
		return nil, ErrNotOurs
	}
	if !strings.HasPrefix(cp.Note, string(body)+"\n") {
		return nil, ErrNotOurs
	}
	n, err := note.Open(signed, witnesses)
	if err != nil {
		return nil, ErrNoWitness
	}
	var names []string
	for _, sig := range n.Sigs {
		line := "— " + sig.Name + " " + sig.Base64 + "\n"
		row := map[string]any{"checkpoint_id": cp.ID, "witness": sig.Name, "signature": line, "created_at": l.now()}
		if err := l.db.WithContext(ctx).Table("tlog_cosignatures").Clauses(clause.OnConflict{DoNothing: true}).Create(row).Error; err != nil {
			return nil, err
		}
		names = append(names, sig.Name)
	}
	return names, nil
}
