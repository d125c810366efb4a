// Package demo loads the demo dataset `make run` starts with: the Zhumadian
// districts of seed 002, one 1990s community with three buildings of
// households, a published renovation plan with votes already coming in, a city
// staff account, and one household that has not voted yet to try it with.
package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	mrand "math/rand/v2"
	"time"

	"anju/server/app"
	"anju/server/auth"
	"anju/server/config"
	"anju/server/consent"
	"anju/server/plans"
	"anju/server/projects"
	"anju/server/registry"
	"anju/server/valid"
)

// Districts are the counties and districts named in seed 002's task tables.
var Districts = []string{"驿城区", "经济开发区", "遂平县", "西平县", "上蔡县", "汝南县", "平舆县", "正阳县"}

const (
	communityName = "纺织厂家属院"
	staffUser     = "demo-city"
	tryBuilding   = "1号楼"
	tryRoom       = "601"
)

// Dataset is what the demo prints.
type Dataset struct {
	BuildingToken string
	Building      string
	Community     string
	Room          string
	Code          string
	StaffUser     string
	StaffPassword string
	ProjectID     int64
	BoardURL      string
	// Finished is a household of a renovation handed over last year: it can
	// rate the work, follow its complaints and file warranty claims.
	FinishedCommunity     string
	FinishedBuildingToken string
	FinishedCode          string
}

// Load creates the demo data if it is missing, then issues a fresh code for the
// household to try and a fresh password for the demo staff account (only
// hashes are stored, so they cannot be shown again later).
func Load(ctx context.Context, a *app.App) (*Dataset, error) {
	password, err := randomPassword()
	if err != nil {
		return nil, err
	}
	staff, err := ensureStaff(ctx, a, password)
	if err != nil {
		return nil, err
	}
	comms, err := a.Registry.Communities(ctx, staff, 0)
	if err != nil {
		return nil, err
	}
	var community *registry.Community
	for i := range comms {
		if comms[i].Name == communityName {
			community = &comms[i]
		}
	}
	if community == nil {
		if community, err = create(ctx, a, staff); err != nil {
			return nil, err
		}
	}
	var finished *registry.Community
	for i := range comms {
		if comms[i].Name == finishedCommunity {
			finished = &comms[i]
		}
	}
	if finished == nil {
		if err := createFinished(ctx, a, staff, community.DistrictID); err != nil {
			return nil, fmt.Errorf("demo: the finished renovation: %w", err)
		}
		if finished, err = findCommunity(ctx, a, staff, finishedCommunity); err != nil {
			return nil, err
		}
	}
	var targets int64
	if err := a.DB.WithContext(ctx).Table("district_targets").Count(&targets).Error; err != nil {
		return nil, err
	}
	if targets == 0 {
		if err := createPipeline(ctx, a, staff); err != nil {
			return nil, fmt.Errorf("demo: the year's projects and targets: %w", err)
		}
	}
	d := &Dataset{Community: community.Name, Room: tryRoom, StaffUser: staffUser, StaffPassword: password, BoardURL: community.BoardURL,
		FinishedCommunity: finished.Name}
	if d.BuildingToken, d.Code, err = tryHousehold(ctx, a, staff, community.ID); err != nil {
		return nil, err
	}
	d.Building = tryBuilding
	if d.FinishedBuildingToken, d.FinishedCode, err = tryHousehold(ctx, a, staff, finished.ID); err != nil {
		return nil, err
	}
	ps, err := a.Projects.List(ctx, staff)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.CommunityID == community.ID {
			d.ProjectID = p.ID
		}
	}
	return d, nil
}

// tryHousehold issues a fresh code for room 601 of building 1 of a community.
func tryHousehold(ctx context.Context, a *app.App, staff *auth.Staff, communityID int64) (token, code string, err error) {
	buildings, err := a.Registry.Buildings(ctx, staff, communityID)
	if err != nil {
		return "", "", err
	}
	for _, b := range buildings {
		if b.Name != tryBuilding {
			continue
		}
		hs, err := a.Registry.Households(ctx, staff, b.ID)
		if err != nil {
			return "", "", err
		}
		for _, h := range hs {
			if h.Room == tryRoom {
				issued, err := a.Registry.ReissueCode(ctx, staff, h.ID)
				if err != nil {
					return "", "", err
				}
				return b.Token, issued.Code, nil
			}
		}
	}
	return "", "", fmt.Errorf("the demo household %s %s is missing; delete the database file to rebuild the demo", tryBuilding, tryRoom)
}

