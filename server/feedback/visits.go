package feedback

import (
	"context"
	"time"

	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/problem"
	"anju/server/store"
	"anju/server/valid"
)

// Visit is a follow-up visit (回访) staff made to residents after the work.
type Visit struct {
	ID          int64     `json:"id"`
	ProjectID   int64     `json:"project_id"`
	HouseholdID *int64    `json:"household_id"`
	ComplaintID *int64    `json:"complaint_id"`
	VisitedOn   time.Time `json:"visited_on"`
	Method      string    `json:"method"`
	Satisfied   *bool     `json:"satisfied"`
	Note        string    `json:"note"`
	StaffID     int64     `json:"-"`
	StaffName   string    `gorm:"->;-:migration" json:"by"`
	CreatedAt   time.Time `json:"created_at"`
}

// TableName binds Visit to its table.
func (Visit) TableName() string { return "follow_up_visits" }

// NewVisit is a visit to record.
type NewVisit struct {
	VisitedOn   string `json:"visited_on"`
	Method      string `json:"method"`
	HouseholdID *int64 `json:"household_id,omitempty"`
	ComplaintID *int64 `json:"complaint_id,omitempty"`
	Satisfied   *bool  `json:"satisfied,omitempty"`
	Note        string `json:"note"`
}

// RecordVisit records a follow-up visit for a project.
func (s *Service) RecordVisit(ctx context.Context, by *auth.Staff, projectID int64, in NewVisit) (*Visit, error) {
	day, err := valid.Date("visited_on", in.VisitedOn)
	if err != nil {
		return nil, err
	}
	if day.After(valid.Today(s.now())) {
		return nil, problem.Field("visited_on", "lies in the future; record a visit once it has taken place")
	}
	if err := valid.OneOf("method", in.Method, codes(VisitMethods)...); err != nil {
		return nil, err
	}
	note, err := valid.Text("note", in.Note, true, 1000)
	if err != nil {
		return nil, err
	}
	communityID, _, err := s.projectScope(ctx, by, projectID)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	if in.HouseholdID != nil {
		var n int64
		if err := db.Raw(`SELECT COUNT(*) FROM households h JOIN buildings b ON b.id = h.building_id
			WHERE h.id = ? AND b.community_id = ?`, *in.HouseholdID, communityID).Scan(&n).Error; err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, problem.Field("household_id", "household %d is not in this project's community", *in.HouseholdID)
		}
	}
	if in.ComplaintID != nil {
		var n int64
		if err := db.Model(&Complaint{}).Where("id = ? AND project_id = ?", *in.ComplaintID, projectID).Count(&n).Error; err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, problem.Field("complaint_id", "complaint %d is not one of this project's", *in.ComplaintID)
		}
	}
	v := &Visit{ProjectID: projectID, HouseholdID: in.HouseholdID, ComplaintID: in.ComplaintID, VisitedOn: day, Method: in.Method,
		Satisfied: in.Satisfied, Note: note, StaffID: by.ID, StaffName: by.Username, CreatedAt: store.Now()}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Omit("StaffName").Create(v).Error; err != nil {
			return err
		}
		if in.ComplaintID != nil {
			note := "回访（" + labelOf(VisitMethods, in.Method) + "）：" + note
			if err := tx.Create(&Event{ComplaintID: *in.ComplaintID, Kind: "reply", Note: note, ActorType: ByStaff, ActorID: &by.ID,
				ActorName: staffName(by), CreatedAt: v.CreatedAt}).Error; err != nil {
				return err
			}
		}
		return s.audit.Record(tx, by.Actor(), "visit.record", "project", projectID, in)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Visits lists a project's follow-up visits, newest first.
func (s *Service) Visits(ctx context.Context, by *auth.Staff, projectID int64) ([]Visit, error) {
	if _, _, err := s.projectScope(ctx, by, projectID); err != nil {
		return nil, err
	}
	var out []Visit
	err := s.db.WithContext(ctx).Raw(`SELECT v.*, u.username AS staff_name FROM follow_up_visits v
		JOIN staff_users u ON u.id = v.staff_id WHERE v.project_id = ? ORDER BY v.visited_on DESC, v.id DESC`, projectID).Scan(&out).Error
	return out, err
}
