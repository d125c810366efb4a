package consent

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"anju/server/auth"
	"anju/server/registry"
	"anju/server/spreadsheet"
)

// rollLine is one household of the archived consent roll.
type rollLine struct {
	BuildingName, Entrance, Room, OwnerName string
	Floor                                   int
	AreaCenti                               int64
	PlanChoice, ManagementChoice, Channel   *string
	RecordedAt                              *time.Time
	SignatureBytes                          *int64
	EvidenceFileID                          *int64
	RecordedBy                              *string
}

const rollExportQuery = `SELECT b.name AS building_name, h.entrance, h.floor, h.room, h.owner_name, h.area_centi,
	bl.plan_choice, bl.management_choice, bl.channel, r.recorded_at,
	LENGTH(r.signature_png) AS signature_bytes, r.evidence_file_id, su.username AS recorded_by
	FROM households h
	JOIN buildings b ON b.id = h.building_id
	LEFT JOIN ballots bl ON bl.household_id = h.id AND bl.plan_id = ?
	LEFT JOIN ballot_revisions r ON r.id = bl.current_revision_id
	LEFT JOIN staff_users su ON su.id = r.recorded_by
	WHERE b.community_id = ?`

// RollHeader is the consent roll's header row (表决名册).
var RollHeader = []string{"楼栋", "单元", "楼层", "房号", "业主", "面积(m²)", "改造方案", "物业管理模式", "方式", "时间(北京时间)", "签名/纸质表", "录入人员"}

var choiceZh = map[string]string{Agree: "同意", Disagree: "不同意", Abstain: "弃权"}
var channelZh = map[string]string{ChannelOnline: "手机", ChannelPaper: "纸质"}

// RollXLSX builds the consent roll of a project's current plan for the
// archive: every household in scope, voters or not, owners masked.
func (s *Service) RollXLSX(ctx context.Context, by *auth.Staff, projectID int64) ([]byte, string, error) {
	prj, err := s.projects.Get(ctx, by, projectID)
	if err != nil {
		return nil, "", err
	}
	plan, err := s.plans.CurrentForProject(ctx, projectID)
	if err != nil {
		return nil, "", err
	}
	q, args := rollExportQuery, []any{plan.ID, prj.CommunityID}
	if prj.ScopeBuildingID != nil {
		q, args = q+" AND b.id = ?", append(args, *prj.ScopeBuildingID)
	}
	var lines []rollLine
	if err := s.db.WithContext(ctx).Raw(q+" ORDER BY b.id, h.entrance, h.floor, h.room", args...).Scan(&lines).Error; err != nil {
		return nil, "", err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "表决名册"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, "", err
	}
	title := fmt.Sprintf("%s · %d · 方案第%d版 · 导出于 %s", prj.CommunityName, prj.Year, plan.Version,
		s.now().In(beijing).Format("2006-01-02 15:04"))
	if err := f.SetCellStr(sheet, "A1", spreadsheet.Text(title)); err != nil {
		return nil, "", err
	}
	header := make([]any, len(RollHeader))
	for i, h := range RollHeader {
		header[i] = h
	}
	if err := f.SetSheetRow(sheet, "A2", &header); err != nil {
		return nil, "", err
	}
	for i, l := range lines {
		row := []any{l.BuildingName, l.Entrance, l.Floor, l.Room, registry.MaskName(l.OwnerName),
			float64(l.AreaCenti) / 100, "未投票", "未投票", "", "", "", ""}
		if l.PlanChoice != nil {
			row[6], row[7], row[8] = choiceZh[*l.PlanChoice], choiceZh[deref(l.ManagementChoice)], channelZh[deref(l.Channel)]
			if l.RecordedAt != nil {
				row[9] = l.RecordedAt.In(beijing).Format("2006-01-02 15:04:05")
			}
			switch {
			case l.SignatureBytes != nil && *l.SignatureBytes > 0:
				row[10] = "有签名"
			case l.EvidenceFileID != nil:
				row[10] = "纸质表照片"
			default:
				row[10] = "无"
			}
			row[11] = deref(l.RecordedBy)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		row = spreadsheet.Row(row)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return nil, "", err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, "", err
	}
	name := fmt.Sprintf("consent-roll-project-%d-plan-v%d.xlsx", prj.ID, plan.Version)
	return buf.Bytes(), name, nil
}

// beijing is China Standard Time, the time people read on the archive.
var beijing = time.FixedZone("CST", 8*3600)

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
