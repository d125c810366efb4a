package reports

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/consent"
	"anju/server/pipeline"
	"anju/server/problem"
	"anju/server/spreadsheet"
	"anju/server/valid"
)

// SummaryHeader and ProjectHeader are the columns of the monthly report's two
// sheets, 汇总 and 项目.
var (
	SummaryHeader = []string{"县区", "新开工任务（户）", "已开工（户）", "开工率", "完成改造任务（户）", "已完成改造（户）",
		"完成率", "续建任务（户）", "续建已完成（户）", "续建完成率"}
	ProjectHeader = []string{"县区", "小区", "类型", "户数", "阶段", "方案同意率", "表决通过", "开工条件（满足项，共5项）",
		"开工日期", "验收日期", "未办结投诉", "超期投诉", "满意率"}
)

var kindZh = map[string]string{KindNew: "新开工", KindContinuing: "续建"}

// reportProject is one project's row of the 项目 sheet.
type reportProject struct {
	ID                                int64
	DistrictID                        int64
	DistrictName, CommunityName       string
	Kind, Stage, ConsentRule          string
	ThresholdPercent                  int
	CommunityID                       int64
	ScopeBuildingID                   *int64
	StartedOn, AcceptedOn             *time.Time
	PlanID                            *int64
	Households, Eligible              int
	PlanAgree, ManagementAgree        int `gorm:"-"`
	Confirmed                         int
	ComplaintsOpen, ComplaintsOverdue int
	Ratings, RatingsGood              int
	// The vote's figures come from the consent tally after the query (see
	// decide): PlanAgree, ManagementAgree, and whether it is reached.
	ConsentReached bool `gorm:"-"`
}

// projectRowsQuery reads the 项目 sheet in one statement; the start criteria
// count as confirmed by the month's end, complaints as they stand now.
const projectRowsQuery = `SELECT p.id, c.district_id, d.name AS district_name, c.name AS community_name, p.kind, p.stage,
	p.consent_rule, p.threshold_percent, p.community_id, p.scope_building_id, p.started_on, p.accepted_on, pl.id AS plan_id,
	` + projectHouseholds + ` AS households, ` + rollCount + ` AS eligible,
	(SELECT COUNT(*) FROM start_criteria sc WHERE sc.project_id = p.id AND sc.confirmed_on < ?) AS confirmed,
	(SELECT COUNT(*) FROM complaints k WHERE k.project_id = p.id AND k.status IN ?) AS complaints_open,
	(SELECT COUNT(*) FROM complaints k WHERE k.project_id = p.id AND k.status IN ? AND k.deadline < ?) AS complaints_overdue,
	(SELECT COUNT(*) FROM ratings r WHERE r.project_id = p.id) AS ratings,
	(SELECT COUNT(*) FROM ratings r WHERE r.project_id = p.id AND r.overall >= 4) AS ratings_good
	FROM projects p JOIN communities c ON c.id = p.community_id JOIN districts d ON d.id = c.district_id
	LEFT JOIN plans pl ON pl.project_id = p.id AND pl.status = 'published'
	WHERE p.year = ? AND p.plan_status = 'planned'`

// reportScope resolves who the report is about: one district (0 for every
// district, city staff only) and the name the file carries.
func (s *Service) reportScope(ctx context.Context, by *auth.Staff, districtID int64) (int64, string, error) {
	switch {
	case by.Role == auth.RoleCommittee:
		return 0, "", problem.Forbidden("The monthly report is for district and city staff.")
	case districtID == 0 && by.Role == auth.RoleCity:
		return 0, "全市", nil
	case districtID == 0:
		districtID = by.DistrictID
	}
	d, err := s.registry.District(ctx, by, districtID)
	if err != nil {
		return 0, "", err
	}
	return d.ID, d.Name, nil
}

// parseMonth reads YYYY-MM, refusing months that have not begun.
func (s *Service) parseMonth(raw string) (time.Time, error) {
	m, err := time.Parse("2006-01", raw)
	if err != nil || m.Year() < 2000 || m.Year() > 2100 {
		return m, problem.Field("month", "must be a month written YYYY-MM, such as 2026-11 (got %q)", raw)
	}
	if m.After(valid.Today(s.now())) { // the month as it is in China, not in UTC
		return m, problem.Field("month", "%s has not begun yet; the report is built as of a month's last day", raw)
	}
	return m, nil
}

