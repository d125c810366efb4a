package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	mrand "math/rand/v2"
	"time"

	"anju/server/app"
	"anju/server/auth"
	"anju/server/consent"
	"anju/server/feedback"
	"anju/server/httpx"
	"anju/server/pipeline"
	"anju/server/projects"
	"anju/server/registry"
	"anju/server/valid"
)

// finishedCommunity is a renovation finished last year: handed over, under
// warranty, rated by its residents, with complaints in every state.
const finishedCommunity = "建设街小区"

// createFinished builds the finished community and its history.
func createFinished(ctx context.Context, a *app.App, staff *auth.Staff, districtID int64) error {
	community, err := a.Registry.CreateCommunity(ctx, staff, registry.NewCommunity{DistrictID: districtID,
		Name: finishedCommunity, Address: "驿城区建设街12号", BuiltYear: 1988})
	if err != nil {
		return err
	}
	rng := mrand.New(mrand.NewPCG(1988, 2025))
	var households []auth.Household
	for _, name := range []string{"1号楼", "2号楼"} {
		b, err := a.Registry.CreateBuilding(ctx, staff, community.ID, registry.NewBuilding{Name: name})
		if err != nil {
			return err
		}
		for floor := 1; floor <= 6; floor++ {
			for flat := 1; flat <= 2; flat++ {
				h, err := a.Registry.CreateHousehold(ctx, staff, b.ID, registry.NewHousehold{
					Room: fmt.Sprintf("%d%02d", floor, flat), Entrance: "1单元", Floor: floor,
					AreaM2: valid.Cents(6000 + rng.IntN(30)*100), OwnerName: randomName(rng),
					OwnerPhone: fmt.Sprintf("13%d%08d", 5+rng.IntN(5), rng.IntN(100000000))})
				if err != nil {
					return err
				}
				p, err := a.Registry.Principal(ctx, h.ID)
				if err != nil {
					return err
				}
				households = append(households, p)
			}
		}
	}
	prj, err := a.Projects.Create(ctx, staff, community.ID, projects.NewProject{Year: time.Now().Year() - 1})
	if err != nil {
		return err
	}
	in := demoPlan()
	in.Title = "建设街小区老旧小区改造方案"
	plan, err := a.Plans.Create(ctx, staff, prj.ID, in)
	if err != nil {
		return err
	}
	if _, err := a.Plans.Publish(ctx, staff, plan.ID); err != nil {
		return err
	}
	sig, err := SignatureDataURL(rng)
	if err != nil {
		return err
	}
	for i, hh := range households {
		if i%11 == 5 {
			continue
		}
		if _, err := a.Consent.Cast(ctx, &hh, consent.BallotInput{PlanID: plan.ID, PlanChoice: consent.Agree,
			ManagementChoice: consent.Agree, Signature: sig}, "", "demo"); err != nil {
			return err
		}
	}
	if _, err := a.Consent.Close(ctx, staff, prj.ID); err != nil {
		return err
	}
	if err := confirmCriteria(ctx, a, staff, prj.ID, rng); err != nil {
		return err
	}
	if err := advance(ctx, a, staff, prj.ID, pipeline.Mobilization, pipeline.Planning, pipeline.Construction); err != nil {
		return err
	}
	if err := postProgress(ctx, a, staff, prj.ID, rng); err != nil {
		return err
	}
	if err := advance(ctx, a, staff, prj.ID, pipeline.Acceptance); err != nil {
		return err
	}
	accepted := time.Now().UTC().AddDate(0, -3, 0).Format(time.DateOnly)
	if _, err := a.Pipeline.RecordAcceptance(ctx, staff, prj.ID, pipeline.AcceptanceRequest{InspectedOn: accepted, Passed: true,
		Note: "竣工验收合格：屋面闭水试验无渗漏，雨污水管道通水试验合格。"}); err != nil {
		return err
	}
	if err := advance(ctx, a, staff, prj.ID, pipeline.HandedOver); err != nil {
		return err
	}
	if err := complaints(ctx, a, staff, households, districtID, rng); err != nil {
		return err
	}
	return rate(ctx, a, households, rng)
}

