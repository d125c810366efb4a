package consent

import (
	"errors"
	"testing"
	"time"

	"anju/server/problem"
)

// TestOnlyARevokedAccountEndsALiveTally: the periodic re-check ends a stream
// when the account may no longer see the tally, not when the database is out
// of reach for a moment (a PostgreSQL restart), which would drop every open
// tally at once; nothing is sent unchecked meanwhile.
func TestOnlyARevokedAccountEndsALiveTally(t *testing.T) {
	for _, c := range []struct {
		err  error
		ends bool
	}{
		{problem.Unauthorized("account_disabled", "disabled"), true},
		{problem.Unauthorized("session_expired", "ended"), true},
		{problem.Forbidden("no longer in scope"), true},
		{problem.Unavailable("database_unavailable", time.Second, "down"), false},
		{errors.New("dial tcp 127.0.0.1:5432: connect: connection refused"), false},
	} {
		if got := refused(c.err); got != c.ends {
			t.Errorf("refused(%v) = %v, want %v", c.err, got, c.ends)
		}
	}
}
