package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"anju/migrations"
)

// Migrate applies every pending migration in one go and refuses to run against a
// database that a newer binary has already migrated further.
func (d *DB) Migrate(ctx context.Context, log *slog.Logger) error {
	p, err := d.provider()
	if err != nil {
		return err
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	known := latestVersion(p)
	if current > known {
		return fmt.Errorf("the database schema is at version %d but this binary knows only up to %d: run the newer anju release", current, known)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", "version", r.Source.Version, "path", r.Source.Path, "took", r.Duration)
	}
	return nil
}

// SchemaVersion reports the applied and the newest known migration version.
func (d *DB) SchemaVersion(ctx context.Context) (applied, known int64, err error) {
	p, err := d.provider()
	if err != nil {
		return 0, 0, err
	}
	applied, err = p.GetDBVersion(ctx)
	return applied, latestVersion(p), err
}

func latestVersion(p *goose.Provider) int64 {
	var v int64
	for _, s := range p.ListSources() {
		if s.Version > v {
			v = s.Version
		}
	}
	return v
}

func (d *DB) provider() (*goose.Provider, error) {
	sqlDB, err := d.DB.DB()
	if err != nil {
		return nil, err
	}
	fsys, err := migrations.SQL(d.Dialect())
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	placeholder := func(int) string { return "?" }
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if d.Postgres {
		dialect = goose.DialectPostgres
		placeholder = func(n int) string { return "$" + strconv.Itoa(n) }
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	var goMigrations []*goose.Migration
	for _, m := range migrations.GoMigrations() {
		up := m.Up
		goMigrations = append(goMigrations, goose.NewGoMigration(m.Version,
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return up(ctx, tx, placeholder) }},
			nil))
	}
	opts = append(opts, goose.WithGoMigrations(goMigrations...))
	return goose.NewProvider(dialect, sqlDB, fsys, opts...)
}
