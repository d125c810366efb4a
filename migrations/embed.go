// Package migrations holds Anju's database schema: numbered SQL files per dialect
// (sqlite/, postgres/; they differ only in identity columns, time and blob types)
// and the Go migrations both dialects share, such as the renovation catalogue.
// They are embedded into the binary and applied at start.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"

	"anju/server/random"
)

//go:embed sqlite/*.sql postgres/*.sql
var sqlFiles embed.FS

// catalogJSON is the 31-item renovation catalogue of seed 000 §三 (content and
// acceptance standard verbatim), with English names and the national categories
// basic / improvement / upgrade (基础类/完善类/提升类) of 国办发〔2020〕23号.
//
//go:embed catalog.json
var catalogJSON []byte

// SQL returns the SQL migrations of one dialect: "sqlite" or "postgres".
func SQL(dialect string) (fs.FS, error) {
	return fs.Sub(sqlFiles, dialect)
}

// CatalogItem is one entry of the shipped catalogue.
type CatalogItem struct {
	Code     string `json:"code"`
	Seq      int    `json:"seq"`
	Category string `json:"category"`
	NameZh   string `json:"name_zh"`
	NameEn   string `json:"name_en"`
	Content  string `json:"content"`
	Standard string `json:"standard"`
}

// Catalog parses the shipped catalogue.
func Catalog() ([]CatalogItem, error) {
	var items []CatalogItem
	if err := json.Unmarshal(catalogJSON, &items); err != nil {
		return nil, fmt.Errorf("catalog.json: %w", err)
	}
	return items, nil
}

// GoMigration is a migration written in Go, shared by both dialects.
type GoMigration struct {
	Version int64
	Up      func(ctx context.Context, tx *sql.Tx, placeholder func(n int) string) error
}

// GoMigrations lists the Go migrations, in order.
func GoMigrations() []GoMigration {
	return []GoMigration{{Version: 2, Up: insertCatalog}, {Version: 4, Up: boardTokens}}
}

func insertCatalog(ctx context.Context, tx *sql.Tx, ph func(int) string) error {
	items, err := Catalog()
	if err != nil {
		return err
	}
	q := fmt.Sprintf(`INSERT INTO catalog_items (code, seq, category, name_zh, name_en, content, standard)
		VALUES (%s, %s, %s, %s, %s, %s, %s)`, ph(1), ph(2), ph(3), ph(4), ph(5), ph(6), ph(7))
	for _, it := range items {
		if _, err := tx.ExecContext(ctx, q, it.Code, it.Seq, it.Category, it.NameZh, it.NameEn, it.Content, it.Standard); err != nil {
			return fmt.Errorf("catalog item %s: %w", it.Code, err)
		}
	}
	return nil
}

// boardTokens gives every community that predates the notice board its public token.
func boardTokens(ctx context.Context, tx *sql.Tx, ph func(int) string) error {
	rows, err := tx.QueryContext(ctx, "SELECT id FROM communities WHERE public_token IS NULL")
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			_ = rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, id := range ids {
		tok, err := random.Token()
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("UPDATE communities SET public_token = %s WHERE id = %s", ph(1), ph(2)), tok, id); err != nil {
			return err
		}
	}
	return nil
}
