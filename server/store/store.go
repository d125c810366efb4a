// Package store opens the database (an embedded SQLite file by default, PostgreSQL
// in production), applies the embedded migrations and offers the few helpers where
// the two dialects differ.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DB is the database handle every service shares.
type DB struct {
	*gorm.DB
	Postgres bool
	// turns queues pipelined transactions first come, first served for the
	// pool's connections (database/sql hands a freed connection to a random
	// waiter, which stretches the slowest votes' wait).
	turns chan struct{}
}

// postgresConns is the size of the PostgreSQL connection pool.
const postgresConns = 20

// ErrNotFound is returned by lookups that find nothing.
var ErrNotFound = errors.New("not found")

// Open connects to url: a postgres:// URL or a SQLite file path (its folder is
// created). SQLite runs with foreign keys on, WAL, a busy timeout and immediate
// write transactions, so concurrent writers queue instead of failing.
func Open(url string, log *slog.Logger) (*DB, error) {
	cfg := &gorm.Config{
		NowFunc:                Now,
		Logger:                 logger.Discard,
		TranslateError:         false,
		SkipDefaultTransaction: true,
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		gdb, err := gorm.Open(postgres.New(postgres.Config{DSN: PostgresURL(url)}), cfg)
		if err != nil {
			return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
		}
		sqlDB, err := gdb.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(postgresConns)
		sqlDB.SetMaxIdleConns(postgresConns)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		if err := sqlDB.Ping(); err != nil {
			return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
		}
		return &DB{DB: gdb, Postgres: true, turns: make(chan struct{}, postgresConns)}, nil
	}
	if dir := filepath.Dir(url); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	dsn := url + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
	gdb, err := gorm.Open(sqlite.Open(dsn), cfg)
	if err != nil {
		return nil, fmt.Errorf("open SQLite file %s: %w", url, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(8)
	if err := sqlDB.Ping(); err != nil {
		return nil, fmt.Errorf("open SQLite file %s: %w", url, err)
	}
	return &DB{DB: gdb}, nil
}

// PostgresURL is url with the settings every connection uses, the pool's and
// the tally listener's: the session speaks UTC, so times come back as stored,
// and opening a connection takes at most 5 s (unless the URL sets
// connect_timeout=…): without it a database host that drops packets holds
// every request until the kernel gives up, minutes later, instead of
// answering 503.
func PostgresURL(url string) string {
	for _, p := range []string{"timezone=UTC", "connect_timeout=5"} {
		if strings.Contains(url, strings.SplitAfter(p, "=")[0]) {
			continue
		}
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		url += sep + p
	}
	return url
}

// Close releases the connections.
func (d *DB) Close() error {
	sqlDB, err := d.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Dialect names the SQL flavour: "postgres" or "sqlite".
func (d *DB) Dialect() string {
	if d.Postgres {
		return "postgres"
	}
	return "sqlite"
}

// Tx runs fn in a transaction on ctx.
func (d *DB) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return d.WithContext(ctx).Transaction(fn)
}

// IsUniqueViolation tells whether err is a unique-constraint failure.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// IsForeignKeyViolation tells whether err is a foreign-key failure.
func IsForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	return err != nil && strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}

// NotFound maps GORM's record-not-found to ErrNotFound and leaves other errors.
func NotFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// Now is the time as the database keeps it: UTC, to the microsecond (what
// PostgreSQL stores), so SQLite and PostgreSQL hand back identical values.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
