package demo

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"anju/server/app"
	"anju/server/auth"
	"anju/server/consent"
	"anju/server/feedback"
	"anju/server/pipeline"
	"anju/server/projects"
	"anju/server/registry"
	"anju/server/store"
	"anju/server/valid"
)

// evidencePDF stands in for the scanned contracts and notices that confirm
// the demo projects' start criteria.
var evidencePDF = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// Target is one district's line of seed 002's task tables (households).
type Target struct {
	District                    string
	Start, Complete, Continuing int
}

// Targets2022 are the district columns of seed 002 附表1 (new starts,
// completions) and 附表2 (continuing projects) as extracted. The extraction
// lost the columns of some counties: 5,307 of the 15,948 new-start and 3,714
// of the 11,164 completion households, and 2,143 of the 4,676 continuing ones
// are in unnamed columns, so they are not attributed (docs/DECISIONS.md).
var Targets2022 = []Target{
	{"驿城区", 4804, 3363, 962},
	{"经济开发区", 2067, 1447, 0},
	{"遂平县", 475, 333, 328},
	{"西平县", 2261, 1583, 1082},
	{"上蔡县", 288, 202, 0},
	{"汝南县", 746, 522, 0},
	{"平舆县", 0, 0, 161},
	{"正阳县", 0, 0, 0},
}

var estateNames = []string{"交通路家属院", "铁路小区", "粮食局家属院", "电业局宿舍", "人民路小区", "解放路北院", "文化路小区",
	"二中家属院", "水利局家属院", "供销社家属院", "税务局宿舍", "农机厂家属院", "棉纺厂小区", "邮电局家属院", "化肥厂生活区",
	"新华街小区", "卫生局家属院", "建行宿舍", "财政局家属院", "酒厂家属院", "食品厂小区", "法院家属院", "园林处宿舍", "机械厂小区"}

// stagePlan is how far a demo project has come by today, and its key dates.
type stagePlan struct {
	stage              string
	started, completed bool
}

var stageMix = []stagePlan{
	{"handed_over", true, true}, {"acceptance", true, true}, {"construction", true, false},
	{"construction", true, false}, {"planning", false, false}, {"mobilization", false, false}, {"survey", false, false},
}

