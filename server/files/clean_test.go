package files

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"sync/atomic"
	"testing"
	"time"

	"anju/server/limit"
	"anju/server/problem"
)

// solidPNG is a w×h PNG of one colour (depth 8 or 16, RGB, interlaced or
// not), written row by row so the test never holds the picture: what a
// "decompression bomb" looks like, a few dozen KB that decode to hundreds of MB.
// With rows false it is only the header, which Clean must judge by itself.
func solidPNG(t testing.TB, w, h, depth int, interlaced, rows bool) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&out, binary.BigEndian, uint32(len(data)))
		c := append([]byte(typ), data...)
		out.Write(c)
		_ = binary.Write(&out, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = byte(depth), 2
	if interlaced {
		ihdr[12] = 1
	}
	chunk("IHDR", ihdr)
	if !rows {
		return out.Bytes()
	}
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	row := bytes.Repeat([]byte{90}, 1+3*w*depth/8)
	row[0] = 0
	for y := 0; y < h; y++ {
		_, _ = zw.Write(row)
	}
	_ = zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// bigJPEG is a small JPEG whose frame header claims w×h pixels (progressive
// when asked): enough for DecodeConfig and the estimate, never decoded.
func bigJPEG(t *testing.T, w, h int, progressive bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	i := bytes.Index(data, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 in Go's JPEG")
	}
	if progressive {
		data[i+1] = 0xC2
	}
	binary.BigEndian.PutUint16(data[i+5:], uint16(h))
	binary.BigEndian.PutUint16(data[i+7:], uint16(w))
	return data
}

func code(err error) string {
	if p, ok := problem.As(err); ok {
		return p.Code
	}
	return ""
}

// TestCostlyImagesAreRefusedByTheirHeader: the header alone decides, before
// any decoding, whether an image's decoded form fits the budget. Every image
// here is only a header: decoding any of them would fail as unreadable.
func TestCostlyImagesAreRefusedByTheirHeader(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want string // "" accepted by inspect
	}{
		{"8-bit PNG, 6300×6300", solidPNG(t, 6300, 6300, 8, false, false), ""},
		{"16-bit PNG, 6300×6300", solidPNG(t, 6300, 6300, 16, false, false), "image_too_large"},
		{"interlaced PNG, 6300×6300", solidPNG(t, 6300, 6300, 8, true, false), "image_too_large"},
		{"PNG over 40 MP", solidPNG(t, 7000, 7000, 8, false, false), "image_too_large"},
		{"baseline JPEG, 6000×6000", bigJPEG(t, 6000, 6000, false), ""},
		{"progressive JPEG, 6000×6000", bigJPEG(t, 6000, 6000, true), "image_too_large"},
		{"progressive JPEG, 12 MP", bigJPEG(t, 4000, 3000, true), ""},
	} {
		kind, need, err := inspect(c.data, []string{JPEG, PNG})
		if code(err) != c.want {
			t.Errorf("%s: %v (needs %d MiB), want %q", c.name, err, need>>20, c.want)
		}
		if c.want == "" && (kind == "" || need <= 0 || need > DecodeBudget) {
			t.Errorf("%s: kind %q, needs %d MiB", c.name, kind, need>>20)
		}
	}
	_, err := NewService(nil).Clean(context.Background(), solidPNG(t, 6300, 6300, 16, false, false), PNG)
	if code(err) != "image_too_large" {
		t.Fatalf("Clean decoded a 16-bit 40 MP image instead of refusing it: %v", err)
	}
}

// TestDecodingBudget: an image holds its share of the budget while it is
// decoded; another that does not fit waits, a small one goes ahead, and one
// that waits too long is refused with 503 server_busy.
func TestDecodingBudget(t *testing.T) {
	s := &Service{gate: limit.NewGate(DecodeBudget>>20, 300*time.Millisecond), minWeight: 1}
	var inside atomic.Int64
	hold := make(chan struct{})
	entered := make(chan int64, 10)
	s.WhileDecoding(func() {
		n := inside.Add(1)
		entered <- n
		if n == 1 {
			<-hold // the first image keeps its share until released
		}
		inside.Add(-1)
	})
	// About 170 MiB of the 256; only the header, which is all the budget reads
	// (the first one fails as unreadable once it is let through).
	big := solidPNG(t, 6000, 6000, 8, false, false)
	ctx := context.Background()
	first := make(chan error, 1)
	go func() { _, err := s.Clean(ctx, big, PNG); first <- err }()
	<-entered
	// A second large image does not fit beside the first: it is refused.
	if _, err := s.Clean(ctx, big, PNG); !errors.Is(err, limit.ErrBusy) {
		t.Fatalf("a second large image while the first is decoded: %v, want server_busy", err)
	}
	if p, _ := problem.As(limit.ErrBusy); p.RetryAfter <= 0 {
		t.Fatal("server_busy without Retry-After")
	}
	// A small one fits beside it.
	small := solidPNG(t, 100, 100, 8, false, true)
	if _, err := s.Clean(ctx, small, PNG); err != nil {
		t.Fatalf("a small image beside a large one: %v", err)
	}
	if n := <-entered; n != 2 {
		t.Fatalf("%d images decoded at once, want 2", n)
	}
	close(hold)
	if err := <-first; code(err) != "unreadable_image" {
		t.Fatal(err)
	}
}

