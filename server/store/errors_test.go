package store_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	_ "github.com/glebarez/sqlite" // registers the database/sql driver "sqlite"
	"github.com/jackc/pgx/v5/pgconn"

	"anju/server/store"
)

func TestIsUnavailableTellsOutagesFromFaults(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("load plan: %w", err) }
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"admin shutdown 57P01", &pgconn.PgError{Code: "57P01"}, true},
		{"cannot connect now 57P03", wrap(&pgconn.PgError{Code: "57P03"}), true},
		{"connection failure 08006", &pgconn.PgError{Code: "08006"}, true},
		{"too many connections 53300", &pgconn.PgError{Code: "53300"}, true},
		{"read-only during fail-over 25006", &pgconn.PgError{Code: "25006"}, true},
		{"bad connection", wrap(driver.ErrBadConn), true},
		{"connection done", sql.ErrConnDone, true},
		{"pgx conn closed", wrap(pgconn.ErrConnClosed), true},
		{"cut mid-answer", wrap(io.ErrUnexpectedEOF), true},
		{"timed out", wrap(context.DeadlineExceeded), true},

		{"unique violation 23505", &pgconn.PgError{Code: "23505"}, false},
		{"NUL in text 22021", &pgconn.PgError{Code: "22021"}, false},
		{"int4 overflow 22003", &pgconn.PgError{Code: "22003"}, false},
		{"client went away", wrap(context.Canceled), false},
		{"not found", store.ErrNotFound, false},
		{"closed handle (a bug, not an outage)", errors.New("sql: database is closed"), false},
		{"nil", nil, false},
	} {
		if got := store.IsUnavailable(c.err); got != c.want {
			t.Errorf("%s: IsUnavailable = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestIsUnavailableOnRealDriverErrors: what the drivers really return when
// PostgreSQL refuses connections and when a SQLite file is locked or cannot
// be opened.
func TestIsUnavailableOnRealDriverErrors(t *testing.T) {
	_, err := store.Open("postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", quiet)
	if err == nil || !store.IsUnavailable(err) {
		t.Errorf("refused PostgreSQL: %v, want unavailable", err)
	}

	path := filepath.Join(t.TempDir(), "locked.db")
	holder, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	holder.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := holder.ExecContext(ctx, "CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	conn, err := holder.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(50)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.ExecContext(ctx, "INSERT INTO t VALUES (1)")
	if err == nil || !store.IsUnavailable(err) {
		t.Errorf("locked SQLite file: %v, want unavailable", err)
	}
	_, _ = conn.ExecContext(ctx, "ROLLBACK")

	missing, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "no", "such", "dir.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer missing.Close()
	if err := missing.PingContext(ctx); err == nil || !store.IsUnavailable(err) {
		t.Errorf("unopenable SQLite file: %v, want unavailable", err)
	}
}
