package feedback

import (
	"context"
	"time"

	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/files"
	"anju/server/httpx"
	"anju/server/problem"
	"anju/server/store"
	"anju/server/valid"
)

// Update is a construction progress post (形象进度) for a project's residents.
type Update struct {
	ID          int64     `json:"id"`
	ProjectID   int64     `json:"project_id"`
	CatalogCode *string   `json:"catalog_code"`
	Text        string    `json:"text"`
	Author      string    `json:"author"`
	CreatedBy   int64     `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// TableName binds Update to its table.
func (Update) TableName() string { return "progress_updates" }

// UpdateView is a progress post with its photos.
type UpdateView struct {
	Update
	CatalogName string  `json:"catalog_name,omitempty"`
	Photos      []Photo `json:"photos"`
}

type progressPhoto struct {
	ID       int64
	UpdateID int64
	FileID   int64
	Seq      int
}

func (progressPhoto) TableName() string { return "progress_photos" }

// NewUpdate is a progress post to publish.
type NewUpdate struct {
	Text        string
	CatalogCode string
	Author      string
	Photos      []httpx.Upload
}

// ProjectScope checks that the caller may see a project and returns its community and district.
func (s *Service) projectScope(ctx context.Context, by *auth.Staff, projectID int64) (communityID, districtID int64, err error) {
	var row []struct{ CommunityID, DistrictID int64 }
	if err := s.db.WithContext(ctx).Raw(`SELECT p.community_id, c.district_id FROM projects p
		JOIN communities c ON c.id = p.community_id WHERE p.id = ?`, projectID).Scan(&row).Error; err != nil {
		return 0, 0, err
	}
	if len(row) == 0 || !by.CanCommunity(row[0].DistrictID, row[0].CommunityID) {
		return 0, 0, problem.NotFound("project_not_found", "No project %d exists in your area.", projectID)
	}
	return row[0].CommunityID, row[0].DistrictID, nil
}

// PostUpdate publishes a progress post with its photos.
func (s *Service) PostUpdate(ctx context.Context, by *auth.Staff, projectID int64, in NewUpdate) (*UpdateView, error) {
	text, err := valid.Text("text", in.Text, true, 2000)
	if err != nil {
		return nil, err
	}
	if len([]rune(text)) < 2 {
		return nil, problem.Field("text", "say what was done (at least 2 characters)")
	}
	author, err := valid.Text("author", in.Author, false, 100)
	if err != nil {
		return nil, err
	}
	if author == "" {
		author = staffName(by)
	}
	var code *string
	if in.CatalogCode != "" {
		if _, ok := s.catalog[in.CatalogCode]; !ok {
			return nil, problem.Field("catalog_code", "%q is not a catalogue item (01 to 31)", in.CatalogCode)
		}
		code = &in.CatalogCode
	}
	if len(in.Photos) > MaxPhotos {
		return nil, problem.Field("photos", "at most %d photos may be attached (got %d)", MaxPhotos, len(in.Photos))
	}
	if _, _, err := s.projectScope(ctx, by, projectID); err != nil {
		return nil, err
	}
	photos, err := s.files.CleanEach(ctx, uploadData(in.Photos), files.JPEG, files.PNG)
	if err != nil {
		return nil, err
	}
	u := &Update{ProjectID: projectID, CatalogCode: code, Text: text, Author: author, CreatedBy: by.ID, CreatedAt: store.Now()}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(u).Error; err != nil {
			return err
		}
		for i, p := range photos {
			f, err := s.files.Store(tx, &by.ID, p)
			if err != nil {
				return err
			}
			if err := tx.Create(&progressPhoto{UpdateID: u.ID, FileID: f.ID, Seq: i + 1}).Error; err != nil {
				return err
			}
		}
		return s.audit.Record(tx, by.Actor(), "progress.post", "project", projectID, map[string]any{"update_id": u.ID, "photos": len(in.Photos)})
	})
	if err != nil {
		return nil, err
	}
	vs, err := s.updateViews(ctx, []Update{*u})
	if err != nil {
		return nil, err
	}
	return &vs[0], nil
}

// Updates lists a project's progress posts, newest first.
func (s *Service) Updates(ctx context.Context, by *auth.Staff, projectID int64) ([]UpdateView, error) {
	if _, _, err := s.projectScope(ctx, by, projectID); err != nil {
		return nil, err
	}
	return s.updatesOf(ctx, "project_id = ?", projectID)
}

// MyUpdates is the progress timeline of the household's community.
func (s *Service) MyUpdates(ctx context.Context, hh *auth.Household) ([]UpdateView, error) {
	return s.updatesOf(ctx, `project_id IN (SELECT id FROM projects WHERE community_id = ?
		AND (scope_building_id IS NULL OR scope_building_id = ?))`, hh.CommunityID, hh.BuildingID)
}

func (s *Service) updatesOf(ctx context.Context, where string, args ...any) ([]UpdateView, error) {
	var us []Update
	if err := s.db.WithContext(ctx).Where(where, args...).Order("id DESC").Limit(500).Find(&us).Error; err != nil {
		return nil, err
	}
	return s.updateViews(ctx, us)
}

func (s *Service) updateViews(ctx context.Context, us []Update) ([]UpdateView, error) {
	out := make([]UpdateView, len(us))
	if len(us) == 0 {
		return out, nil
	}
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = u.ID
	}
	var photos []struct {
		UpdateID int64
		Token    string
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT p.update_id, f.token FROM progress_photos p JOIN files f ON f.id = p.file_id
		WHERE p.update_id IN ? ORDER BY p.update_id, p.seq`, ids).Scan(&photos).Error; err != nil {
		return nil, err
	}
	for i, u := range us {
		out[i] = UpdateView{Update: u, Photos: []Photo{}}
		if u.CatalogCode != nil {
			out[i].CatalogName = s.catalog[*u.CatalogCode].NameZh
		}
		for _, p := range photos {
			if p.UpdateID == u.ID {
				out[i].Photos = append(out[i].Photos, Photo{URL: PhotoURL(p.Token)})
			}
		}
	}
	return out, nil
}

