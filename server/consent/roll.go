package consent

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"anju/server/auth"
	"anju/server/problem"
	"anju/server/registry"
	"anju/server/spreadsheet"
)

// RollHeader is the consent roll's header row (表决名册).
var RollHeader = []string{"楼栋", "单元", "楼层", "房号", "业主", "面积(m²)", "改造方案", "物业管理模式", "方式", "时间(北京时间)", "确认方式", "录入人员"}

var choiceZh = map[string]string{Agree: "同意", Disagree: "不同意", Abstain: "弃权"}
var channelZh = map[string]string{ChannelOnline: "手机", ChannelPaper: "纸质"}

// evidenceZh names how each vote was confirmed; a vote confirmed by code
// says plainly that no signature was drawn, for the committee's follow-up.
var evidenceZh = map[string]string{EvidenceSignature: "手写签名", EvidenceHouseholdCode: "输入户码确认（无手写签名）",
	EvidencePaperForm: "纸质表照片"}

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
	rows, broken, err := s.loadRoll(ctx, prj, plan.ID)
	if err != nil {
		return nil, "", err
	}
	if broken != "" {
		return nil, "", errRecord(broken)
	}
	staff, err := s.recorders(ctx, rows)
	if err != nil {
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
	for i, r := range rows {
		row := []any{r.BuildingName, r.Entrance, r.Floor, r.Room, registry.MaskName(r.OwnerName),
			float64(r.AreaCenti) / 100, "未投票", "未投票", "", "", "", ""}
		if v := r.vote; v != nil {
			row[6], row[7], row[8] = choiceZh[v.PlanChoice], choiceZh[v.ManagementChoice], channelZh[v.Channel]
			row[9] = v.RecordedAt.In(beijing).Format("2006-01-02 15:04:05")
			row[10] = evidenceZh[v.Kind()]
			if v.RecordedBy != nil {
				row[11] = staff[*v.RecordedBy]
			}
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

// recorders returns the usernames of the staff who recorded paper ballots on the roll.
func (s *Service) recorders(ctx context.Context, rows []rollRow) (map[int64]string, error) {
	var ids []int64
	for _, r := range rows {
		if r.vote != nil && r.vote.RecordedBy != nil {
			ids = append(ids, *r.vote.RecordedBy)
		}
	}
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var users []struct {
		ID       int64
		Username string
	}
	if err := s.db.WithContext(ctx).Raw("SELECT id, username FROM staff_users WHERE id IN ?", ids).Scan(&users).Error; err != nil {
		return nil, err
	}
	for _, u := range users {
		out[u.ID] = u.Username
	}
	return out, nil
}

// errRecord refuses to print a count the log does not vouch for.
func errRecord(detail string) error {
	return problem.Conflict("record_does_not_verify", "The plan's public record does not verify, so no roll is printed from it: %s", detail)
}
