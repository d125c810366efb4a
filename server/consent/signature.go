package consent

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"strings"

	"anju/server/problem"
)

// MaxSignatureBytes bounds a signature image.
const MaxSignatureBytes = 512 << 10

const pngDataURL = "data:image/png;base64,"

// Signature is a decoded finger-drawn signature (签名). It is an image kept as
// evidence with the ballot, not a "reliable electronic signature" in the sense
// of the Electronic Signature Law art. 13.
type Signature struct {
	PNG    []byte
	SHA256 string
}

var errSignatureMissing = problem.Field("signature", `is required: sign with your finger in the box, or confirm with the household code instead ("evidence": "household_code")`)

// DecodeSignature checks a PNG data URL: well-formed, at most 512 KiB, a
// plausible size, and not blank.
func DecodeSignature(dataURL string) (*Signature, error) {
	if dataURL == "" {
		return nil, errSignatureMissing
	}
	raw, ok := strings.CutPrefix(dataURL, pngDataURL)
	if !ok {
		return nil, problem.Field("signature", "must be a PNG image as a data URL starting with %q", pngDataURL)
	}
	if base64.StdEncoding.DecodedLen(len(raw)) > MaxSignatureBytes+3 {
		return nil, problem.Field("signature", "is larger than 512 KiB; send a smaller image")
	}
	img, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, problem.Field("signature", "is not valid base64")
	}
	if len(img) > MaxSignatureBytes {
		return nil, problem.Field("signature", "is larger than 512 KiB; send a smaller image")
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		return nil, problem.Field("signature", "is not a PNG image")
	}
	if cfg.Width < 20 || cfg.Height < 20 || cfg.Width > 4000 || cfg.Height > 4000 {
		return nil, problem.Field("signature", "must be between 20×20 and 4000×4000 pixels (got %d×%d)", cfg.Width, cfg.Height)
	}
	decoded, err := png.Decode(bytes.NewReader(img))
	if err != nil {
		return nil, problem.Field("signature", "is not a readable PNG image")
	}
	if blank(decoded) {
		return nil, errSignatureMissing
	}
	sum := sha256.Sum256(img)
	return &Signature{PNG: img, SHA256: hex.EncodeToString(sum[:])}, nil
}

// blank tells whether an image has no visible stroke: every pixel transparent
// or (near) the colour of the first pixel. A phone's canvas gives 8-bit RGBA,
// which decodes to *image.NRGBA: its pixels are read from the buffer, every
// other kind through At (the same test, slower).
func blank(img image.Image) bool {
	b := img.Bounds()
	if b.Empty() {
		return true
	}
	if n, ok := img.(*image.NRGBA); ok {
		plain := plainOf(n.NRGBAAt(b.Min.X, b.Min.Y))
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := n.Pix[n.PixOffset(b.Min.X, y) : n.PixOffset(b.Min.X, y)+4*b.Dx()]
			for i := 0; i < len(row); i += 4 {
				if plain.shows(color.NRGBA{R: row[i], G: row[i+1], B: row[i+2], A: row[i+3]}.RGBA()) {
					return false
				}
			}
		}
		return true
	}
	plain := plainOf(img.At(b.Min.X, b.Min.Y))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if plain.shows(img.At(x, y).RGBA()) {
				return false
			}
		}
	}
	return true
}

// plain is the colour of an empty signature pad: its first pixel.
type plain struct{ r, g, b, a uint32 }

func plainOf(c color.Color) plain {
	r, g, b, a := c.RGBA()
	return plain{r, g, b, a}
}

// shows tells whether a pixel of colour r, g, b, a (alpha-premultiplied,
// as color.Color's RGBA gives) is a visible stroke: neither (near)
// transparent nor (near) the pad's colour.
func (p plain) shows(r, g, b, a uint32) bool {
	const tolerance = 0x1000
	near := func(x, y uint32) bool { return x-y < tolerance || y-x < tolerance }
	if a < tolerance {
		return false
	}
	return !(near(r, p.r) && near(g, p.g) && near(b, p.b) && near(a, p.a))
}
