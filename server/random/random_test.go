package random

import (
	"encoding/base32"
	"strings"
	"testing"
)

func TestSizes(t *testing.T) {
	for name, c := range map[string]struct {
		f    func() (string, error)
		bits int
	}{"Token": {Token, 128}, "Secret": {Secret, 256}} {
		s, err := c.f()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(s))
		if err != nil || len(raw)*8 != c.bits || s != strings.ToLower(s) {
			t.Fatalf("%s() = %q: %d bits, want %d lowercase base32", name, s, len(raw)*8, c.bits)
		}
	}
}
