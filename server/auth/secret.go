package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
	"gorm.io/gorm/clause"

	"anju/server/store"
)

// HashParams tune argon2id. Staff passwords get the slow setting; household codes,
// whose guessing is also limited per address and per household, a lighter one so
// a whole estate can sign in at once on a small server.
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

var (
	// PasswordParams hash staff passwords (about 100 ms here).
	PasswordParams = HashParams{Memory: 64 * 1024, Time: 3, Threads: 2}
	// CodeParams hash household codes (about 15 ms here).
	CodeParams = HashParams{Memory: 16 * 1024, Time: 1, Threads: 1}
)

// Hash returns the PHC string of argon2id(secret).
func Hash(secret string, p HashParams) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(secret), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify tells whether secret matches the PHC string encoded, in constant time.
// It hashes outside any memory budget: sign-in goes through Hasher.Check.
func Verify(secret, encoded string) bool {
	p, salt, want, ok := parsePHC(encoded)
	if !ok {
		return false
	}
	got := argon2.IDKey([]byte(secret), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// parsePHC reads an argon2id PHC string: its parameters, salt and key.
func parsePHC(encoded string) (p HashParams, salt, key []byte, ok bool) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 || p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
		return p, nil, nil, false
	}
	return p, salt, key, true
}

// setting is a row of the settings table.
type setting struct {
	Key       string `gorm:"primaryKey"`
	Value     string
	CreatedAt time.Time
}

func (setting) TableName() string { return "settings" }

// SigningKey returns the configured JWT secret, or the one stored in the
// database, generating and storing it on first start. Every instance that shares
// the database thus signs with the same key; none is ever defaulted in code.
func SigningKey(db *store.DB, configured string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	candidate := setting{Key: "jwt_secret", Value: hex.EncodeToString(raw), CreatedAt: store.Now()}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&candidate).Error; err != nil {
		return nil, fmt.Errorf("store generated JWT secret: %w", err)
	}
	var stored setting
	if err := db.Where("key = ?", "jwt_secret").Take(&stored).Error; err != nil {
		return nil, fmt.Errorf("read JWT secret: %w", err)
	}
	if len(stored.Value) < 32 {
		return nil, errors.New("the stored JWT secret is too short; delete the jwt_secret setting to regenerate it")
	}
	return []byte(stored.Value), nil
}