func findCommunity(ctx context.Context, a *app.App, staff *auth.Staff, name string) (*registry.Community, error) {
	comms, err := a.Registry.Communities(ctx, staff, 0)
	if err != nil {
		return nil, err
	}
	for i := range comms {
		if comms[i].Name == name {
			return &comms[i], nil
		}
	}
	return nil, fmt.Errorf("demo community %s is missing", name)
}

// Print says where to click.
func (d *Dataset) Print(w io.Writer, cfg config.Config) {
	fmt.Fprintf(w, `
  安居 Anju is running with the demo dataset.

  Resident (open on a phone-sized window):
    %s
    %s %s, room 房号 %s, household code 户码 %s

  Resident of a renovation finished last year (rate it, confirm a repair, warranty claims):
    %s
    %s 1号楼, room 房号 601, household code 户码 %s

  Staff (city office):
    %s/staff/
    username %s, password %s
    consent tally API: GET /api/v1/projects/%d/consent

  Public notice board (no sign-in): %s

  API description: %s/api/v1/openapi.json
  (The code and password above are new on every start; earlier ones stop working.)

`, cfg.ResidentURL(d.BuildingToken), d.Community, d.Building, d.Room, d.Code,
		cfg.ResidentURL(d.FinishedBuildingToken), d.FinishedCommunity, d.FinishedCode, cfg.PublicURL, d.StaffUser,
		d.StaffPassword, d.ProjectID, d.BoardURL, cfg.PublicURL)
}

func ensureStaff(ctx context.Context, a *app.App, password string) (*auth.Staff, error) {
	err := a.Staffs.SetPassword(ctx, staffUser, password)
	if err != nil {
		if _, err = a.Staffs.Create(ctx, nil, auth.NewStaff{Username: staffUser, Password: password, Role: auth.RoleCity}); err != nil {
			return nil, err
		}
	}
	u, err := a.Staffs.Authenticate(ctx, staffUser, password)
	if err != nil {
		return nil, err
	}
	return &auth.Staff{ID: u.ID, Username: u.Username, Role: u.Role}, nil
}

func create(ctx context.Context, a *app.App, staff *auth.Staff) (*registry.Community, error) {
	existing, err := a.Registry.Districts(ctx, staff)
	if err != nil {
		return nil, err
	}
	have := map[string]int64{}
	for _, d := range existing {
		have[d.Name] = d.ID
	}
	for _, name := range Districts {
		if _, ok := have[name]; ok {
			continue
		}
		d, err := a.Registry.CreateDistrict(ctx, staff, registry.NewDistrict{Name: name})
		if err != nil {
			return nil, err
		}
		have[name] = d.ID
	}
	community, err := a.Registry.CreateCommunity(ctx, staff, registry.NewCommunity{DistrictID: have["驿城区"],
		Name: communityName, Address: "驿城区交通路18号", BuiltYear: 1991})
	if err != nil {
		return nil, err
	}
	rng := mrand.New(mrand.NewPCG(1991, 2026))
	var households []voter
	for _, name := range []string{"1号楼", "2号楼", "3号楼"} {
		b, err := a.Registry.CreateBuilding(ctx, staff, community.ID, registry.NewBuilding{Name: name})
		if err != nil {
			return nil, err
		}
		for floor := 1; floor <= 6; floor++ {
			for flat := 1; flat <= 4; flat++ {
				entrance := "1单元"
				if flat > 2 {
					entrance = "2单元"
				}
				h, err := a.Registry.CreateHousehold(ctx, staff, b.ID, registry.NewHousehold{
					Room: fmt.Sprintf("%d%02d", floor, flat), Entrance: entrance, Floor: floor,
					AreaM2: valid.Cents(5500 + rng.IntN(40)*100), OwnerName: randomName(rng),
					OwnerPhone: fmt.Sprintf("13%d%08d", 5+rng.IntN(5), rng.IntN(100000000))})
				if err != nil {
					return nil, err
				}
				if !(name == tryBuilding && fmt.Sprintf("%d%02d", floor, flat) == tryRoom) {
					households = append(households, voter{id: h.ID, code: h.Code})
				}
			}
		}
	}
	prj, err := a.Projects.Create(ctx, staff, community.ID, projects.NewProject{Year: time.Now().Year()})
	if err != nil {
		return nil, err
	}
	plan, err := a.Plans.Create(ctx, staff, prj.ID, demoPlan())
	if err != nil {
		return nil, err
	}
	if _, err := a.Plans.Publish(ctx, staff, plan.ID); err != nil {
		return nil, err
	}
	return community, castVotes(ctx, a, plan.ID, households, rng)
}

