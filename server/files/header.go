package files

import (
	"bytes"
	"encoding/binary"
)

// What an image will cost to decode is read from its header before anything is
// decoded: Go's decoders allocate the whole picture at once (and, for a
// progressive JPEG, 4 bytes of coefficients per sample besides), so a 50 KB PNG
// that declares 6300×6300 pixels takes 160 MB the moment it is decoded. The
// estimate decides whether an upload is refused outright and how much of the
// decoding budget it waits for.

// pngDecodeBytes is the memory image/png needs for a PNG of w×h pixels:
// 8-bit images decode to 1–4 bytes a pixel (counted as 4: a tRNS chunk turns
// grey into NRGBA), 16-bit ones to 8; interlaced images also hold their passes.
func pngDecodeBytes(data []byte, pixels int64) int64 {
	perPixel := int64(4)
	interlaced := false
	// The IHDR chunk is always first: signature (8), length (4), type (4),
	// width, height (8), then bit depth, colour type, compression, filter, interlace.
	if len(data) >= 29 && string(data[12:16]) == "IHDR" {
		if data[24] == 16 {
			perPixel = 8
		}
		interlaced = data[28] == 1
	}
	n := pixels * perPixel
	if interlaced {
		n += n / 2
	}
	return n
}

// jpegDecodeBytes is the memory image/jpeg needs: the sample planes at their
// subsampling (a CMYK image also its 4-byte-a-pixel result), and for a
// progressive JPEG the coefficients, 4 bytes per sample, kept until the end.
func jpegDecodeBytes(data []byte, w, h int64) int64 {
	sof, ok := jpegFrame(data)
	if !ok {
		return w * h * 15 // the worst case: progressive 4:4:4
	}
	var hmax, vmax int64 = 1, 1
	for _, c := range sof.comps {
		hmax, vmax = max(hmax, int64(c[0])), max(vmax, int64(c[1]))
	}
	var samples int64
	for _, c := range sof.comps {
		// Planes are padded to whole 8×8 blocks of whole MCUs.
		cw := (w*int64(c[0])/hmax + 8*hmax) &^ 7
		ch := (h*int64(c[1])/vmax + 8*vmax) &^ 7
		samples += cw * ch
	}
	n := samples
	if sof.progressive {
		n += 4 * samples
	}
	if len(sof.comps) == 4 {
		n += 4 * w * h
	}
	return n
}

type jpegSOF struct {
	progressive bool
	comps       [][2]byte // horizontal, vertical sampling factor per component
}

// jpegFrame finds the start-of-frame segment by walking the markers.
func jpegFrame(data []byte) (jpegSOF, bool) {
	var out jpegSOF
	ok := walkJPEG(data, func(marker byte, seg []byte) bool {
		if marker < 0xC0 || marker > 0xCF || marker == 0xC4 || marker == 0xC8 || marker == 0xCC {
			return true
		}
		// SOFn: precision, height, width, component count, then 3 bytes each.
		if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) {
			return false
		}
		out.progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE
		for i := 0; i < int(seg[5]); i++ {
			s := seg[6+3*i+1]
			out.comps = append(out.comps, [2]byte{max(s>>4, 1), max(s&15, 1)})
		}
		return false
	})
	return out, ok && len(out.comps) > 0
}

// jpegOrientation is the EXIF orientation (1–8) of a JPEG, 1 when it has none.
// Phones store a photo sideways with this tag instead of turning the pixels.
func jpegOrientation(data []byte) int {
	orientation := 1
	walkJPEG(data, func(marker byte, seg []byte) bool {
		if marker != 0xE1 || !bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return true
		}
		if o := tiffOrientation(seg[6:]); o >= 1 && o <= 8 {
			orientation = o
		}
		return false
	})
	return orientation
}

// tiffOrientation reads tag 0x0112 of IFD0 of a TIFF header.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 0
	}
	ifd := int64(order.Uint32(t[4:8]))
	if ifd+2 > int64(len(t)) {
		return 0
	}
	count := int64(order.Uint16(t[ifd:]))
	for i := int64(0); i < count; i++ {
		e := ifd + 2 + 12*i
		if e+12 > int64(len(t)) {
			return 0
		}
		if order.Uint16(t[e:]) == 0x0112 && order.Uint16(t[e+2:]) == 3 {
			return int(order.Uint16(t[e+8:]))
		}
	}
	return 0
}

// walkJPEG calls fn with each marker segment before the image data, until fn
// returns false; it reports whether fn stopped it (rather than the data ending).
func walkJPEG(data []byte, fn func(marker byte, seg []byte) bool) bool {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return false
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return false
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			i += 2
			continue
		}
		if marker == 0xD9 || marker == 0xDA { // end of image, start of scan
			return false
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return false
		}
		if !fn(marker, data[i+4:i+2+n]) {
			return true
		}
		i += 2 + n
	}
	return false
}
