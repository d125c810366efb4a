// Package files keeps uploaded files — photos of signed paper ballots, plan
// drawings — behind one storage interface (a local folder by default). Every
// upload is checked by its content, not its name; images are size- and
// pixel-limited and re-encoded, which drops EXIF metadata such as the place a
// photo was taken.
package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/disintegration/imaging"
	"gorm.io/gorm"

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
)

// Kinds of content accepted.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	PDF  = "application/pdf"
)

// Storage keeps file bytes under a key.
type Storage interface {
	Put(ctx context.Context, key string, data []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
}

// Folder stores files in a local directory.
type Folder struct{ Dir string }

// Put writes the file atomically.
func (f Folder) Put(_ context.Context, key string, data []byte) error {
	if err := os.MkdirAll(f.Dir, 0o750); err != nil {
		return err
	}
	tmp := filepath.Join(f.Dir, "."+key+".tmp")
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(f.Dir, key))
}

// Get reads a file.
func (f Folder) Get(_ context.Context, key string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(f.Dir, filepath.Base(key)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, store.ErrNotFound
	}
	return data, err
}

// File is a stored upload.
type File struct {
	ID          int64
	Token       string
	SHA256      string `gorm:"column:sha256"`
	ContentType string
	Size        int64
	StorageKey  string
	CreatedBy   *int64
	CreatedAt   time.Time
}

// Service stores and serves files.
type Service struct {
	db      *store.DB
	storage Storage
}

// NewService returns the file service on a storage.
func NewService(db *store.DB, storage Storage) *Service { return &Service{db: db, storage: storage} }

// Clean checks an upload by its content and returns what to store: images
// re-encoded (no EXIF), PDFs as they are. allowed lists the accepted kinds.
func Clean(data []byte, allowed ...string) ([]byte, string, error) {
	if len(data) == 0 {
		return nil, "", problem.Invalid("empty_file", "The file is empty.")
	}
	if len(data) > MaxBytes {
		return nil, "", problem.TooLarge("file_too_large", "The file is larger than 10 MiB; take the photo at a lower resolution.")
	}
	kind := http.DetectContentType(data)
	ok := false
	for _, a := range allowed {
		ok = ok || a == kind
	}
	if !ok {
		return nil, "", problem.Invalid("unsupported_file_type", "This file is not one of the accepted kinds (%s); it looks like %s.", joinKinds(allowed), kind)
	}
	if kind == PDF {
		if !bytes.HasPrefix(data, []byte("%PDF-")) {
			return nil, "", problem.Invalid("unsupported_file_type", "The PDF file is damaged.")
		}
		return data, kind, nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", problem.Invalid("unreadable_image", "The image cannot be read; take the photo again.")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, "", problem.Invalid("image_too_large", "The image has %d×%d pixels; at most 40 megapixels are accepted.", cfg.Width, cfg.Height)
	}
	// Phones store photos sideways with an EXIF orientation tag; turn the
	// pixels upright before re-encoding drops the tag, and keep the long side
	// within MaxSide so a resident's 50 MP photo does not fill the disk.
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, "", problem.Invalid("unreadable_image", "The image cannot be read; take the photo again.")
	}
	if b := img.Bounds(); b.Dx() > MaxSide || b.Dy() > MaxSide {
		img = imaging.Fit(img, MaxSide, MaxSide, imaging.Lanczos)
	}
	var out bytes.Buffer
	if kind == PNG {
		err = png.Encode(&out, img)
	} else {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return nil, "", fmt.Errorf("re-encode image: %w", err)
	}
	return out.Bytes(), kind, nil
}

func joinKinds(kinds []string) string {
	names := map[string]string{JPEG: "JPEG", PNG: "PNG", PDF: "PDF"}
	s := ""
	for i, k := range kinds {
		if i > 0 {
			s += ", "
		}
		s += names[k]
	}
	return s
}

// Save cleans and stores an upload inside tx and returns its record.
func (s *Service) Save(ctx context.Context, tx *gorm.DB, by *int64, data []byte, allowed ...string) (*File, error) {
	clean, kind, err := Clean(data, allowed...)
	if err != nil {
		return nil, err
	}
	token, err := random.Token()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(clean)
	f := &File{Token: token, SHA256: hex.EncodeToString(sum[:]), ContentType: kind, Size: int64(len(clean)),
		StorageKey: token, CreatedBy: by, CreatedAt: store.Now()}
	if err := s.storage.Put(ctx, f.StorageKey, clean); err != nil {
		return nil, fmt.Errorf("store file: %w", err)
	}
	if err := tx.Create(f).Error; err != nil {
		return nil, err
	}
	return f, nil
}

// Open returns a stored file's record and bytes.
func (s *Service) Open(ctx context.Context, id int64) (*File, []byte, error) {
	var f File
	if err := s.db.WithContext(ctx).Take(&f, id).Error; err != nil {
		return nil, nil, store.NotFound(err)
	}
	data, err := s.storage.Get(ctx, f.StorageKey)
	if err != nil {
		return nil, nil, err
	}
	return &f, data, nil
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
