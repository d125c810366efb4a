package feedback

import (
	"time"

	"gorm.io/gorm/clause"
)

// clauseOverdueFirst orders open overdue complaints first, then the rest by
// deadline (none last).
func clauseOverdueFirst(now time.Time) clause.Expr {
	return clause.Expr{SQL: "CASE WHEN deadline IS NULL THEN 2 WHEN deadline < ? THEN 0 ELSE 1 END, deadline", Vars: []any{now}}
}
