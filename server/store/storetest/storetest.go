// Package storetest gives unit tests a migrated database of each dialect: a
// SQLite file in the test's temporary folder and, when TEST_DATABASE_URL is
// set, a fresh schema on that PostgreSQL, dropped at the end.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection that creates schemas

	"anju/server/store"
)

// EachDB runs fn as a subtest on SQLite and, when TEST_DATABASE_URL is set,
// on PostgreSQL, each time on a newly migrated database.
func EachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		db, err := store.Open(filepath.Join(t.TempDir(), "t.db"), quiet())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		fn(t, Migrated(t, db))
	})
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		return
	}
	t.Run("postgres", func(t *testing.T) {
		fn(t, Migrated(t, Postgres(t, base)))
	})
}

// Postgres opens a new, empty schema of the database at base, dropped when
// the test ends.
func Postgres(t *testing.T, base string) *store.DB {
	t.Helper()
	db, err := store.Open(PostgresURL(t, base), quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// PostgresURL creates a new, empty schema of the database at base, dropped
// when the test ends, and returns the URL that reaches it.
func PostgresURL(t *testing.T, base string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "u_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE"); _ = admin.Close() })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Migrated applies every migration to db.
func Migrated(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	if err := db.Migrate(context.Background(), quiet()); err != nil {
		t.Fatal(err)
	}
	return db
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
