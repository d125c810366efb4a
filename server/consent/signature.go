package consent

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"image"
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
// or (near) the colour of the first pixel.
func blank(img image.Image) bool {
	b := img.Bounds()
	r0, g0, b0, a0 := img.At(b.Min.X, b.Min.Y).RGBA()
	const tolerance = 0x1000
	near := func(x, y uint32) bool { return x-y < tolerance || y-x < tolerance }
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if a < tolerance {
				continue
			}
			if !(near(r, r0) && near(g, g0) && near(bl, b0) && near(a, a0)) {
				return false
			}
		}
	}
	return true
}
