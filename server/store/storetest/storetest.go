// Package storetest gives unit tests a migrated database of each dialect: a
// SQLite file in the test's temporary folder and, when TEST_DATABASE_URL is
// set, a fresh schema on that PostgreSQL, dropped at the end.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection that creates schemas
	"gorm.io/gorm"

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
	u, _ := Schema(t, base)
	return u
}

// Schema creates a new, empty schema of the database at base and returns the
// URL that reaches it and its name. It is dropped when the test ends, unless
// ANJU_TEST_KEEP_SCHEMA is set (to look at a benchmark's data afterwards).
func Schema(t *testing.T, base string) (dbURL, schema string) {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema = "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open PostgreSQL: %v", err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema (is PostgreSQL at TEST_DATABASE_URL reachable?): %v", err)
	}
	t.Cleanup(func() {
		if os.Getenv("ANJU_TEST_KEEP_SCHEMA") == "" {
			_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		} else {
			t.Logf("kept schema %s", schema)
		}
		_ = admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema
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

// Tamper runs SQL behind the server's back with the append-only triggers out
// of the way, as whoever owns the database could: on PostgreSQL with
// session_replication_role = replica (which also turns off foreign keys), on
// SQLite by dropping the triggers.
func Tamper(t *testing.T, db *store.DB, stmts ...string) {
	t.Helper()
	err := db.Transaction(func(tx *gorm.DB) error {
		if db.Postgres {
			if err := tx.Exec("SET LOCAL session_replication_role = replica").Error; err != nil {
				return err
			}
		} else {
			var names []string
			if err := tx.Raw("SELECT name FROM sqlite_master WHERE type = 'trigger'").Scan(&names).Error; err != nil {
				return err
			}
			for _, n := range names {
				if err := tx.Exec("DROP TRIGGER " + n).Error; err != nil {
					return err
				}
			}
		}
		for _, s := range stmts {
			if err := tx.Exec(s).Error; err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
