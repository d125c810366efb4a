// Package open311 lets other systems (a city hotline, another app) read and
// file complaints through Open311 GeoReport v2. Complaint statuses stay richer
// inside; here they map to open/closed with the fine status in status_notes,
// and no reporter's personal data ever leaves.
package open311

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"gorm.io/gorm"

	"anju/server/audit"
	"anju/server/auth"
	"anju/server/problem"
	"anju/server/random"
	"anju/server/store"
	"anju/server/valid"
)

// Key is an API key staff issue to another system. Only its hash is kept.
type Key struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	KeyHash    string     `json:"-"`
	DistrictID *int64     `json:"district_id"`
	CreatedBy  int64      `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// TableName binds Key to its table.
func (Key) TableName() string { return "api_keys" }

// IssuedKey is a new key with its secret, shown once.
type IssuedKey struct {
	Key
	Secret string `json:"key"`
}

// NewKey names a key to issue.
type NewKey struct {
	Name string `json:"name"`
}

// Keys issues and checks API keys.
type Keys struct {
	db    *store.DB
	audit *audit.Log
}

// NewKeys returns the key store.
func NewKeys(db *store.DB, log *audit.Log) *Keys { return &Keys{db: db, audit: log} }

func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Issue makes a key for the caller's district (city staff: city-wide).
func (k *Keys) Issue(ctx context.Context, by *auth.Staff, in NewKey) (*IssuedKey, error) {
	name, err := valid.Text("name", in.Name, true, 100)
	if err != nil {
		return nil, err
	}
	tok, err := random.Secret()
	if err != nil {
		return nil, err
	}
	secret := "anju_" + tok
	key := Key{Name: name, KeyHash: hash(secret), CreatedBy: by.ID, CreatedAt: store.Now()}
	if by.Role == auth.RoleDistrict {
		key.DistrictID = &by.DistrictID
	}
	err = k.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&key).Error; err != nil {
			return err
		}
		return k.audit.Record(tx, by.Actor(), "api_key.issue", "api_key", key.ID, map[string]any{"name": name})
	})
	if err != nil {
		return nil, err
	}
	return &IssuedKey{Key: key, Secret: secret}, nil
}

// List shows the keys the caller may manage.
func (k *Keys) List(ctx context.Context, by *auth.Staff) ([]Key, error) {
	q := k.db.WithContext(ctx).Order("id DESC")
	if by.Role == auth.RoleDistrict {
		q = q.Where("district_id = ?", by.DistrictID)
	}
	var out []Key
	return out, q.Find(&out).Error
}

// Revoke ends a key at once.
func (k *Keys) Revoke(ctx context.Context, by *auth.Staff, id int64) (*Key, error) {
	var key Key
	err := k.db.WithContext(ctx).Take(&key, id).Error
	if err != nil && store.NotFound(err) != store.ErrNotFound {
		return nil, err
	}
	if err != nil || (by.Role == auth.RoleDistrict && (key.DistrictID == nil || *key.DistrictID != by.DistrictID)) {
		return nil, problem.NotFound("api_key_not_found", "No API key %d exists in your area.", id)
	}
	if key.RevokedAt != nil {
		return &key, nil
	}
	now := store.Now()
	err = k.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&Key{}).Where("id = ?", id).Update("revoked_at", now).Error; err != nil {
			return err
		}
		return k.audit.Record(tx, by.Actor(), "api_key.revoke", "api_key", id, nil)
	})
	key.RevokedAt = &now
	return &key, err
}

// Check finds the live key for a secret.
func (k *Keys) Check(ctx context.Context, secret string) (*Key, error) {
	var keys []Key
	if secret != "" && len(secret) <= 200 {
		if err := k.db.WithContext(ctx).Where("key_hash = ? AND revoked_at IS NULL", hash(secret)).Limit(1).Find(&keys).Error; err != nil {
			return nil, err
		}
	}
	if len(keys) == 0 {
		return nil, errBadKey
	}
	return &keys[0], nil
}