func demoPlan() plans.Input {
	yuan := func(v int64) *valid.Cents { c := valid.Cents(v * 100); return &c }
	closes := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	return plans.Input{
		Title: "纺织厂家属院老旧小区改造方案",
		Summary: "屋顶防水翻新、雨污水管网更新、楼道照明和楼道修缮、供电线路改造、小区绿化提升，" +
			"并引入专业物业服务。施工期约 5 个月，分楼栋进行，尽量减少对居民生活的影响。",
		ManagementMode:        "professional",
		ManagementDescription: "改造完成后通过公开招标选聘专业物业服务企业，物业费标准经业主大会表决后公示，前三年由区财政给予补贴。",
		BudgetTotalYuan:       yuan(1280000),
		Funding: []plans.FundingInput{
			{Source: "central", AmountYuan: 800000 * 100}, {Source: "provincial", AmountYuan: 160000 * 100},
			{Source: "district", AmountYuan: 200000 * 100}, {Source: "residents", AmountYuan: 72000 * 100},
			{Source: "utilities", AmountYuan: 48000 * 100},
		},
		Items: []plans.ItemInput{
			{CatalogCode: "01", Description: "三栋楼屋顶铲除旧防水层，铺设 SBS 改性沥青防水卷材两道，更换屋面排水口。", Quantity: "2,160 m²", BudgetYuan: yuan(324000)},
			{CatalogCode: "16", Description: "更换小区主干雨水管道，新增雨水篦子，检查井盖与路面齐平。", Quantity: "420 m", BudgetYuan: yuan(252000)},
			{CatalogCode: "17", Description: "清掏化粪池，更换破损污水管和井盖。", Quantity: "3 座化粪池，260 m 管道", BudgetYuan: yuan(168000)},
			{CatalogCode: "14", Description: "每层楼道安装声光控 LED 灯。", Quantity: "36 盏", BudgetYuan: yuan(21600)},
			{CatalogCode: "18", Description: "楼道墙面重新粉刷，修复楼梯扶手，线路规整穿管。", Quantity: "6 个单元", BudgetYuan: yuan(186400)},
			{CatalogCode: "22", Description: "更换老化入户电缆，实行一户一表。", Quantity: "72 户", BudgetYuan: yuan(216000)},
			{CatalogCode: "27", Description: "补栽树木花草，拆除废弃储藏室后新建绿地。", Quantity: "680 m²", BudgetYuan: yuan(112000)},
		},
		VotingClosesAt: &closes,
	}
}

// voter is a demo household with its code.
type voter struct {
	id   int64
	code string
}

// castVotes records about two thirds of the households' votes, as if residents
// had been voting for a while; a few confirm by typing their household code
// instead of drawing, so the console's list of them is not empty.
func castVotes(ctx context.Context, a *app.App, planID int64, households []voter, rng *mrand.Rand) error {
	sig, err := SignatureDataURL(rng)
	if err != nil {
		return err
	}
	pick := func(agree int) string {
		switch n := rng.IntN(100); {
		case n < agree:
			return consent.Agree
		case n < agree+(100-agree)/2:
			return consent.Disagree
		default:
			return consent.Abstain
		}
	}
	for i, h := range households {
		if i%3 == 2 {
			continue
		}
		p, err := a.Registry.Principal(ctx, h.id)
		if err != nil {
			return err
		}
		in := consent.BallotInput{PlanID: planID, PlanChoice: pick(90), ManagementChoice: pick(80), Signature: sig}
		if i%12 == 4 {
			in.Signature, in.Evidence, in.HouseholdCode = "", consent.EvidenceHouseholdCode, h.code
		}
		if _, err := a.Consent.Cast(ctx, &p, in, "", "demo"); err != nil {
			return err
		}
	}
	return nil
}

// SignatureDataURL draws a scribble that passes as a signature.
func SignatureDataURL(rng *mrand.Rand) (string, error) {
	img := image.NewNRGBA(image.Rect(0, 0, 300, 120))
	ink := color.NRGBA{20, 20, 20, 255}
	phase := rng.Float64() * math.Pi
	for x := 20; x < 280; x++ {
		y := 60 + int(30*math.Sin(float64(x)/18+phase)*math.Cos(float64(x)/47))
		for dy := -1; dy <= 1; dy++ {
			img.Set(x, y+dy, ink)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

var surnames = []rune("王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾")
var given = []string{"建国", "秀英", "桂兰", "国强", "玉梅", "志刚", "淑珍", "红霞", "德明", "凤英", "海燕", "卫东", "丽娟", "保国", "春花", "振华"}

func randomName(rng *mrand.Rand) string {
	return string(surnames[rng.IntN(len(surnames))]) + given[rng.IntN(len(given))]
}

func randomPassword() (string, error) {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 14)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:4]) + "-" + string(b[4:9]) + "-" + string(b[9:]), nil
}
