// Package files keeps uploaded files — photos of signed paper ballots, plan
// drawings, complaint and progress photos, start-criteria evidence — in the
// database, in the same transaction as the record that refers to them, so a
// database backup is a backup of the evidence and every instance serves every
// file. Every upload is checked by its content, not its name; images are size-
// and pixel-limited and re-encoded, which drops EXIF metadata such as the place
// a photo was taken.
//
// Cleaning and storing are two steps on purpose: Clean decodes and re-encodes
// (seconds of CPU and up to a few hundred MiB for a large image) before any
// transaction or lock, within a per-server budget of decoded image memory;
// Store takes only what Clean made and writes it inside the caller's
// transaction.
package files

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"anju/server/limit"
	"anju/server/problem"
	"anju/server/random"
	"anju/server/store"
)

// Limits of an upload.
const (
	MaxBytes  = 10 << 20
	MaxPixels = 40_000_000
	// MaxSide is the longest side a stored image keeps, in pixels.
	MaxSide = 2560
	// DecodeBudget bounds the memory that decoding and re-encoding images may
	// hold at once in one server (estimated from each image's header before it
	// is decoded); an image that needs more on its own is refused.
	DecodeBudget = 256 << 20
	// DecodeWait is how long an upload waits for its share of the budget
	// before it is refused with 503 server_busy and Retry-After.
	DecodeWait = 10 * time.Second
)

// Kinds of content accepted.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	PDF  = "application/pdf"
)

// File is a stored upload's record; its bytes are in file_blobs.
type File struct {
	ID          int64
	Token       string
	SHA256      string `gorm:"column:sha256"`
	ContentType string
	Size        int64
	// StorageKey names the file in files_dir for files of releases that kept
	// them there (imported at start); empty for files kept only in the database.
	StorageKey string
	CreatedBy  *int64
	CreatedAt  time.Time
}

// blob is a file's bytes, apart from its record so that listing files never
// reads them.
type blob struct {
	FileID int64 `gorm:"primaryKey;autoIncrement:false"`
	Data   []byte
}

// TableName binds blob to its table.
func (blob) TableName() string { return "file_blobs" }

// Service cleans, stores and serves files.
type Service struct {
	db *store.DB
	// gate admits images by the MiB their decoding needs; every image takes at
	// least minWeight, which keeps one core free for everything else.
	gate      *limit.Gate
	minWeight int64
	decoding  atomic.Pointer[func()]
}

// NewService returns the file service on db.
func NewService(db *store.DB) *Service {
	budget := int64(DecodeBudget >> 20)
	workers := max(1, limit.Cores()-1)
	return &Service{db: db, gate: limit.NewGate(budget, DecodeWait), minWeight: budget / workers}
}

// WhileDecoding registers fn to be called whenever an image is about to be
// decoded; tests use it to prove that no database connection is held then.
func (s *Service) WhileDecoding(fn func()) { s.decoding.Store(&fn) }

// Store writes a cleaned upload and its record inside tx.
func (s *Service) Store(tx *gorm.DB, by *int64, c *Cleaned) (*File, error) {
	if c == nil {
		return nil, errors.New("files: Store needs an upload made by Clean")
	}
	token, err := random.Secret()
	if err != nil {
		return nil, err
	}
	f := &File{Token: token, SHA256: c.sha256, ContentType: c.kind, Size: int64(len(c.data)), CreatedBy: by, CreatedAt: store.Now()}
	if err := tx.Create(f).Error; err != nil {
		return nil, err
	}
	if err := tx.Create(&blob{FileID: f.ID, Data: c.data}).Error; err != nil {
		return nil, err
	}
	return f, nil
}

// errMissing answers for a file whose record exists but whose bytes were not
// found when the files of an earlier release were imported.
func errMissing(id int64) error {
	return problem.Gone("file_missing", "File %d was not in the files folder of the earlier release when it was imported into the database. Ask the administrator to put it back there and restart the server.", id)
}

// Open returns a stored file's record and bytes.
func (s *Service) Open(ctx context.Context, id int64) (*File, []byte, error) {
	var f File
	if err := s.db.WithContext(ctx).Take(&f, id).Error; err != nil {
		return nil, nil, store.NotFound(err)
	}
	var bs []blob
	if err := s.db.WithContext(ctx).Where("file_id = ?", id).Limit(1).Find(&bs).Error; err != nil {
		return nil, nil, err
	}
	if len(bs) == 0 {
		return nil, nil, errMissing(id)
	}
	return &f, bs[0].Data, nil
}

// ByToken finds a file by its public token.
func (s *Service) ByToken(ctx context.Context, token string) (*File, error) {
	var fs []File
	if token != "" && len(token) <= 64 {
		if err := s.db.WithContext(ctx).Where("token = ?", token).Limit(1).Find(&fs).Error; err != nil {
			return nil, err
		}
	}
	if len(fs) == 0 {
		return nil, store.ErrNotFound
	}
	return &fs[0], nil
}
