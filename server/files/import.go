package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"gorm.io/gorm/clause"
)

// Imported is what ImportFolder did.
type Imported struct {
	Imported int // files copied into the database now
	Missing  int // records whose file is not in the folder (or not readable)
	Damaged  int // files whose SHA-256 differs from their record
	Orphans  int // files in the folder that no record refers to
}

// maxListed bounds the missing or damaged files logged one by one.
const maxListed = 100

// ImportFolder copies into the database the files that releases before issue
// 9 kept in dir (files_dir): every file record without bytes in the database
// is looked up in dir by its storage key, checked against its SHA-256 and
// stored. It is idempotent — what is already in the database is skipped, and
// instances starting together both insert with ON CONFLICT DO NOTHING — so it
// runs at every start. A file that is missing or damaged is logged (id, key,
// SHA-256) and counted, never fatal: the server starts, the file answers 410
// file_missing, and putting it back and restarting imports it. Only a database
// error is returned.
func (s *Service) ImportFolder(ctx context.Context, dir string, log *slog.Logger) (Imported, error) {
	var out Imported
	var after int64
	for {
		var batch []File
		err := s.db.WithContext(ctx).Where("id > ? AND NOT EXISTS (SELECT 1 FROM file_blobs b WHERE b.file_id = files.id)", after).
			Order("id").Limit(100).Find(&batch).Error
		if err != nil {
			return out, err
		}
		if len(batch) == 0 {
			break
		}
		for i := range batch {
			f := &batch[i]
			after = f.ID
			data, problem := readStored(dir, f)
			if problem != "" {
				if problem == "damaged" {
					out.Damaged++
				} else {
					out.Missing++
				}
				if out.Missing+out.Damaged <= maxListed {
					log.Warn("stored file not imported: "+problem, "file_id", f.ID, "storage_key", f.StorageKey,
						"sha256", f.SHA256, "created_at", f.CreatedAt, "files_dir", dir)
				}
				continue
			}
			err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&blob{FileID: f.ID, Data: data}).Error
			if err != nil {
				return out, err
			}
			out.Imported++
			if out.Imported%1000 == 0 {
				log.Info("importing files from files_dir", "imported", out.Imported, "files_dir", dir)
			}
		}
	}
	orphans, err := s.orphans(ctx, dir)
	if err != nil {
		return out, err
	}
	out.Orphans = orphans
	if out != (Imported{}) {
		log.Info("files of an earlier release imported from files_dir into the database", "files_dir", dir,
			"imported", out.Imported, "missing", out.Missing, "damaged", out.Damaged, "unreferenced_left_in_folder", out.Orphans)
	}
	if out.Missing+out.Damaged > 0 {
		log.Error("some stored files could not be imported (listed above, at most 100): they answer 410 file_missing until they are put back in files_dir and the server restarts",
			"missing", out.Missing, "damaged", out.Damaged, "files_dir", dir)
	}
	return out, nil
}

// readStored reads a record's file from dir and checks it; a non-empty
// problem says why it cannot be imported.
func readStored(dir string, f *File) (data []byte, problem string) {
	key := filepath.Base(f.StorageKey)
	if dir == "" || key == "." || key == string(filepath.Separator) || strings.HasPrefix(key, ".") {
		return nil, "missing"
	}
	data, err := os.ReadFile(filepath.Join(dir, key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "missing"
	}
	if err != nil {
		return nil, "unreadable (" + err.Error() + ")"
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(data)) != f.Size {
		return nil, "damaged"
	}
	return data, ""
}

// orphans counts the files in dir that no record refers to: uploads whose
// transaction failed after the file was written, in releases that wrote files
// first. They are not imported; the folder may be archived once nothing is
// missing.
func (s *Service) orphans(ctx context.Context, dir string) (int, error) {
	if dir == "" {
		return 0, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, nil // no folder: nothing left behind
	}
	var keys []string
	if err := s.db.WithContext(ctx).Model(&File{}).Where("storage_key <> ''").Pluck("storage_key", &keys).Error; err != nil {
		return 0, err
	}
	known := make(map[string]bool, len(keys))
	for _, k := range keys {
		known[k] = true
	}
	n := 0
	for _, e := range entries {
		if e.Type().IsRegular() && !known[e.Name()] {
			n++
		}
	}
	return n, nil
}
