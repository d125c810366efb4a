package files

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"

	"anju/server/problem"
)

// An image is decoded, shrunk to MaxSide, turned upright and re-encoded in
// stages, each dropping what the next does not need, so the memory held at
// once is the largest stage, not the sum: the decoded picture and its box-
// shrunk copy; that copy, the horizontal pass and the result; the result and
// its upright copy. Everything runs on the calling goroutine.

// shrinkFactor is the whole factor a box filter reduces an image by before the
// cubic filter does the rest (at most halving): box-averaging k×k pixels is
// cheap and exact, while a cubic over a 40 MP image costs seconds.
func shrinkFactor(w, h int) int {
	k := max(w, h) / MaxSide
	return max(1, min(k, w, h))
}

// workBytes estimates the memory an image of w×h pixels takes at its largest
// stage, given the bytes of its decoded form.
func workBytes(w, h int, decoded int64) int64 {
	if w <= MaxSide && h <= MaxSide {
		return decoded + 2*4*int64(w)*int64(h) // made RGBA and turned upright
	}
	k := shrinkFactor(w, h)
	dw, dh := fitSize(w, h)
	mid := 4 * int64(dw) * int64(h/k) // the horizontal pass
	final := 4 * int64(dw) * int64(dh)
	if k == 1 { // the decoded picture is read by the horizontal pass itself
		return max(decoded+mid+final, 3*final)
	}
	box := 4 * int64(w/k) * int64(h/k)
	return max(decoded+box, box+mid+final, 3*final)
}

// process decodes, shrinks, turns upright and re-encodes an image whose header
// has been checked. Only Service.Clean calls it, holding the decoding budget.
func process(data []byte, kind string) ([]byte, error) {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, problem.Invalid("unreadable_image", "The image cannot be read; take the photo again.")
	}
	if b := img.Bounds(); b.Dx() > MaxSide || b.Dy() > MaxSide {
		dw, dh := fitSize(b.Dx(), b.Dy())
		if k := shrinkFactor(b.Dx(), b.Dy()); k > 1 {
			img = boxShrink(img, k)
		}
		img = resample(img, dw, dh)
	}
	if kind == JPEG {
		// Phones store photos sideways with an EXIF orientation tag; turn the
		// pixels upright (after shrinking: cheaper) before re-encoding drops the tag.
		img = upright(img, jpegOrientation(data))
	}
	var out bytes.Buffer
	if kind == PNG {
		err = png.Encode(&out, img)
	} else {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return nil, fmt.Errorf("re-encode image: %w", err)
	}
	return out.Bytes(), nil
}

// boxShrink averages every k×k block of src into one pixel (premultiplied, so
// transparent pixels do not darken their neighbours). The last w%k columns and
// h%k rows, less than k pixels, are dropped. Rows are converted k at a time
// into a small strip, so any image type costs one pass and no full-size copy.
func boxShrink(src image.Image, k int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx()/k, b.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	strip := image.NewRGBA(image.Rect(0, 0, w*k, k))
	sums := make([]uint32, 4*w)
	area := uint32(k * k)
	for y := 0; y < h; y++ {
		draw.Draw(strip, strip.Bounds(), src, image.Pt(b.Min.X, b.Min.Y+y*k), draw.Src)
		clear(sums)
		for i := 0; i < k; i++ {
			line := strip.Pix[i*strip.Stride : i*strip.Stride+4*w*k]
			for si := 0; si < len(sums); si += 4 {
				var sr, sg, sb, sa uint32
				for j := 0; j < k; j++ {
					p := line[:4]
					sr, sg, sb, sa = sr+uint32(p[0]), sg+uint32(p[1]), sb+uint32(p[2]), sa+uint32(p[3])
					line = line[4:]
				}
				s := sums[si : si+4]
				s[0], s[1], s[2], s[3] = s[0]+sr, s[1]+sg, s[2]+sb, s[3]+sa
			}
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		for i, s := range sums {
			out[i] = uint8((s + area/2) / area)
		}
	}
	return dst
}
