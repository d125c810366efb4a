package tlog

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"gorm.io/gorm/clause"

	"anju/server/store"
)

// Key is the checkpoint signer: an Ed25519 note key.
type Key struct {
	signer note.Signer
	// VerifierKey is the public half, as a note verifier key.
	VerifierKey string
}

// setting is a row of the settings table.
type setting struct {
	Key       string `gorm:"primaryKey"`
	Value     string
	CreatedAt time.Time
}

func (setting) TableName() string { return "settings" }

// KeyName is the signer name for a site: its host, as in the origins.
func KeyName(publicHost string) string {
	name := strings.Map(func(r rune) rune {
		if r == '+' || r <= ' ' {
			return '-'
		}
		return r
	}, publicHost)
	if name == "" {
		name = "anju"
	}
	return name
}

// LoadKey returns the configured signing key (a note signer key,
// PRIVATE+KEY+name+hash+base64), or the one stored in the database,
// generating it under name on first start so that every instance on the
// database signs with the same key. A key kept only in the database can be
// used by whoever can write the database; production sets one from outside
// (ANJU_LOG_SIGNING_KEY), so rewriting the log also takes the key.
func LoadKey(db *store.DB, configured, name string) (*Key, error) {
	if configured != "" {
		return parseKey(configured)
	}
	skey, _, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return nil, fmt.Errorf("generate the log signing key: %w", err)
	}
	candidate := setting{Key: "log_signing_key", Value: skey, CreatedAt: store.Now()}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&candidate).Error; err != nil {
		return nil, fmt.Errorf("store the generated log signing key: %w", err)
	}
	var stored setting
	if err := db.Where("key = ?", "log_signing_key").Take(&stored).Error; err != nil {
		return nil, fmt.Errorf("read the log signing key: %w", err)
	}
	return parseKey(stored.Value)
}

func parseKey(skey string) (*Key, error) {
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, errors.New("the log signing key is not a note signer key (PRIVATE+KEY+name+hash+key); generate one with `anju log-key`")
	}
	vkey, err := verifierKeyOf(skey)
	if err != nil {
		return nil, err
	}
	return &Key{signer: signer, VerifierKey: vkey}, nil
}

// verifierKeyOf derives the verifier key of a signer key: the same name and
// hash, and the public half of the Ed25519 key.
func verifierKeyOf(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", errors.New("the log signing key is not a note signer key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return "", errors.New("the log signing key is not an Ed25519 note signer key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(parts[2], pub)
}

// GenerateKey returns a new signer key and its verifier key, for `anju log-key`.
func GenerateKey(name string) (skey, vkey string, err error) {
	return note.GenerateKey(rand.Reader, name)
}