// Photo returns a complaint or progress photo by its token. Other stored files
// (paper ballots, drawings) are never served here.
func (s *Service) Photo(ctx context.Context, token string) (*files.File, []byte, error) {
	f, err := s.files.ByToken(ctx, token)
	if err != nil {
		return nil, nil, problem.NotFound("photo_not_found", "No such photo.")
	}
	var n int64
	if err := s.db.WithContext(ctx).Raw(`SELECT (SELECT COUNT(*) FROM complaint_photos WHERE file_id = ?)
		+ (SELECT COUNT(*) FROM progress_photos WHERE file_id = ?)`, f.ID, f.ID).Scan(&n).Error; err != nil {
		return nil, nil, err
	}
	if n == 0 {
		return nil, nil, problem.NotFound("photo_not_found", "No such photo.")
	}
	return s.files.Open(ctx, f.ID)
}

// PublicUpdates is the progress timeline on a community's public notice board
// (公示): the posts of its community-wide projects.
func (s *Service) PublicUpdates(ctx context.Context, communityToken string) ([]UpdateView, error) {
	var ids []int64
	if communityToken != "" && len(communityToken) <= 64 {
		if err := s.db.WithContext(ctx).Raw("SELECT id FROM communities WHERE public_token = ?", communityToken).Scan(&ids).Error; err != nil {
			return nil, err
		}
	}
	if len(ids) == 0 {
		return nil, problem.NotFound("community_not_found", "This notice board does not exist; check the link or scan the QR code again.")
	}
	return s.updatesOf(ctx, "project_id IN (SELECT id FROM projects WHERE community_id = ? AND scope_building_id IS NULL)", ids[0])
}
