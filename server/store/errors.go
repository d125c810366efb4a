package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsUnavailable tells whether err means the database cannot serve right now —
// it is down, restarting, unreachable, out of connections, or (SQLite) locked
// or unreadable — as opposed to a fault in the query or the data. The HTTP edge
// answers these with 503 and Retry-After, since the same request will work
// once the database is back.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var connect *pgconn.ConnectError
	if errors.As(err, &connect) {
		return true // dial refused or timed out, or the server refused the session (starting up, too many clients)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return unavailableState(pgErr.Code)
	}
	var sqliteErr interface{ Code() int }
	if errors.As(err, &sqliteErr) && sqliteUnavailable(sqliteErr.Code()) {
		return true
	}
	var netErr net.Error
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.Is(err, pgconn.ErrConnClosed):
		return true // the pool's connection died under the query or transaction
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true // the server went away mid-conversation
	case errors.As(err, &netErr):
		return true
	case pgconn.Timeout(err), errors.Is(err, context.DeadlineExceeded):
		return true // waited too long for a connection or an answer
	}
	return false
}

// unavailableState is true for SQLSTATEs that say the server, not the query, is
// the problem: connection exceptions (class 08), shutdown or start-up (57P01
// admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now), too many
// connections (53300), and a read-only server during a fail-over (25006).
func unavailableState(code string) bool {
	switch code {
	case "57P01", "57P02", "57P03", "53300", "25006":
		return true
	}
	return strings.HasPrefix(code, "08")
}

// SQLite result codes (sqlite3.h) that mean the file cannot be used now:
// another process holds the lock past the busy timeout, or the file cannot be
// opened, read or written.
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteReadOnly = 8
	sqliteIOErr    = 10
	sqliteFull     = 13
	sqliteCantOpen = 14
)

func sqliteUnavailable(code int) bool {
	switch code & 0xff { // extended codes keep the primary code in the low byte
	case sqliteBusy, sqliteLocked, sqliteReadOnly, sqliteIOErr, sqliteFull, sqliteCantOpen:
		return true
	}
	return false
}
