package feedback

import (
	"context"
	"time"

	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/problem"
	"anju/server/valid"
)

// Rating is a household's rating of the finished work (满意度), once per project.
type Rating struct {
	ID            int64     `json:"-"`
	ProjectID     int64     `json:"project_id"`
	HouseholdID   int64     `json:"-"`
	Overall       int       `json:"overall"`
	Quality       int       `json:"quality"`
	Civilised     int       `json:"civilised"`
	Timeliness    int       `json:"timeliness"`
	Communication int       `json:"communication"`
	Comment       string    `json:"comment"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// ItemScore is a score for one catalogue item of the plan.
type ItemScore struct {
	CatalogCode string `json:"catalog_code"`
	Score       int    `json:"score"`
}

type ratingItem struct {
	ID          int64
	RatingID    int64
	CatalogCode string
	Score       int
}

func (ratingItem) TableName() string { return "rating_items" }

// RatingInput is what a household sends.
type RatingInput struct {
	Overall       int         `json:"overall"`
	Quality       int         `json:"quality"`
	Civilised     int         `json:"civilised"`
	Timeliness    int         `json:"timeliness"`
	Communication int         `json:"communication"`
	Comment       string      `json:"comment,omitempty"`
	Items         []ItemScore `json:"items,omitempty"`
}

// RatingView is a rating with its item scores and until when it can change.
type RatingView struct {
	Rating
	Items         []ItemScore `json:"items"`
	EditableUntil time.Time   `json:"editable_until"`
}

// MyProject is what a household needs to know about its project's stage.
type MyProject struct {
	ProjectID    int64      `json:"project_id"`
	Stage        string     `json:"stage"`
	AcceptedOn   *time.Time `json:"accepted_on"`
	HandedOverAt *time.Time `json:"handed_over_at"`
	RatingOpen   bool       `json:"rating_open"`
	// Buildings of the community, for saying where a problem is.
	Buildings []BuildingRef `json:"buildings"`
}

// BuildingRef names a building.
type BuildingRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// MyProject tells the household where its project stands.
func (s *Service) MyProject(ctx context.Context, hh *auth.Household) (*MyProject, error) {
	p, err := s.currentProject(ctx, hh.CommunityID, hh.BuildingID)
	if err != nil {
		return nil, err
	}
	out := &MyProject{ProjectID: p.ID, Stage: p.Stage, AcceptedOn: p.AcceptedOn, HandedOverAt: p.HandedOverAt,
		RatingOpen: p.AcceptedOn != nil, Buildings: []BuildingRef{}}
	err = s.db.WithContext(ctx).Raw("SELECT id, name FROM buildings WHERE community_id = ? ORDER BY id", hh.CommunityID).Scan(&out.Buildings).Error
	return out, err
}

func (in *RatingInput) validate(catalog map[string]bool) error {
	for _, f := range []struct {
		name string
		v    int
	}{{"overall", in.Overall}, {"quality", in.Quality}, {"civilised", in.Civilised}, {"timeliness", in.Timeliness}, {"communication", in.Communication}} {
		if f.v < 1 || f.v > 5 {
			return problem.Field(f.name, "give 1 to 5 stars (got %d)", f.v)
		}
	}
	c, err := valid.Text("comment", in.Comment, false, 1000)
	if err != nil {
		return err
	}
	in.Comment = c
	if len(in.Items) > 31 {
		return problem.Field("items", "at most 31 items")
	}
	seen := map[string]bool{}
	for _, it := range in.Items {
		if !catalog[it.CatalogCode] {
			return problem.Field("items", "%q is not an item of this project's plan", it.CatalogCode)
		}
		if seen[it.CatalogCode] {
			return problem.Field("items", "item %s is rated twice", it.CatalogCode)
		}
		seen[it.CatalogCode] = true
		if it.Score < 1 || it.Score > 5 {
			return problem.Field("items", "give item %s 1 to 5 stars (got %d)", it.CatalogCode, it.Score)
		}
	}
	return nil
}

// planItems are the catalogue codes of the project's current plan (any item
// of the catalogue when no plan was published).
func (s *Service) planItems(ctx context.Context, projectID int64) (map[string]bool, error) {
	var codes []string
	if err := s.db.WithContext(ctx).Raw(`SELECT i.catalog_code FROM plan_items i JOIN plans p ON p.id = i.plan_id
		WHERE p.project_id = ? AND p.status = 'published'`, projectID).Scan(&codes).Error; err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, c := range codes {
		out[c] = true
	}
	return out, nil
}

// Rate records or changes the household's rating of its project, after
// acceptance and within the edit window. created tells a first rating apart.
func (s *Service) Rate(ctx context.Context, hh *auth.Household, in RatingInput) (*RatingView, bool, error) {
	p, err := s.currentProject(ctx, hh.CommunityID, hh.BuildingID)
	if err != nil {
		return nil, false, err
	}
	if p.AcceptedOn == nil {
		return nil, false, problem.Conflict("rating_not_open", "The work has not passed its acceptance inspection yet; you can rate it once it has.")
	}
	items, err := s.planItems(ctx, p.ID)
	if err != nil {
		return nil, false, err
	}
	if err := in.validate(items); err != nil {
		return nil, false, err
	}
	now := s.now()
	created := false
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		var rs []Rating
		if err := tx.Where("project_id = ? AND household_id = ?", p.ID, hh.ID).Limit(1).Find(&rs).Error; err != nil {
			return err
		}
		r := Rating{ProjectID: p.ID, HouseholdID: hh.ID, Overall: in.Overall, Quality: in.Quality, Civilised: in.Civilised,
			Timeliness: in.Timeliness, Communication: in.Communication, Comment: in.Comment, CreatedAt: now, UpdatedAt: now}
		if len(rs) == 0 {
			created = true
			if err := tx.Create(&r).Error; err != nil {
				return err
			}
		} else {
			until := s.editableUntil(rs[0].CreatedAt)
			if now.After(until) {
				return problem.Conflict("rating_locked", "Your rating can no longer be changed: changes were possible until %s.", until.In(China).Format("2006-01-02 15:04"))
			}
			r.ID, r.CreatedAt = rs[0].ID, rs[0].CreatedAt
			if err := tx.Model(&Rating{}).Where("id = ?", r.ID).Updates(map[string]any{"overall": r.Overall, "quality": r.Quality,
				"civilised": r.Civilised, "timeliness": r.Timeliness, "communication": r.Communication, "comment": r.Comment,
				"updated_at": now}).Error; err != nil {
				return err
			}
			if err := tx.Where("rating_id = ?", r.ID).Delete(&ratingItem{}).Error; err != nil {
				return err
			}
		}
		for _, it := range in.Items {
			if err := tx.Create(&ratingItem{RatingID: r.ID, CatalogCode: it.CatalogCode, Score: it.Score}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	v, err := s.MyRating(ctx, hh)
	return v, created, err
}

func (s *Service) editableUntil(created time.Time) time.Time {
	return created.AddDate(0, 0, s.cfg.RatingEditDays)
}

// MyRating returns the household's rating of its current project.
func (s *Service) MyRating(ctx context.Context, hh *auth.Household) (*RatingView, error) {
	p, err := s.currentProject(ctx, hh.CommunityID, hh.BuildingID)
	if err != nil {
		return nil, err
	}
	var rs []Rating
	db := s.db.WithContext(ctx)
	if err := db.Where("project_id = ? AND household_id = ?", p.ID, hh.ID).Limit(1).Find(&rs).Error; err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, problem.NotFound("rating_not_found", "Your household has not rated this renovation yet.")
	}
	var items []ratingItem
	if err := db.Where("rating_id = ?", rs[0].ID).Order("catalog_code").Find(&items).Error; err != nil {
		return nil, err
	}
	v := &RatingView{Rating: rs[0], Items: []ItemScore{}, EditableUntil: s.editableUntil(rs[0].CreatedAt)}
	for _, it := range items {
		v.Items = append(v.Items, ItemScore{CatalogCode: it.CatalogCode, Score: it.Score})
	}
	return v, nil
}