// confirmCriteria confirms start criteria 2–5 with site photos, as the
// committee did last spring.
func confirmCriteria(ctx context.Context, a *app.App, staff *auth.Staff, projectID int64, rng *mrand.Rand) error {
	notes := map[int]string{2: "违建棚屋 6 处已全部拆除", 3: "设计图纸已在小区公示栏公示 7 天", 4: "施工合同已签订", 5: "施工队伍进场，脚手架搭设完成"}
	day := time.Now().UTC().AddDate(0, -8, 0).Format(time.DateOnly)
	for n := 2; n <= 5; n++ {
		if _, err := a.Pipeline.Confirm(ctx, staff, projectID, n, pipeline.ConfirmInput{ConfirmedOn: day, Person: "社区主任 刘",
			Note: notes[n], Evidence: photo(rng)}); err != nil {
			return fmt.Errorf("demo start criterion %d: %w", n, err)
		}
	}
	return nil
}

func advance(ctx context.Context, a *app.App, staff *auth.Staff, projectID int64, stages ...string) error {
	for _, st := range stages {
		if _, err := a.Pipeline.Transition(ctx, staff, projectID, pipeline.TransitionRequest{To: st}); err != nil {
			return fmt.Errorf("demo stage %s: %w", st, err)
		}
	}
	return nil
}

