// Package random makes the unguessable parts of public links.
package random

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
)

// Token returns 128 random bits as 26 lowercase base32 characters: the
// unguessable part of a public link (a building's QR code, a notice board, a
// published file).
func Token() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}