// MonthlyXLSX builds the monthly report (月报) as of the month's last day and
// its file name, e.g. 月报-驿城区-2026-11.xlsx.
func (s *Service) MonthlyXLSX(ctx context.Context, by *auth.Staff, districtID int64, month string) ([]byte, string, error) {
	start, err := s.parseMonth(month)
	if err != nil {
		return nil, "", err
	}
	district, name, err := s.reportScope(ctx, by, districtID)
	if err != nil {
		return nil, "", err
	}
	year, next := start.Year(), start.AddDate(0, 1, 0)
	asOf := next.AddDate(0, 0, -1)
	var summary []summaryLine
	var rows []reportProject
	err = s.read(ctx, func(db *gorm.DB) error {
		var err error
		if summary, err = summaryRows(db, year, asOf, district); err != nil {
			return err
		}
		rows, err = s.projectRows(db, year, next, district)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	if err := s.decide(ctx, rows); err != nil {
		return nil, "", err
	}
	f := excelize.NewFile()
	defer f.Close()
	w, err := newSheets(f, fmt.Sprintf("%s城镇老旧小区改造月报 · %d年%d月 · 截至%s（投诉为导出时状态）",
		name, year, int(start.Month()), asOf.Format(time.DateOnly)))
	if err != nil {
		return nil, "", err
	}
	if err := w.summary(summary, district == 0); err != nil {
		return nil, "", err
	}
	if err := w.projects(rows, asOf); err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), fmt.Sprintf("月报-%s-%s.xlsx", name, start.Format("2006-01")), nil
}

// summaryLine is one district's line of the 汇总 sheet.
type summaryLine struct {
	Name    string
	Target  *Targets
	Figures Figures
}

func summaryRows(db *gorm.DB, year int, asOf time.Time, district int64) ([]summaryLine, error) {
	rows, err := loadFacts(db, year, district)
	if err != nil {
		return nil, err
	}
	var districts []struct {
		ID   int64
		Name string
	}
	q := db.Table("districts").Select("id, name").Order("id")
	if district != 0 {
		q = q.Where("id = ?", district)
	}
	if err := q.Scan(&districts).Error; err != nil {
		return nil, err
	}
	var targets []Target
	if err := db.Where("year = ?", year).Find(&targets).Error; err != nil {
		return nil, err
	}
	out := make([]summaryLine, 0, len(districts))
	for _, d := range districts {
		line := summaryLine{Name: d.Name}
		var t Targets
		for i := range targets {
			if targets[i].DistrictID == d.ID {
				t = targets[i].Targets
				line.Target = &t
			}
		}
		line.Figures = Evaluate(year, t, asOf, factsOf(rows, d.ID))
		out = append(out, line)
	}
	return out, nil
}

func (s *Service) projectRows(db *gorm.DB, year int, next time.Time, district int64) ([]reportProject, error) {
	open := openStatuses()
	q, args := projectRowsQuery, []any{next, open, open, s.now(), year}
	if district != 0 {
		q, args = q+" AND c.district_id = ?", append(args, district)
	}
	var rows []reportProject
	err := db.Raw(q+" ORDER BY d.id, c.name, p.id", args...).Scan(&rows).Error
	return rows, err
}

// decide fills the projects' vote figures with the consent tally's count
// (consent.DecideMany: each plan's public log under the project's rule), in
// one pass for every project with a published plan.
func (s *Service) decide(ctx context.Context, rows []reportProject) error {
	var refs []consent.VoteRef
	for _, p := range rows {
		if p.PlanID != nil {
			refs = append(refs, consent.VoteRef{ProjectID: p.ID, PlanID: *p.PlanID, CommunityID: p.CommunityID,
				ScopeBuildingID: p.ScopeBuildingID, Rule: p.ConsentRule, ThresholdPercent: p.ThresholdPercent})
		}
	}
	decided, err := s.consent.DecideMany(ctx, refs)
	if err != nil {
		return err
	}
	for i := range rows {
		if d, ok := decided[rows[i].ID]; ok {
			rows[i].Eligible, rows[i].PlanAgree, rows[i].ManagementAgree, rows[i].ConsentReached = d.Eligible, d.Plan.Agree, d.Management.Agree, d.Reached
		}
	}
	return nil
}

// sheets writes the two sheets of the monthly report.
type sheets struct {
	f                   *excelize.File
	title               string
	percent, date, head int
}

func newSheets(f *excelize.File, title string) (*sheets, error) {
	w := &sheets{f: f, title: title}
	if err := f.SetSheetName("Sheet1", "汇总"); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet("项目"); err != nil {
		return nil, err
	}
	var err error
	pct, day := "0.00%", "yyyy-mm-dd"
	if w.percent, err = f.NewStyle(&excelize.Style{CustomNumFmt: &pct}); err != nil {
		return nil, err
	}
	if w.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &day}); err != nil {
		return nil, err
	}
	if w.head, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return nil, err
	}
	return w, nil
}

