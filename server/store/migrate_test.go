package store_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"anju/server/store"
	"anju/server/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func openSQLite(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "m.db"), quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func openPostgres(t *testing.T) (*store.DB, string) {
	t.Helper()
	dbURL, schema := storetest.Schema(t, os.Getenv("TEST_DATABASE_URL"))
	db, err := store.Open(dbURL, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, schema
}

// shape is a schema reduced to what both dialects must agree on.
type shape struct {
	Columns map[string][]string // table → sorted columns
	Indexes map[string][]string // table → sorted index column lists (unique marked)
}

func sqliteShape(t *testing.T, db *store.DB) shape {
	s := shape{Columns: map[string][]string{}, Indexes: map[string][]string{}}
	var tables []string
	db.Raw(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`).Scan(&tables)
	for _, tb := range tables {
		var cols []struct{ Name string }
		db.Raw(`SELECT name FROM pragma_table_info(?)`, tb).Scan(&cols)
		for _, c := range cols {
			s.Columns[tb] = append(s.Columns[tb], c.Name)
		}
		var idx []struct {
			Name   string
			Unique int
		}
		db.Raw(`SELECT name, "unique" FROM pragma_index_list(?)`, tb).Scan(&idx)
		for _, i := range idx {
			var ic []struct{ Name string }
			db.Raw(`SELECT name FROM pragma_index_info(?)`, i.Name).Scan(&ic)
			var names []string
			for _, c := range ic {
				names = append(names, c.Name)
			}
			key := strings.Join(names, ",")
			if i.Unique == 1 {
				key = "unique:" + key
			}
			if strings.HasPrefix(i.Name, "sqlite_autoindex") && len(names) == 1 && isPrimaryKey(db, tb, names[0]) {
				continue
			}
			s.Indexes[tb] = append(s.Indexes[tb], key)
		}
	}
	s.sort()
	return s
}

func isPrimaryKey(db *store.DB, table, col string) bool {
	var pk int
	db.Raw(`SELECT pk FROM pragma_table_info(?) WHERE name = ?`, table, col).Scan(&pk)
	return pk > 0
}

func postgresShape(t *testing.T, db *store.DB, schema string) shape {
	s := shape{Columns: map[string][]string{}, Indexes: map[string][]string{}}
	var cols []struct{ TableName, ColumnName string }
	db.Raw(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ? AND table_name <> 'goose_db_version'`, schema).Scan(&cols)
	for _, c := range cols {
		s.Columns[c.TableName] = append(s.Columns[c.TableName], c.ColumnName)
	}
	var idx []struct {
		Table   string
		Unique  bool
		Primary bool
		Cols    string
	}
	db.Raw(`SELECT t.relname AS "table", ix.indisunique AS "unique", ix.indisprimary AS "primary",
		string_agg(a.attname, ',' ORDER BY k.ord) AS cols
		FROM pg_index ix
		JOIN pg_class t ON t.oid = ix.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
		WHERE n.nspname = ? AND t.relname <> 'goose_db_version'
		GROUP BY t.relname, ix.indexrelid, ix.indisunique, ix.indisprimary`, schema).Scan(&idx)
	for _, i := range idx {
		if i.Primary {
			continue
		}
		key := i.Cols
		if i.Unique {
			key = "unique:" + key
		}
		s.Indexes[i.Table] = append(s.Indexes[i.Table], key)
	}
	s.sort()
	return s
}

func (s shape) sort() {
	for _, m := range []map[string][]string{s.Columns, s.Indexes} {
		for k := range m {
			sort.Strings(m[k])
		}
	}
}

// TestBothDialectsEndWithTheSameSchema: tables, columns and indexes agree.
func TestBothDialectsEndWithTheSameSchema(t *testing.T) {
	ctx := context.Background()
	lite := openSQLite(t)
	if err := lite.Migrate(ctx, quiet); err != nil {
		t.Fatal(err)
	}
	got := sqliteShape(t, lite)
	if len(got.Columns) < 10 {
		t.Fatalf("SQLite has only %d tables", len(got.Columns))
	}
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Log("TEST_DATABASE_URL is not set: compared nothing with PostgreSQL (make test sets it)")
		return
	}
	pg, schema := openPostgres(t)
	if err := pg.Migrate(ctx, quiet); err != nil {
		t.Fatal(err)
	}
	want := postgresShape(t, pg, schema)
	if !reflect.DeepEqual(got.Columns, want.Columns) {
		t.Errorf("columns differ:\nsqlite   %v\npostgres %v", got.Columns, want.Columns)
	}
	if !reflect.DeepEqual(got.Indexes, want.Indexes) {
		t.Errorf("indexes differ:\nsqlite   %v\npostgres %v", got.Indexes, want.Indexes)
	}
}

// TestMigrateTwiceAppliesNothingAndNewerSchemasAreRefused.
func TestMigrateTwiceAppliesNothingAndNewerSchemasAreRefused(t *testing.T) {
	ctx := context.Background()
	dbs := map[string]*store.DB{"sqlite": openSQLite(t)}
	if os.Getenv("TEST_DATABASE_URL") != "" {
		dbs["postgres"], _ = openPostgres(t)
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			if err := db.Migrate(ctx, quiet); err != nil {
				t.Fatal(err)
			}
			applied, known, err := db.SchemaVersion(ctx)
			if err != nil || applied != known || known < 2 {
				t.Fatalf("after migrating: applied %d, known %d, %v", applied, known, err)
			}
			var catalog int64
			db.Table("catalog_items").Count(&catalog)
			if catalog != 31 {
				t.Fatalf("the catalogue has %d items, want 31", catalog)
			}
			// Counted, not compared with the latest number: numbers are handed
			// out ahead, so a branch may lack some below its own.
			var first, rows int64
			db.Table("goose_db_version").Where("version_id > 0").Count(&first)
			if err := db.Migrate(ctx, quiet); err != nil {
				t.Fatalf("second run: %v", err)
			}
			db.Table("goose_db_version").Where("version_id > 0").Count(&rows)
			if rows != first {
				t.Fatalf("a second run recorded more versions: %d rows, %d after the first run", rows, first)
			}
			db.Table("catalog_items").Count(&catalog)
			if catalog != 31 {
				t.Fatalf("a second run changed the catalogue: %d items", catalog)
			}
			// A newer binary migrated this database further: this one must refuse it.
			if err := db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)`, known+1, true).Error; err != nil {
				t.Fatal(err)
			}
			err = db.Migrate(ctx, quiet)
			if err == nil || !strings.Contains(err.Error(), "newer anju release") {
				t.Fatalf("a newer schema must be refused with a clear message, got %v", err)
			}
		})
	}
}
