package consent

import (
	"image"
	"image/color"
	"testing"
)

// opaque hides an image's concrete type, so that blank takes its general path.
type opaque struct{ image.Image }

// TestBlankReadsAPhonesCanvasAsAnyImage: the fast path for a canvas's NRGBA
// pixels decides exactly as the general one, on empty pads, faint and
// transparent marks, and strokes anywhere (the last pixel included).
func TestBlankReadsAPhonesCanvasAsAnyImage(t *testing.T) {
	white, ink := color.NRGBA{255, 255, 255, 255}, color.NRGBA{0, 0, 0, 255}
	cases := []struct {
		name  string
		draw  func(img *image.NRGBA)
		blank bool
	}{
		{"transparent pad", func(*image.NRGBA) {}, true},
		{"white pad", func(img *image.NRGBA) { fill(img, white) }, true},
		{"near-white speck", func(img *image.NRGBA) { fill(img, white); img.SetNRGBA(3, 3, color.NRGBA{250, 250, 250, 255}) }, true},
		{"transparent ink", func(img *image.NRGBA) { fill(img, white); img.SetNRGBA(5, 5, color.NRGBA{0, 0, 0, 8}) }, true},
		{"stroke", func(img *image.NRGBA) { fill(img, white); img.SetNRGBA(10, 4, ink) }, false},
		{"stroke on a transparent pad", func(img *image.NRGBA) { img.SetNRGBA(1, 1, ink) }, false},
		{"last pixel", func(img *image.NRGBA) { fill(img, white); img.SetNRGBA(39, 19, ink) }, false},
	}
	for _, c := range cases {
		full := image.NewNRGBA(image.Rect(0, 0, 40, 20))
		c.draw(full)
		// A sub-image too: its rows do not start at the buffer's start.
		sub := full.SubImage(image.Rect(0, 0, 40, 20)).(*image.NRGBA)
		for _, img := range []image.Image{full, sub} {
			if got, general := blank(img), blank(opaque{img}); got != c.blank || general != c.blank {
				t.Errorf("%s: blank %v (general path %v), want %v", c.name, got, general, c.blank)
			}
		}
	}
	// An offset sub-image whose stroke lies outside it is blank.
	full := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	fill(full, white)
	full.SetNRGBA(0, 0, ink)
	if sub := full.SubImage(image.Rect(5, 5, 40, 20)); !blank(sub) || !blank(opaque{sub}) {
		t.Error("a stroke outside the sub-image counted")
	}
}

func fill(img *image.NRGBA, c color.NRGBA) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			img.SetNRGBA(x, y, c)
		}
	}
}