// start writes the title and the header row of a sheet.
func (w *sheets) start(sheet string, header []string) error {
	if err := w.f.SetCellStr(sheet, "A1", spreadsheet.Text(w.title)); err != nil {
		return err
	}
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = h
	}
	if err := w.f.SetSheetRow(sheet, "A2", &row); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(header), 2)
	if err := w.f.SetCellStyle(sheet, "A2", last, w.head); err != nil {
		return err
	}
	return w.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}

// put writes one row from column A; cells named in percent or date get that format.
func (w *sheets) put(sheet string, row int, values []any, percentCols, dateCols []int) error {
	cell, _ := excelize.CoordinatesToCellName(1, row)
	values = spreadsheet.Row(values)
	if err := w.f.SetSheetRow(sheet, cell, &values); err != nil {
		return err
	}
	for _, fmtd := range []struct {
		cols  []int
		style int
	}{{percentCols, w.percent}, {dateCols, w.date}} {
		for _, c := range fmtd.cols {
			name, _ := excelize.CoordinatesToCellName(c, row)
			if err := w.f.SetCellStyle(sheet, name, name, fmtd.style); err != nil {
				return err
			}
		}
	}
	return nil
}

// share is part ÷ whole for a percentage cell, empty when there is no whole.
func share(part, whole int) any {
	if whole <= 0 {
		return nil
	}
	return float64(part) / float64(whole)
}

func (w *sheets) summary(lines []summaryLine, total bool) error {
	if err := w.start("汇总", SummaryHeader); err != nil {
		return err
	}
	var sum summaryLine
	sum.Name, sum.Target = "合计", &Targets{}
	row := 3
	for _, l := range lines {
		if err := w.summaryLine(row, l); err != nil {
			return err
		}
		row++
		if l.Target != nil {
			sum.Target.StartHouseholds += l.Target.StartHouseholds
			sum.Target.CompleteHouseholds += l.Target.CompleteHouseholds
			sum.Target.ContinuingHouseholds += l.Target.ContinuingHouseholds
		}
		sum.Figures.StartedHouseholds += l.Figures.StartedHouseholds
		sum.Figures.CompletedHouseholds += l.Figures.CompletedHouseholds
		sum.Figures.Continuing.DoneHouseholds += l.Figures.Continuing.DoneHouseholds
	}
	if total {
		if err := w.summaryLine(row, sum); err != nil {
			return err
		}
	}
	return w.f.SetColWidth("汇总", "A", "J", 16)
}

func (w *sheets) summaryLine(row int, l summaryLine) error {
	f := l.Figures
	vals := []any{l.Name, nil, f.StartedHouseholds, nil, nil, f.CompletedHouseholds, nil, nil, f.Continuing.DoneHouseholds, nil}
	if t := l.Target; t != nil {
		vals[1], vals[3] = t.StartHouseholds, share(f.StartedHouseholds, t.StartHouseholds)
		vals[4], vals[6] = t.CompleteHouseholds, share(f.CompletedHouseholds, t.CompleteHouseholds)
		vals[7], vals[9] = t.ContinuingHouseholds, share(f.Continuing.DoneHouseholds, t.ContinuingHouseholds)
	}
	return w.put("汇总", row, vals, []int{4, 7, 10}, nil)
}

func (w *sheets) projects(rows []reportProject, asOf time.Time) error {
	if err := w.start("项目", ProjectHeader); err != nil {
		return err
	}
	cutoff := day(asOf)
	for i, p := range rows {
		vals := []any{p.DistrictName, p.CommunityName, kindZh[p.Kind], p.Households, pipeline.Label(p.Stage),
			nil, "未公布方案", p.Confirmed, nil, nil, p.ComplaintsOpen, p.ComplaintsOverdue, share(p.RatingsGood, p.Ratings)}
		if p.PlanID != nil {
			vals[5], vals[6] = share(p.PlanAgree, p.Eligible), yesNo(p.ConsentReached)
			if p.ConsentReached {
				vals[7] = p.Confirmed + 1
			}
		}
		if by(p.StartedOn, cutoff) {
			vals[7], vals[8] = 5, *p.StartedOn
		}
		if by(p.AcceptedOn, cutoff) {
			vals[9] = *p.AcceptedOn
		}
		if err := w.put("项目", i+3, vals, []int{6, 13}, []int{9, 10}); err != nil {
			return err
		}
	}
	return w.f.SetColWidth("项目", "A", "M", 14)
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}
