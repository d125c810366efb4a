// Package tlog keeps Anju's transparency logs: append-only RFC 9162 Merkle
// logs stored in the database, one per plan for its ballot revisions and one
// for the audit log, each with signed checkpoints in the C2SP tlog-checkpoint
// format (a signed note), as certificate transparency and Go's checksum
// database publish theirs.
//
// Writing a leaf is cheap and needs no lock on the log: Append stores the
// leaf's bytes and hash in the caller's transaction and queues it. The
// sequencer (Integrate, run every few hundred milliseconds by every instance,
// one at a time per database) gives queued leaves their index, stores every
// perfect subtree hash the tree gains, and signs a checkpoint of the new size.
// Proofs are built from the stored subtree hashes; Verify rebuilds the tree
// from the leaves' bytes and compares it with every signed checkpoint.
//
// Hashing, compact ranges and proofs come from github.com/transparency-dev/merkle,
// checkpoints from github.com/transparency-dev/formats/log and notes from
// golang.org/x/mod/sumdb/note: the tree is never written by hand here.
package tlog

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"anju/server/store"
)

// hasher is RFC 9162's: SHA-256, leaves prefixed 0x00, nodes 0x01.
var hasher = rfc6962.DefaultHasher

// EmptyRoot is the root hash of the empty tree.
func EmptyRoot() []byte { return hasher.EmptyRoot() }

// LeafHash is the RFC 9162 hash of a leaf: SHA-256(0x00 ‖ leaf).
func LeafHash(leaf []byte) []byte { return hasher.HashLeaf(leaf) }

// Logs stores and sequences the logs of one database.
type Logs struct {
	db     *store.DB
	signer note.Signer
	vkey   string
	now    func() time.Time
	// integrated, when set, runs in the sequencer's transaction after each
	// round, with the subjects of the logs it integrated and signed.
	integrated func(tx *gorm.DB, subjects []string) error
}

// OnIntegrated sets what runs in the sequencer's transaction after a round
// integrated and signed new leaves of the logs with these subjects (it tells
// live views, once per round). Set it before Run.
func (l *Logs) OnIntegrated(fn func(tx *gorm.DB, subjects []string) error) { l.integrated = fn }

// New returns the logs of db, signing checkpoints with the key.
func New(db *store.DB, key *Key) *Logs {
	return &Logs{db: db, signer: key.signer, vkey: key.VerifierKey, now: store.Now}
}

// VerifierKey is the note verifier key of the checkpoint signer
// (name+hash+base64 key), which the public board shows.
func (l *Logs) VerifierKey() string { return l.vkey }

// Verifier checks the signer's signatures.
func (l *Logs) Verifier() note.Verifier {
	v, err := note.NewVerifier(l.vkey)
	if err != nil {
		panic("tlog: the signer's own verifier key does not parse: " + err.Error())
	}
	return v
}

// logRow is a log: its id, its subject (what it records, "plan/12"), and its
// origin, the first line of its checkpoints, fixed when it is created.
type logRow struct {
	ID        int64
	Subject   string
	Origin    string
	CreatedAt time.Time
}

func (logRow) TableName() string { return "tlog_logs" }

// Ensure returns the id of the log of subject, creating it with origin. A
// log keeps the origin it was created with, whatever origin later calls name.
func (l *Logs) Ensure(tx *gorm.DB, subject, origin string) (int64, error) {
	if subject == "" || origin == "" {
		return 0, errors.New("tlog: a log needs a subject and an origin")
	}
	row := logRow{Subject: subject, Origin: origin, CreatedAt: l.now()}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return 0, fmt.Errorf("create log %s: %w", origin, res.Error)
	}
	if res.RowsAffected == 1 && row.ID != 0 {
		// A new log starts with a signed checkpoint of the empty tree, so
		// that every later one has a predecessor to be consistent with.
		if _, err := l.sign(tx, row.ID, origin, 0, hasher.EmptyRoot()); err != nil {
			return 0, err
		}
		return row.ID, nil
	}
	var id int64
	if err := tx.Raw("SELECT id FROM tlog_logs WHERE subject = ?", subject).Scan(&id).Error; err != nil {
		return 0, err
	}
	if id == 0 {
		return 0, fmt.Errorf("log %s was not created (is the origin %s taken by another log?)", subject, origin)
	}
	return id, nil
}