// createPipeline sets the districts' targets for 2022 (the seed's table) and,
// for the demo to tell a story now, the same figures for this year, and
// registers this year's projects in every stage, with started and accepted
// dates spread over the year. Stages and dates are written directly: the
// pipeline's own checks are exercised by the tests, not by the demo.
func createPipeline(ctx context.Context, a *app.App, staff *auth.Staff) error {
	now := store.Now()
	year := now.Year()
	districts, err := a.Registry.Districts(ctx, staff)
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	for _, d := range districts {
		ids[d.Name] = d.ID
	}
	rng := mrand.New(mrand.NewPCG(2022, uint64(year)))
	sig, err := SignatureDataURL(rng)
	if err != nil {
		return err
	}
	name := 0
	for _, t := range Targets2022 {
		for _, y := range []int{2022, year} {
			if err := a.DB.WithContext(ctx).Exec(`INSERT INTO district_targets (district_id, year, start_households, complete_households,
				continuing_households, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, ids[t.District], y, t.Start, t.Complete,
				t.Continuing, staff.ID, now).Error; err != nil {
				return err
			}
		}
		// New starts: projects adding up to about the target, in every stage.
		left := t.Start
		for i := 0; left > 0; i++ {
			hh := min(left, 250+rng.IntN(600))
			left -= hh
			sp := stageMix[(i+len(t.District))%len(stageMix)]
			if err := demoProject(ctx, a, staff, ids[t.District], estateNames[name%len(estateNames)], year, projects.KindNew, hh, sp, rng, sig); err != nil {
				return err
			}
			name++
		}
		// Continuing projects from last year: all but the last finished by June.
		left = t.Continuing
		for i := 0; left > 0; i++ {
			hh := min(left, 300+rng.IntN(500))
			left -= hh
			sp := stagePlan{"handed_over", true, true}
			if left == 0 && i > 0 {
				sp = stagePlan{"construction", true, false}
			}
			if err := demoProject(ctx, a, staff, ids[t.District], estateNames[name%len(estateNames)]+"（续建）", year, projects.KindContinuing, hh, sp, rng, sig); err != nil {
				return err
			}
			name++
		}
	}
	return nil
}

func demoProject(ctx context.Context, a *app.App, staff *auth.Staff, districtID int64, name string, year int, kind string,
	households int, sp stagePlan, rng *mrand.Rand, sig string) error {
	streets := []string{"人民路", "解放路", "交通路", "文化路", "中华路", "雪松路", "练江大道", "新华街"}
	c, err := a.Registry.CreateCommunity(ctx, staff, registry.NewCommunity{DistrictID: districtID, Name: name,
		Address: fmt.Sprintf("%s%d号", streets[rng.IntN(len(streets))], 1+rng.IntN(180)), BuiltYear: 1982 + rng.IntN(17)})
	if err != nil {
		return err
	}
	b, err := a.Registry.CreateBuilding(ctx, staff, c.ID, registry.NewBuilding{Name: "1号楼"})
	if err != nil {
		return err
	}
	var roll []auth.Household
	for i := 1; i <= 4; i++ {
		h, err := a.Registry.CreateHousehold(ctx, staff, b.ID, registry.NewHousehold{Room: fmt.Sprintf("%d01", i), Entrance: "1单元",
			Floor: i, AreaM2: valid.Cents(6000 + rng.IntN(30)*100), OwnerName: randomName(rng)})
		if err != nil {
			return err
		}
		p, err := a.Registry.Principal(ctx, h.ID)
		if err != nil {
			return err
		}
		roll = append(roll, p)
	}
	prj, err := a.Projects.Create(ctx, staff, c.ID, projects.NewProject{Year: year})
	if err != nil {
		return err
	}
	invest := valid.Cents(int64(households) * (8000 + int64(rng.IntN(6000))) * 100)
	central := invest * 6 / 10
	if _, err := a.Projects.Register(ctx, staff, prj.ID, projects.LedgerInput{Kind: kind, Households: households,
		Buildings: 2 + households/40, FloorAreaM2: valid.Cents(int64(households) * 7200), InvestmentYuan: invest,
		Funding:           []projects.FundingLine{{Source: "central", AmountYuan: central}, {Source: "district", AmountYuan: invest - central}},
		ResponsiblePerson: randomName(rng), DesignUnit: "驻马店市建筑设计研究院", ConstructionUnit: "驻马店市建筑工程有限公司",
		SupervisionUnit: "天中工程监理有限公司"}); err != nil {
		return err
	}
	if sp.stage != "survey" && sp.stage != "mobilization" {
		in := demoPlan()
		in.Title = name + "老旧小区改造方案"
		plan, err := a.Plans.Create(ctx, staff, prj.ID, in)
		if err != nil {
			return err
		}
		if _, err := a.Plans.Publish(ctx, staff, plan.ID); err != nil {
			return err
		}
		voters := 2
		if sp.started {
			voters = 4
		}
		for _, hh := range roll[:voters] {
			if _, err := a.Consent.Cast(ctx, &hh, consent.BallotInput{PlanID: plan.ID, PlanChoice: consent.Agree,
				ManagementChoice: consent.Agree, Signature: sig}, "", "demo"); err != nil {
				return err
			}
		}
	}
	return demoDates(ctx, a, staff, prj.ID, kind, sp, roll, rng)
}

// demoDates writes the stage and the days it started, was accepted and handed over.
func demoDates(ctx context.Context, a *app.App, staff *auth.Staff, projectID int64, kind string, sp stagePlan, roll []auth.Household, rng *mrand.Rand) error {
	now := time.Now().UTC()
	jan1 := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	span := int(now.Sub(jan1).Hours()/24) - 20
	updates := map[string]any{"stage": sp.stage}
	var started, accepted time.Time
	if sp.started {
		started = jan1.AddDate(0, 0, 40+rng.IntN(max(span/2, 1)))
		if kind == projects.KindContinuing {
			started = jan1.AddDate(-1, 0, 200+rng.IntN(100))
		}
		updates["started_on"] = started
		for n := 2; n <= 5; n++ {
			if _, err := a.Pipeline.Confirm(ctx, staff, projectID, n, pipeline.ConfirmInput{ConfirmedOn: started.AddDate(0, 0, n-6).Format(time.DateOnly),
				Person: "社区主任", Note: pipeline.CriterionNames[n], Evidence: evidencePDF}); err != nil {
				return err
			}
		}
	}
	if sp.completed {
		accepted = started.AddDate(0, 0, 90+rng.IntN(60))
		if kind == projects.KindContinuing {
			accepted = jan1.AddDate(0, 3, rng.IntN(80))
		}
		if accepted.After(now) {
			accepted = now.AddDate(0, 0, -3)
		}
		updates["accepted_on"] = accepted
		if sp.stage == "handed_over" {
			updates["handed_over_at"] = accepted.AddDate(0, 0, 20)
		}
	}
	if err := a.DB.WithContext(ctx).Table("projects").Where("id = ?", projectID).Updates(updates).Error; err != nil {
		return err
	}
	if !sp.completed {
		return nil
	}
	for _, hh := range roll[:3] {
		star := func() int { return 3 + rng.IntN(3) }
		if _, _, err := a.Feedback.Rate(ctx, &hh, feedback.RatingInput{Overall: star(), Quality: star(), Civilised: star(),
			Timeliness: star(), Communication: star()}); err != nil {
			return err
		}
	}
	return nil
}
