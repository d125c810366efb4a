// Package random makes the unguessable parts of public links and keys.
package random

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
)

// Token returns 128 random bits as 26 lowercase base32 characters: the
// unguessable part of a link printed on paper (a building's QR code, a
// notice board's), where a shorter link makes a coarser, easier-to-scan QR
// code and 128 bits are already beyond guessing online.
func Token() (string, error) { return encode(16) }

// Secret returns 256 random bits as 52 lowercase base32 characters: API keys
// and the capability links of stored files (photos, evidence), which are never
// printed and, for keys, only stored as a hash.
func Secret() (string, error) { return encode(32) }

func encode(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}