// LogID returns the id of the log of subject, or 0 when there is none.
func (l *Logs) LogID(ctx context.Context, subject string) (int64, error) {
	var ids []int64
	err := l.db.WithContext(ctx).Raw("SELECT id FROM tlog_logs WHERE subject = ?", subject).Scan(&ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// Leaf is a stored leaf.
type Leaf struct {
	ID         int64
	LogID      int64
	Ref        int64
	Leaf       []byte
	LeafHash   []byte
	AppendedAt time.Time
}

// TableName binds Leaf to its table.
func (Leaf) TableName() string { return "tlog_leaves" }

// Append stores leaf in log logID inside tx and queues it for the sequencer.
// ref is the id of the record the leaf stands for (a ballot revision, an
// audit event), unique within the log. It returns the leaf's hash.
func (l *Logs) Append(tx *gorm.DB, logID, ref int64, leaf []byte) ([]byte, error) {
	hash := LeafHash(leaf)
	if l.db.Postgres {
		// One round trip: the leaf and its place in the queue.
		if err := tx.Exec(appendSQL, logID, ref, leaf, hash, l.now()).Error; err != nil {
			return nil, fmt.Errorf("append a leaf: %w", err)
		}
		return hash, nil
	}
	row := Leaf{LogID: logID, Ref: ref, Leaf: leaf, LeafHash: hash, AppendedAt: l.now()}
	if err := tx.Create(&row).Error; err != nil {
		return nil, fmt.Errorf("append a leaf: %w", err)
	}
	if err := tx.Exec("INSERT INTO tlog_pending (leaf_id, log_id) VALUES (?, ?)", row.ID, logID).Error; err != nil {
		return nil, fmt.Errorf("queue a leaf: %w", err)
	}
	return hash, nil
}

// appendSQL is the PostgreSQL statement that appends a leaf and queues it
// (log id, ref, leaf, leaf hash, time).
const appendSQL = `WITH l AS (INSERT INTO tlog_leaves (log_id, ref, leaf, leaf_hash, appended_at)
	VALUES (?, ?, ?, ?, ?) RETURNING id, log_id)
	INSERT INTO tlog_pending (leaf_id, log_id) SELECT id, log_id FROM l`

// NewLeaf is a leaf to append: its log, the record it stands for, its bytes.
type NewLeaf struct {
	LogID, Ref int64
	Leaf       []byte
}

// appendManySQL appends and queues the leaves of arrays $1 (logs), $2
// (refs), $3 (bytes) and $4 (hashes) appended at $5, in the arrays' order.
const appendManySQL = `WITH l AS (INSERT INTO tlog_leaves (log_id, ref, leaf, leaf_hash, appended_at)
	SELECT log_id, ref, leaf, leaf_hash, $5 FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[])
	AS u(log_id, ref, leaf, leaf_hash) RETURNING id, log_id)
	INSERT INTO tlog_pending (leaf_id, log_id) SELECT id, log_id FROM l`

// QueueAppendMany queues in b (a pipelined transaction's batch, PostgreSQL)
// what Append does for each leaf, in one statement.
func (l *Logs) QueueAppendMany(b *pgx.Batch, leaves []NewLeaf) {
	n := len(leaves)
	logs, refs, bytes, hashes := make([]int64, n), make([]int64, n), make([][]byte, n), make([][]byte, n)
	for i, lf := range leaves {
		logs[i], refs[i], bytes[i], hashes[i] = lf.LogID, lf.Ref, lf.Leaf, LeafHash(lf.Leaf)
	}
	b.Queue(appendManySQL, logs, refs, bytes, hashes, l.now())
}

// LeafByRef returns the leaf standing for record ref in the log, with its
// index once sequenced (nil before).
func (l *Logs) LeafByRef(ctx context.Context, logID, ref int64) (*Leaf, *uint64, error) {
	var rows []Leaf
	if err := l.db.WithContext(ctx).Where("log_id = ? AND ref = ?", logID, ref).Limit(1).Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 {
		return nil, nil, store.ErrNotFound
	}
	var idx []uint64
	if err := l.db.WithContext(ctx).Raw("SELECT idx FROM tlog_nodes WHERE log_id = ? AND level = 0 AND leaf_id = ?", logID, rows[0].ID).
		Scan(&idx).Error; err != nil {
		return nil, nil, err
	}
	if len(idx) == 0 {
		return &rows[0], nil, nil
	}
	return &rows[0], &idx[0], nil
}

// sum is SHA-256 for the rare places that hash outside the tree.
func sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }
