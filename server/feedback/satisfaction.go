package feedback

import (
	"context"
	"time"

	"anju/server/auth"
	"anju/server/problem"
	"anju/server/valid"
)

// Score sums ratings on one scale: how many, the share of 4 and 5 (满意率)
// and the average, both null without ratings.
type Score struct {
	Count   int      `json:"count"`
	Rate    *float64 `json:"rate"`
	Average *float64 `json:"average"`
}

// scoreOf sums counts of 1..5 stars (index 0 unused).
func scoreOf(stars [6]int) Score {
	var sc Score
	sum, good := 0, 0
	for v := 1; v <= 5; v++ {
		sc.Count += stars[v]
		sum += v * stars[v]
		if v >= 4 {
			good += stars[v]
		}
	}
	if sc.Count > 0 {
		rate := float64(good) / float64(sc.Count)
		avg := float64(sum) / float64(sc.Count)
		sc.Rate, sc.Average = &rate, &avg
	}
	return sc
}

// ItemSatisfaction is the score of one catalogue item.
type ItemSatisfaction struct {
	CatalogCode string `json:"catalog_code"`
	Name        string `json:"name"`
	Score
}

// Comment is a rating's comment.
type Comment struct {
	At      time.Time `json:"at"`
	Overall int       `json:"overall"`
	Comment string    `json:"comment"`
}

// Satisfaction is a project's ratings summed up.
type Satisfaction struct {
	ProjectID  int64              `json:"project_id"`
	Ratings    int                `json:"ratings"`
	Households int                `json:"households"`
	Rate       *float64           `json:"rate"`
	Average    *float64           `json:"average"`
	Dimensions map[string]Score   `json:"dimensions"`
	Items      []ItemSatisfaction `json:"items"`
	Comments   []Comment          `json:"comments"`
}

// Dimensions rated besides the overall score.
var Dimensions = []Label{
	{"overall", "总体评价", "Overall"},
	{"quality", "工程质量", "Quality"},
	{"civilised", "文明施工", "Civilised construction"},
	{"timeliness", "工期进度", "Timeliness"},
	{"communication", "沟通服务", "Communication"},
}

// ProjectSatisfaction sums a project's ratings.
func (s *Service) ProjectSatisfaction(ctx context.Context, by *auth.Staff, projectID int64) (*Satisfaction, error) {
	if _, _, err := s.projectScope(ctx, by, projectID); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	var rs []Rating
	if err := db.Where("project_id = ?", projectID).Order("id DESC").Find(&rs).Error; err != nil {
		return nil, err
	}
	out := &Satisfaction{ProjectID: projectID, Ratings: len(rs), Dimensions: map[string]Score{}, Items: []ItemSatisfaction{}, Comments: []Comment{}}
	if err := db.Raw(`SELECT COUNT(*) FROM households h JOIN buildings b ON b.id = h.building_id
		JOIN projects p ON p.community_id = b.community_id WHERE p.id = ? AND (p.scope_building_id IS NULL OR p.scope_building_id = b.id)`,
		projectID).Scan(&out.Households).Error; err != nil {
		return nil, err
	}
	stars := map[string]*[6]int{}
	for _, d := range Dimensions {
		stars[d.Code] = &[6]int{}
	}
	for _, r := range rs {
		stars["overall"][r.Overall]++
		stars["quality"][r.Quality]++
		stars["civilised"][r.Civilised]++
		stars["timeliness"][r.Timeliness]++
		stars["communication"][r.Communication]++
		if r.Comment != "" {
			out.Comments = append(out.Comments, Comment{At: r.UpdatedAt, Overall: r.Overall, Comment: r.Comment})
		}
	}
	for k, v := range stars {
		out.Dimensions[k] = scoreOf(*v)
	}
	overall := out.Dimensions["overall"]
	out.Rate, out.Average = overall.Rate, overall.Average
	var items []struct {
		CatalogCode string
		Score, N    int
	}
	if err := db.Raw(`SELECT i.catalog_code, i.score, COUNT(*) AS n FROM rating_items i JOIN ratings r ON r.id = i.rating_id
		WHERE r.project_id = ? GROUP BY i.catalog_code, i.score ORDER BY i.catalog_code`, projectID).Scan(&items).Error; err != nil {
		return nil, err
	}
	byCode := map[string]*[6]int{}
	var order []string
	for _, it := range items {
		if byCode[it.CatalogCode] == nil {
			byCode[it.CatalogCode] = &[6]int{}
			order = append(order, it.CatalogCode)
		}
		byCode[it.CatalogCode][it.Score] += it.N
	}
	for _, c := range order {
		out.Items = append(out.Items, ItemSatisfaction{CatalogCode: c, Name: s.catalog[c].NameZh, Score: scoreOf(*byCode[c])})
	}
	return out, nil
}

// DistrictSatisfaction is one district's ratings summed up.
type DistrictSatisfaction struct {
	DistrictID   int64  `json:"district_id"`
	DistrictName string `json:"district_name"`
	Projects     int    `json:"projects"`
	Score
}

// Districts sums the overall ratings per district the caller may see, for
// projects of a year (all years when year is 0).
func (s *Service) Districts(ctx context.Context, by *auth.Staff, year int) ([]DistrictSatisfaction, error) {
	if year != 0 {
		if err := valid.Range("year", year, 2000, 2100); err != nil {
			return nil, err
		}
	}
	q := `SELECT d.id AS district_id, d.name AS district_name, r.overall, COUNT(*) AS n
		FROM ratings r JOIN projects p ON p.id = r.project_id JOIN communities c ON c.id = p.community_id
		JOIN districts d ON d.id = c.district_id WHERE (? = 0 OR p.year = ?)`
	args := []any{year, year}
	switch by.Role {
	case auth.RoleDistrict:
		q, args = q+" AND d.id = ?", append(args, by.DistrictID)
	case auth.RoleCommittee:
		return nil, problem.Forbidden("District satisfaction is for district and city staff.")
	}
	var rows []struct {
		DistrictID   int64
		DistrictName string
		Overall, N   int
	}
	if err := s.db.WithContext(ctx).Raw(q+" GROUP BY d.id, d.name, r.overall ORDER BY d.id", args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	var projects []struct{ DistrictID, N int64 }
	if err := s.db.WithContext(ctx).Raw(`SELECT c.district_id, COUNT(DISTINCT r.project_id) AS n FROM ratings r
		JOIN projects p ON p.id = r.project_id JOIN communities c ON c.id = p.community_id
		WHERE (? = 0 OR p.year = ?) GROUP BY c.district_id`, year, year).Scan(&projects).Error; err != nil {
		return nil, err
	}
	out := []DistrictSatisfaction{}
	stars := map[int64]*[6]int{}
	for _, r := range rows {
		if stars[r.DistrictID] == nil {
			stars[r.DistrictID] = &[6]int{}
			out = append(out, DistrictSatisfaction{DistrictID: r.DistrictID, DistrictName: r.DistrictName})
		}
		stars[r.DistrictID][r.Overall] += r.N
	}
	for i := range out {
		out[i].Score = scoreOf(*stars[out[i].DistrictID])
		for _, p := range projects {
			if p.DistrictID == out[i].DistrictID {
				out[i].Projects = int(p.N)
			}
		}
	}
	return out, nil
}