// photo draws a picture that passes for a site photo: sky, a building, a scaffold.
func photo(rng *mrand.Rand) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	wall := color.RGBA{uint8(170 + rng.IntN(60)), uint8(150 + rng.IntN(60)), 130, 255}
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			c := color.RGBA{140, 190, 235, 255}
			switch {
			case y > 120 && x > 100 && x < 540:
				c = wall
				if (x-100)%60 < 30 && (y-120)%50 < 25 {
					c = color.RGBA{60, 80, 100, 255}
				}
			case y > 400:
				c = color.RGBA{110, 110, 100, 255}
			}
			if x%80 < 4 && y > 90 {
				c = color.RGBA{200, 120, 30, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
	return buf.Bytes()
}

func postProgress(ctx context.Context, a *app.App, staff *auth.Staff, projectID int64, rng *mrand.Rand) error {
	posts := []feedback.NewUpdate{
		{CatalogCode: "01", Author: "驻马店市建筑工程有限公司", Text: "1号楼、2号楼屋面旧防水层铲除完毕，开始铺设第一道 SBS 卷材。"},
		{CatalogCode: "16", Author: "驻马店市建筑工程有限公司", Text: "主干雨水管道开挖更换，东侧道路临时封闭三天，请绕行西门。"},
		{CatalogCode: "14", Author: "社区居委会", Text: "楼道声光控 LED 灯全部安装完成，已逐层试亮。"},
	}
	for _, p := range posts {
		p.Photos = []httpx.Upload{{Name: "site.jpg", Data: photo(rng)}}
		if _, err := a.Feedback.PostUpdate(ctx, staff, projectID, p); err != nil {
			return err
		}
	}
	return nil
}

// complaints leaves complaints in every state: assigned, confirmed, rejected,
// overdue and escalated, resolved and waiting for the household.
func complaints(ctx context.Context, a *app.App, staff *auth.Staff, hs []auth.Household, districtID int64, rng *mrand.Rand) error {
	fb := a.Feedback
	units := map[string]int64{}
	for _, u := range []feedback.NewUnit{{Name: "驻马店市建筑工程有限公司", Kind: "contractor", Phone: "0396-2881234"},
		{Name: "天中物业服务有限公司", Kind: "property", Phone: "0396-2665678"}, {Name: "驿城区住建局", Kind: "department"}} {
		u.DistrictID = &districtID
		made, err := fb.AddUnit(ctx, staff, u)
		if err != nil {
			return err
		}
		units[u.Kind] = made.ID
	}
	file := func(hh *auth.Household, in feedback.NewComplaint) (int64, error) {
		v, _, err := fb.File(ctx, hh, in, "")
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	}
	move := func(id int64, to, note string, unit string) error {
		req := feedback.TransitionRequest{To: to, Note: note}
		if unit != "" {
			u := units[unit]
			req.UnitID = &u
		}
		_, err := fb.Transition(ctx, staff, id, req)
		return err
	}
	// Ten days ago: nobody acted, so it is overdue and escalated now.
	real := time.Now
	fb.SetClock(func() time.Time { return real().UTC().AddDate(0, 0, -10).Truncate(time.Microsecond) })
	late, err := file(&hs[7], feedback.NewComplaint{Category: "safety", Description: "2号楼北侧拆下的脚手架钢管堆在消防通道上，一直没人清走。"})
	fb.SetClock(func() time.Time { return real().UTC().Truncate(time.Microsecond) })
	if err != nil {
		return err
	}
	_ = late
	if _, err := fb.Sweep(ctx); err != nil {
		return err
	}
	leak, err := file(&hs[10], feedback.NewComplaint{Category: "quality", CatalogCode: "01", Warranty: "true",
		Description: "下大雨后顶层卧室天花板渗水，墙角发霉。", Floor: "6",
		Photos: []httpx.Upload{{Name: "leak.jpg", Data: photo(rng)}}})
	if err != nil {
		return err
	}
	if err := move(leak, "assigned", "保修期内，请施工单位两日内上门查勘。", "contractor"); err != nil {
		return err
	}
	noise, err := file(&hs[3], feedback.NewComplaint{Category: "disturbance", Description: "晚上十点以后还在切割管道，噪音太大。"})
	if err != nil {
		return err
	}
	if err := move(noise, "assigned", "", "contractor"); err != nil {
		return err
	}
	if err := move(noise, "resolved", "已约谈施工单位，夜间22:00后停止一切高噪音作业。", ""); err != nil {
		return err
	}
	if _, err := fb.Confirm(ctx, &hs[3], noise); err != nil {
		return err
	}
	fee, err := file(&hs[4], feedback.NewComplaint{Category: "property", Description: "希望改造后物业费不要涨，能不能免收一年？"})
	if err != nil {
		return err
	}
	if err := move(fee, "rejected", "物业费标准由业主大会表决确定，不属于改造投诉；已转告业委会在下次业主大会讨论。", ""); err != nil {
		return err
	}
	// The household the demo prints (1号楼 601) has an answer waiting for it.
	light, err := file(&hs[10], feedback.NewComplaint{Category: "quality", CatalogCode: "14", Description: "6楼楼道灯晚上不亮，声控不灵敏。", Floor: "6"})
	if err != nil {
		return err
	}
	if err := move(light, "assigned", "", "contractor"); err != nil {
		return err
	}
	return move(light, "resolved", "更换了6楼的声光控感应器，已测试正常。请确认。", "")
}

// rate has most households rate the finished work.
func rate(ctx context.Context, a *app.App, hs []auth.Household, rng *mrand.Rand) error {
	comments := []string{"屋顶不漏了，楼道也亮堂了", "施工期间灰尘大，其他都好", "工期拖了半个月", "物业进来后干净多了", ""}
	for i := range hs {
		if i == 10 || i%5 == 4 {
			continue
		}
		star := func() int { return 3 + rng.IntN(3) - rng.IntN(2) }
		in := feedback.RatingInput{Overall: star(), Quality: star(), Civilised: star(), Timeliness: star(), Communication: star(),
			Comment: comments[rng.IntN(len(comments))], Items: []feedback.ItemScore{{CatalogCode: "01", Score: star()}, {CatalogCode: "14", Score: star()}}}
		if _, _, err := a.Feedback.Rate(ctx, &hs[i], in); err != nil {
			return err
		}
	}
	return nil
}
