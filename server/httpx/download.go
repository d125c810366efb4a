package httpx

import (
	"fmt"
	"strings"
	"unicode"
)

// ContentDisposition names a download or an inline file as RFC 6266 says: an
// ASCII filename for old clients (fallback, or the ASCII part of name when
// fallback is empty) and the real name, Chinese included, percent-encoded in
// filename*. Quotes, backslashes and control characters never reach the header.
func ContentDisposition(disposition, name, fallback string) string {
	if fallback == "" {
		fallback = ASCIIName(name)
	}
	var safe strings.Builder
	for _, r := range fallback {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' {
			safe.WriteRune(r)
		}
	}
	var enc strings.Builder
	for _, b := range []byte(name) {
		if b < 0x80 && (unicode.IsLetter(rune(b)) || unicode.IsDigit(rune(b)) || strings.IndexByte("-_.", b) >= 0) {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return disposition + `; filename="` + safe.String() + `"; filename*=UTF-8''` + enc.String()
}

// ASCIIName is what is left of name for a client that knows only ASCII: its
// ASCII characters, "file" when nothing (or only an extension) is left.
func ASCIIName(name string) string {
	var ascii strings.Builder
	for _, r := range name {
		if r < 0x80 {
			ascii.WriteRune(r)
		}
	}
	out := strings.Trim(strings.ReplaceAll(ascii.String(), "--", "-"), "-_")
	if out == "" || strings.HasPrefix(out, ".") {
		out = "file" + out
	}
	return out
}
