//go:build bench

package bench_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"anju/server/consent"
)

// householdHeader names the household to the bare server, which checks no
// token. The driver sends it to Anju too (which ignores it), so both servers
// get byte-for-byte the same requests.
const householdHeader = "X-Bench-Household"

// bareReceipt is the bare server's small answer.
type bareReceipt struct {
	ID          int64     `json:"id"`
	PlanID      int64     `json:"plan_id"`
	HouseholdID int64     `json:"household_id"`
	RecordedAt  time.Time `json:"recorded_at"`
}

// startBare starts the baseline the vote benchmark compares Anju with: Echo
// v4 and a pgx pool as large as Anju's, one route that binds Anju's ballot
// body and INSERTs one row. Whatever Anju does beyond that (sign-in tokens,
// the plan and roll checks, the vote locks, the revision, its leaf, the
// sequencer) is what the ratio prices. dbURL names a schema of its own.
func startBare(t *testing.T, dbURL string, poolSize int) *httptest.Server {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = int32(poolSize)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE bare_votes (
		id bigserial PRIMARY KEY,
		plan_id bigint NOT NULL,
		household_id bigint NOT NULL,
		plan_choice text NOT NULL,
		management_choice text NOT NULL,
		signature text NOT NULL,
		recorded_at timestamptz NOT NULL)`); err != nil {
		pool.Close()
		t.Fatal(err)
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.PUT("/api/v1/me/ballot", func(c echo.Context) error {
		hh, err := strconv.ParseInt(c.Request().Header.Get(householdHeader), 10, 64)
		if err != nil || hh <= 0 {
			return echo.NewHTTPError(http.StatusUnauthorized, "no household")
		}
		var in consent.BallotInput
		if err := c.Bind(&in); err != nil {
			return err
		}
		if in.PlanID <= 0 || in.PlanChoice == "" || in.ManagementChoice == "" || in.Signature == "" {
			return echo.NewHTTPError(http.StatusUnprocessableEntity, "incomplete ballot")
		}
		r := bareReceipt{PlanID: in.PlanID, HouseholdID: hh}
		if err := pool.QueryRow(c.Request().Context(), `INSERT INTO bare_votes
			(plan_id, household_id, plan_choice, management_choice, signature, recorded_at)
			VALUES ($1, $2, $3, $4, $5, now()) RETURNING id, recorded_at`,
			in.PlanID, hh, in.PlanChoice, in.ManagementChoice, in.Signature).Scan(&r.ID, &r.RecordedAt); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, r)
	})
	srv := httptest.NewServer(e)
	t.Cleanup(func() {
		srv.Close()
		pool.Close()
	})
	return srv
}
