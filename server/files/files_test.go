package files

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// sideways is a 40×20 JPEG whose EXIF says "rotate 90° clockwise to view",
// as a phone held upright writes it.
func sideways(t *testing.T) []byte { return oriented(t, 6) }

// oriented is a 40×20 JPEG, white with a red 8×8 mark in its top-left corner,
// whose EXIF (big-endian TIFF, IFD0 with one entry) gives orientation o.
func oriented(t *testing.T, o byte) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := 0; x < 40; x++ {
		for y := 0; y < 20; y++ {
			img.Set(x, y, color.White)
			if x < 8 && y < 8 {
				img.Set(x, y, color.RGBA{255, 0, 0, 255})
			}
		}
	}
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	// APP1 Exif, big-endian TIFF, IFD0 with one entry: Orientation (0x0112) = o.
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, 0, 0, 0, 0}
	payload := append([]byte("Exif\x00\x00"), tiff...)
	app1 := append([]byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}, payload...)
	raw := plain.Bytes()
	return append(append(append([]byte{}, raw[:2]...), app1...), raw[2:]...)
}

// TestEveryOrientationIsTurnedUpright: the red mark ends where a viewer that
// honours the tag shows it.
func TestEveryOrientationIsTurnedUpright(t *testing.T) {
	for o, corner := range map[byte]image.Point{1: {0, 0}, 2: {1, 0}, 3: {1, 1}, 4: {0, 1}, 5: {0, 0}, 6: {1, 0}, 7: {1, 1}, 8: {0, 1}} {
		out, _, err := clean(t, oriented(t, o), JPEG)
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if (o >= 5) != (b.Dx() == 20 && b.Dy() == 40) {
			t.Errorf("orientation %d: stored %v", o, b)
		}
		x, y := 2+corner.X*(b.Dx()-5), 2+corner.Y*(b.Dy()-5)
		if r, g, _, _ := img.At(x, y).RGBA(); r>>8 < 200 || g>>8 > 80 {
			t.Errorf("orientation %d: the mark is not at (%d,%d)", o, x, y)
		}
	}
}

// clean runs Service.Clean, which needs no database.
func clean(t *testing.T, data []byte, allowed ...string) ([]byte, string, error) {
	t.Helper()
	c, err := NewService(nil).Clean(context.Background(), data, allowed...)
	if err != nil {
		return nil, "", err
	}
	return c.data, c.kind, nil
}

func TestCleanTurnsPhotosUprightAndDropsEXIF(t *testing.T) {
	out, kind, err := clean(t, sideways(t), JPEG, PNG)
	if err != nil || kind != JPEG {
		t.Fatalf("clean: %v %s", err, kind)
	}
	if bytes.Contains(out, []byte("Exif")) {
		t.Fatal("EXIF survived")
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 20 || cfg.Height != 40 {
		t.Fatalf("stored %d×%d, want the upright 20×40", cfg.Width, cfg.Height)
	}
}

func TestCleanShrinksHugePhotos(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2800, 1400)), nil); err != nil {
		t.Fatal(err)
	}
	out, _, err := clean(t, buf.Bytes(), JPEG)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := jpeg.DecodeConfig(bytes.NewReader(out))
	if cfg.Width != MaxSide || cfg.Height != MaxSide/2 {
		t.Fatalf("stored %d×%d", cfg.Width, cfg.Height)
	}
}