// TestOneCoreStaysFree: however many uploads arrive, at most cores-1 images
// (at least one) are decoded at once, so sign-ins and votes keep a core.
func TestOneCoreStaysFree(t *testing.T) {
	s := NewService(nil)
	var inside, peak atomic.Int64
	s.WhileDecoding(func() {
		n := inside.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(2 * time.Millisecond)
		inside.Add(-1)
	})
	small := solidPNG(t, 64, 64, 8, false, true)
	done := make(chan error)
	for range 12 {
		go func() { _, err := s.Clean(context.Background(), small, PNG); done <- err }()
	}
	for range 12 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if want := max(1, limit.Cores()-1); peak.Load() > want || peak.Load() < 1 {
		t.Fatalf("%d images decoded at once on %d cores, want at most %d", peak.Load(), limit.Cores(), want)
	}
}

func TestBoxShrinkAveragesPremultiplied(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 5, 2)) // the fifth column is dropped
	for x := 0; x < 5; x++ {
		src.SetNRGBA(x, 0, color.NRGBA{200, 100, 0, 255})
		src.SetNRGBA(x, 1, color.NRGBA{0, 100, 200, 255})
	}
	src.SetNRGBA(2, 0, color.NRGBA{255, 255, 255, 0}) // transparent white must not lighten
	got := boxShrink(src, 2)
	if got.Bounds().Dx() != 2 || got.Bounds().Dy() != 1 {
		t.Fatalf("size %v", got.Bounds())
	}
	if c := got.RGBAAt(0, 0); c != (color.RGBA{100, 100, 100, 255}) {
		t.Fatalf("opaque block: %v", c)
	}
	if c := got.RGBAAt(1, 0); c != (color.RGBA{50, 75, 100, 191}) {
		t.Fatalf("block with a transparent pixel: %v", c)
	}
}

func TestCleanShrinksAHugeImageInStages(t *testing.T) {
	out, kind, err := clean(t, solidPNG(t, 5200, 600, 8, false, true), PNG)
	if err != nil || kind != PNG {
		t.Fatal(err, kind)
	}
	img, _, err := image.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != MaxSide || b.Dy() != 295 {
		t.Fatalf("stored %v", b)
	}
	if r, g, b, _ := img.At(1000, 150).RGBA(); r>>8 != 90 || g>>8 != 90 || b>>8 != 90 {
		t.Fatalf("colour changed: %d %d %d", r>>8, g>>8, b>>8)
	}
}

func BenchmarkCleanSolid40MPPNG(b *testing.B) {
	data := solidPNG(b, 6300, 6300, 8, false, true)
	s := NewService(nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Clean(context.Background(), data, PNG); err != nil {
			b.Fatal(err)
		}
	}
}

// TestResampleKeepsAGradient: shrinking keeps a smooth picture's values (no
// shift, no darkening), with the cubic's overshoot clamped.
func TestResampleKeepsAGradient(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 3000, 40))
	for y := 0; y < 40; y++ {
		for x := 0; x < 3000; x++ {
			v := uint8(x * 255 / 2999)
			src.SetRGBA(x, y, color.RGBA{v, 255 - v, 0, 255})
		}
	}
	dst := resample(src, 1500, 20)
	for x := 5; x < 1495; x += 7 {
		want := float64(2*x) * 255 / 2999
		c := dst.RGBAAt(x, 10)
		if d := float64(c.R) - want; d > 1.5 || d < -1.5 || c.A != 255 || int(c.R)+int(c.G) < 253 || int(c.R)+int(c.G) > 257 {
			t.Fatalf("x=%d: %v, want red %.1f", x, c, want)
		}
	}
}
