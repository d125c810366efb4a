package files

import (
	"image"
	"image/draw"
	"math"
)

// Resampling runs on one goroutine on purpose. The decoding budget lets at
// most cores-1 images be processed at once so that votes and sign-ins keep a
// core; a resizer that spread one image over every core (as imaging does)
// would take that core back for the length of the resize.

// fixed is the fixed-point precision of the filter weights.
const fixed = 14

// taps are the source pixels and weights of one output pixel.
type taps struct {
	start int
	w     []int32
}

// catmullRom is the Catmull-Rom cubic (B=0, C=½): sharp, without the ringing
// of Lanczos, and after the box filter it never reduces by more than half.
func catmullRom(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x < 1:
		return (1.5*x-2.5)*x*x + 1
	case x < 2:
		return ((-0.5*x+2.5)*x-4)*x + 2
	}
	return 0
}

// weights computes, for each of dst output positions, the taps of a src-long
// line, the kernel stretched by the reduction so that it filters as it shrinks.
func weights(src, dst int) []taps {
	scale := max(float64(src)/float64(dst), 1)
	support := 2 * scale
	out := make([]taps, dst)
	for i := range out {
		center := (float64(i)+0.5)*scale - 0.5
		lo := max(int(math.Ceil(center-support)), 0)
		hi := min(int(math.Floor(center+support)), src-1)
		ws := make([]float64, 0, hi-lo+1)
		sum := 0.0
		for j := lo; j <= hi; j++ {
			w := catmullRom((float64(j) - center) / scale)
			ws = append(ws, w)
			sum += w
		}
		t := taps{start: lo, w: make([]int32, len(ws))}
		for k, w := range ws {
			t.w[k] = int32(math.Round(w / sum * (1 << fixed)))
		}
		out[i] = t
	}
	return out
}

// resample scales src (shrinking only) to dw×dh, premultiplied: a horizontal
// pass into a dw-wide picture of src's height, then a vertical one.
func resample(src image.Image, dw, dh int) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	xs, ys := weights(sw, dw), weights(sh, dh)
	mid := image.NewRGBA(image.Rect(0, 0, dw, sh))
	rgba, direct := src.(*image.RGBA)
	var line *image.RGBA
	if !direct {
		line = image.NewRGBA(image.Rect(0, 0, sw, 1))
	}
	for y := 0; y < sh; y++ {
		var row []uint8
		if direct {
			row = rgba.Pix[rgba.PixOffset(b.Min.X, b.Min.Y+y):][:4*sw]
		} else {
			draw.Draw(line, line.Rect, src, image.Pt(b.Min.X, b.Min.Y+y), draw.Src)
			row = line.Pix
		}
		out := mid.Pix[y*mid.Stride:][:4*dw]
		for x, t := range xs {
			var r, g, bl, a int32
			p := row[4*t.start:]
			for _, w := range t.w {
				q := p[:4]
				r, g, bl, a = r+w*int32(q[0]), g+w*int32(q[1]), bl+w*int32(q[2]), a+w*int32(q[3])
				p = p[4:]
			}
			put(out[4*x:4*x+4], r, g, bl, a)
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	acc := make([]int32, 4*dw)
	for y, t := range ys {
		clear(acc)
		for k, w := range t.w {
			in := mid.Pix[(t.start+k)*mid.Stride:][:len(acc)]
			for i, v := range in {
				acc[i] += w * int32(v)
			}
		}
		out := dst.Pix[y*dst.Stride:][:len(acc)]
		for i := 0; i < len(acc); i += 4 {
			put(out[i:i+4], acc[i], acc[i+1], acc[i+2], acc[i+3])
		}
	}
	return dst
}

// put rounds fixed-point sums to a premultiplied pixel: every channel within
// 0..255 and the colour within the alpha (the cubic's negative lobes can
// overshoot both).
func put(px []uint8, r, g, b, a int32) {
	a8 := clamp(a, 255)
	hi := int32(a8)
	px[0], px[1], px[2], px[3] = clamp(r, hi), clamp(g, hi), clamp(b, hi), a8
}

func clamp(v int32, hi int32) uint8 {
	v = (v + 1<<(fixed-1)) >> fixed
	return uint8(min(max(v, 0), hi))
}

// fitSize is the size of a w×h picture fitted within MaxSide×MaxSide.
func fitSize(w, h int) (int, int) {
	if w >= h {
		return MaxSide, max(1, int(math.Round(float64(h)*MaxSide/float64(w))))
	}
	return max(1, int(math.Round(float64(w)*MaxSide/float64(h)))), MaxSide
}

// upright turns a picture as its EXIF orientation (2–8) says a viewer shows it.
func upright(src image.Image, orientation int) image.Image {
	if orientation < 2 || orientation > 8 {
		return src
	}
	rgba, ok := src.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(image.Rect(0, 0, src.Bounds().Dx(), src.Bounds().Dy()))
		draw.Draw(rgba, rgba.Rect, src, src.Bounds().Min, draw.Src)
	}
	w, h := rgba.Rect.Dx(), rgba.Rect.Dy()
	dw, dh := w, h
	if orientation >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch orientation {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // upside down
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored upside down
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // turned left: turn right to view
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // turned right: turn left to view
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dst.PixOffset(dx, dy):][:4], rgba.Pix[rgba.PixOffset(rgba.Rect.Min.X+x, rgba.Rect.Min.Y+y):][:4])
		}
	}
	return dst
}
