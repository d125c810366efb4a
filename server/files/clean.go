package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	_ "image/jpeg" // registers JPEG with image.DecodeConfig
	_ "image/png"  // registers PNG with image.DecodeConfig
	"net/http"
	"runtime"
	"strings"

	"anju/server/problem"
)

// Cleaned is an upload checked by its content and cleaned (images re-encoded),
// ready to be stored. Only Clean makes one, and Store takes nothing else: code
// inside a transaction can store an upload but has no way to decode one.
type Cleaned struct {
	data   []byte
	kind   string
	sha256 string
}

// Kind is the content type.
func (c *Cleaned) Kind() string { return c.kind }

// SHA256 is the hex SHA-256 of the bytes that will be stored.
func (c *Cleaned) SHA256() string { return c.sha256 }

// Size is the stored size in bytes.
func (c *Cleaned) Size() int64 { return int64(len(c.data)) }

func seal(data []byte, kind string) *Cleaned {
	sum := sha256.Sum256(data)
	return &Cleaned{data: data, kind: kind, sha256: hex.EncodeToString(sum[:])}
}

// Clean checks an upload by its content and makes what to store: images
// decoded and re-encoded (no EXIF, at most MaxSide pixels on the long side),
// PDFs as they are. allowed lists the accepted kinds. Call it before opening a
// transaction: decoding waits for its share of the server's budget of decoded
// image memory and is refused with 503 server_busy when that takes too long.
func (s *Service) Clean(ctx context.Context, data []byte, allowed ...string) (*Cleaned, error) {
	kind, need, err := inspect(data, allowed)
	if err != nil || kind == PDF {
		if err != nil {
			return nil, err
		}
		return seal(data, kind), nil
	}
	release, err := s.gate.Acquire(ctx, max(s.minWeight, (need+1<<20-1)>>20))
	if err != nil {
		return nil, err
	}
	defer release()
	if fn := s.decoding.Load(); fn != nil {
		(*fn)()
	}
	out, err := process(data, kind)
	if need >= collectAbove {
		// Collect now, while the budget is still held: the next image then
		// reuses this one's memory instead of growing the heap to twice the
		// budget before the collector's own next turn.
		runtime.GC()
	}
	if err != nil {
		return nil, err
	}
	return seal(out, kind), nil
}

// collectAbove is the decoding memory from which an image is followed by a
// garbage collection: a 12 MP photo, not a thumbnail.
const collectAbove = 64 << 20

// CleanEach cleans several photos in turn (one decoded at a time); a problem
// names the photo it is about.
func (s *Service) CleanEach(ctx context.Context, uploads [][]byte, allowed ...string) ([]*Cleaned, error) {
	out := make([]*Cleaned, 0, len(uploads))
	for i, data := range uploads {
		c, err := s.Clean(ctx, data, allowed...)
		if err != nil {
			if pe, ok := problem.As(err); ok {
				return nil, pe.With("photo", i+1)
			}
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// inspect sniffs an upload's kind and, for an image, reads its header and
// estimates the memory cleaning it takes, refusing what is too large before
// anything is decoded.
func inspect(data []byte, allowed []string) (kind string, need int64, err error) {
	if len(data) == 0 {
		return "", 0, problem.Invalid("empty_file", "The file is empty.")
	}
	if len(data) > MaxBytes {
		return "", 0, problem.TooLarge("file_too_large", "The file is larger than 10 MiB; take the photo at a lower resolution.")
	}
	kind = http.DetectContentType(data)
	ok := false
	for _, a := range allowed {
		ok = ok || a == kind
	}
	if !ok {
		return "", 0, problem.Invalid("unsupported_file_type", "This file is not one of the accepted kinds (%s); it looks like %s.", joinKinds(allowed), kind)
	}
	if kind == PDF {
		if !bytes.HasPrefix(data, []byte("%PDF-")) {
			return "", 0, problem.Invalid("unsupported_file_type", "The PDF file is damaged.")
		}
		return kind, 0, nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", 0, problem.Invalid("unreadable_image", "The image cannot be read; take the photo again.")
	}
	w, h := int64(cfg.Width), int64(cfg.Height)
	if w <= 0 || h <= 0 || w*h > MaxPixels {
		return "", 0, problem.Invalid("image_too_large", "The image has %d×%d pixels; at most 40 megapixels are accepted.", cfg.Width, cfg.Height)
	}
	var decoded int64
	if kind == PNG {
		decoded = pngDecodeBytes(data, w*h)
	} else {
		decoded = jpegDecodeBytes(data, w, h)
	}
	need = workBytes(cfg.Width, cfg.Height, decoded)
	if need > DecodeBudget {
		return "", 0, problem.Invalid("image_too_large", "The image has %d×%d pixels stored in a way that takes about %d MiB of memory to read (progressive, interlaced, 16-bit or CMYK); save it as an ordinary JPEG or PNG, or with fewer pixels.",
			cfg.Width, cfg.Height, need>>20)
	}
	return kind, need, nil
}

func joinKinds(kinds []string) string {
	names := map[string]string{JPEG: "JPEG", PNG: "PNG", PDF: "PDF"}
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = names[k]
	}
	return strings.Join(out, ", ")
}
