package demo_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"anju/server/app"
	"anju/server/auth"
	"anju/server/config"
	. "anju/server/demo"
	"anju/server/feedback"
	"anju/server/registry"
)

// TestDemoLoadsOnceAndPrintsWorkingCredentials: the demo is created on the first
// start, reused on the next, and what it prints signs in.
func TestDemoLoadsOnceAndPrintsWorkingCredentials(t *testing.T) {
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DatabaseURL = filepath.Join(t.TempDir(), "demo.db")
	cfg.FilesDir = filepath.Join(t.TempDir(), "files")
	cfg.PublicURL = "http://127.0.0.1:8080"
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var first string
	for round := 0; round < 2; round++ {
		a, err := app.New(ctx, cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Load(ctx, a)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var out bytes.Buffer
		d.Print(&out, cfg)
		for _, want := range []string{"/b/" + d.BuildingToken, d.Code, d.StaffPassword, "/staff/", "room 房号 601", "/c/"} {
			if !strings.Contains(out.String(), want) {
				t.Fatalf("the demo banner lacks %q:\n%s", want, out.String())
			}
		}
		if round == 0 {
			first = d.BuildingToken
		} else if d.BuildingToken != first {
			t.Fatal("a second start must reuse the demo data")
		}
		who, _, err := a.Registry.SignIn(ctx, registry.HouseholdLogin{BuildingToken: d.BuildingToken, Room: d.Room, Code: d.Code}, "127.0.0.1")
		if err != nil || who.Room != "601" {
			t.Fatalf("the printed household code does not sign in: %v", err)
		}
		u, err := a.Staffs.Authenticate(ctx, d.StaffUser, d.StaffPassword)
		if err != nil {
			t.Fatalf("the printed staff password does not sign in: %v", err)
		}
		staff := &auth.Staff{ID: u.ID, Role: u.Role}
		tally, err := a.Consent.Tally(ctx, staff, d.ProjectID)
		if err != nil {
			t.Fatal(err)
		}
		if tally.Eligible != 72 || tally.Voted != 48 || tally.Reached {
			t.Fatalf("demo tally: %d eligible, %d voted, reached %v", tally.Eligible, tally.Voted, tally.Reached)
		}
		dists, _ := a.Registry.Districts(ctx, staff)
		if len(dists) != len(Districts) {
			t.Fatalf("%d districts, want %d", len(dists), len(Districts))
		}
		checkFinished(t, a, d, staff)
		checkPipeline(t, a)
		_ = a.Close()
	}
}

// checkFinished: the finished renovation's household can rate, has an answer
// to confirm, and the staff queue has complaints in every state.
func checkFinished(t *testing.T, a *app.App, d *Dataset, staff *auth.Staff) {
	t.Helper()
	ctx := context.Background()
	if !strings.Contains(d.FinishedCommunity, "建设街") || d.FinishedCode == "" {
		t.Fatalf("finished community: %+v", d)
	}
	who, _, err := a.Registry.SignIn(ctx, registry.HouseholdLogin{BuildingToken: d.FinishedBuildingToken, Room: "601", Code: d.FinishedCode}, "127.0.0.1")
	if err != nil {
		t.Fatalf("the finished community's code does not sign in: %v", err)
	}
	hh, err := a.Registry.Principal(ctx, who.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Feedback.MyProject(ctx, &hh)
	if err != nil || p.Stage != "handed_over" || !p.RatingOpen {
		t.Fatalf("finished project: %+v %v", p, err)
	}
	mine, err := a.Feedback.Mine(ctx, &hh)
	if err != nil || len(mine) != 2 || mine[0].Status != "resolved" || mine[1].Warranty == nil {
		t.Fatalf("the demo household's complaints: %+v %v", mine, err)
	}
	staff.Role = auth.RoleCity
	seen := map[string]bool{}
	q, total, err := a.Feedback.Queue(ctx, staff, feedback.Filter{Limit: 50})
	if err != nil || total < 5 {
		t.Fatalf("queue: %d %v", total, err)
	}
	for _, c := range q {
		seen[string(c.Status)] = true
		if c.EscalationLevel > 0 {
			seen["escalated"] = true
		}
	}
	for _, st := range []string{"assigned", "closed", "rejected", "resolved", "escalated"} {
		if !seen[st] {
			t.Errorf("the demo has no %s complaint", st)
		}
	}
	updates, err := a.Feedback.MyUpdates(ctx, &hh)
	if err != nil || len(updates) != 3 || len(updates[0].Photos) != 1 {
		t.Fatalf("progress posts: %d %v", len(updates), err)
	}
}

// checkPipeline: the seed's targets for 2022 and this year, and this year's
// projects in every stage with their ledger entries.
func checkPipeline(t *testing.T, a *app.App) {
	t.Helper()
	var rows []struct {
		Year  int
		Start int
		N     int
	}
	if err := a.DB.Raw("SELECT year, SUM(start_households) AS start, COUNT(*) AS n FROM district_targets GROUP BY year ORDER BY year").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Year != 2022 || rows[0].Start != 4804+2067+475+2261+288+746 || rows[0].N != len(Targets2022) {
		t.Fatalf("targets: %+v", rows)
	}
	var stages []string
	if err := a.DB.Raw("SELECT DISTINCT stage FROM projects WHERE year = ? AND registered_at IS NOT NULL ORDER BY stage", time.Now().Year()).Scan(&stages).Error; err != nil {
		t.Fatal(err)
	}
	if len(stages) != 6 {
		t.Fatalf("this year's registered projects are in %v, want all six stages", stages)
	}
}
