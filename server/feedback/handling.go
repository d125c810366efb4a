package feedback

import (
	"context"
	"time"

	"gorm.io/gorm"

	"anju/server/auth"
	"anju/server/problem"
	"anju/server/valid"
)

// TransitionRequest is a staff member moving a complaint.
type TransitionRequest struct {
	To     string `json:"to"`
	Note   string `json:"note,omitempty"`
	UnitID *int64 `json:"unit_id,omitempty"`
	Into   *int64 `json:"into,omitempty"`
}

// ReplyRequest is a staff reply that does not change the status.
type ReplyRequest struct {
	Note string `json:"note"`
}

// ReopenRequest is a household's reason for reopening.
type ReopenRequest struct {
	Reason string `json:"reason"`
}

// roleNames say who acted, in the words residents read.
var roleNames = map[string]string{auth.RoleCommittee: "社区居委会", auth.RoleDistrict: "县区住建部门", auth.RoleCity: "市改造办"}

func staffName(by *auth.Staff) string { return roleNames[by.Role] + " " + by.Username }

// actor is who moves a complaint: kind (ByStaff…), id, the name residents
// read, and the name the audit log records ("" for no audit entry).
type actor struct {
	kind  string
	id    *int64
	name  string
	audit string
}

func staffActor(by *auth.Staff) actor {
	return actor{kind: ByStaff, id: &by.ID, name: staffName(by), audit: by.Actor()}
}

var systemActor = actor{kind: BySystem, name: "系统"}

func householdActor(hh *auth.Household) actor {
	return actor{kind: ByHousehold, id: &hh.ID, name: "住户", audit: "household:" + itoa(hh.ID)}
}

// extra carries what some moves need.
type extra struct {
	unitID *int64
	into   *Complaint
}

// move applies one transition inside a transaction, with its timeline event.
// The update is conditional on the status read, so two staff members acting
// at once cannot both succeed.
func (s *Service) move(ctx context.Context, c *Complaint, to Status, who actor, note string, x *extra) error {
	if err := CheckTransition(c.Status, to, who.kind); err != nil {
		return err
	}
	now := s.now()
	updates := map[string]any{"status": string(to), "updated_at": now}
	ev := &Event{ComplaintID: c.ID, Kind: "status", FromStatus: string(c.Status), ToStatus: string(to), Note: note,
		ActorType: who.kind, ActorID: who.id, ActorName: who.name, CreatedAt: now}
	var deadline *time.Time
	switch to {
	case Assigned:
		d := s.cal.Deadline(now, s.cfg.ResolveWorkingDays)
		deadline = &d
		updates["unit_id"], updates["escalation_level"] = *x.unitID, 0
		ev.UnitID = x.unitID
	case InProgress:
		deadline = c.Deadline
	case Reopened:
		d := s.cal.Deadline(now, s.cfg.AckWorkingDays)
		deadline = &d
		updates["escalation_level"], updates["auto_close_at"] = 0, nil
	case Resolved:
		at := now.AddDate(0, 0, s.cfg.AutoCloseDays)
		updates["auto_close_at"] = at
	case Merged:
		updates["merged_into"] = x.into.ID
	case Closed:
		updates["auto_close_at"] = nil
	}
	updates["deadline"] = deadline
	ev.Deadline = deadline
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&Complaint{}).Where("id = ? AND status = ?", c.ID, string(c.Status)).Updates(updates)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return problem.Conflict("complaint_changed", "Someone has just changed this complaint; reload it and try again.")
		}
		if err := tx.Create(ev).Error; err != nil {
			return err
		}
		if to == Merged {
			if err := tx.Create(&Event{ComplaintID: x.into.ID, Kind: "reply", Note: mergedNote(c.ID, note), ActorType: who.kind,
				ActorID: who.id, ActorName: who.name, CreatedAt: now}).Error; err != nil {
				return err
			}
		}
		if who.audit != "" {
			if err := s.audit.Record(tx, who.audit, "complaint."+string(to), "complaint", c.ID,
				map[string]any{"from": c.Status, "note": note}); err != nil {
				return err
			}
		}
		return tx.Where("id = ?", c.ID).Take(c).Error
	})
}

func mergedNote(id int64, note string) string {
	s := "已合并重复投诉 #" + itoa(id)
	if note != "" {
		s += "：" + note
	}
	return s
}

// Transition is a staff member moving a complaint in their area.
func (s *Service) Transition(ctx context.Context, by *auth.Staff, id int64, in TransitionRequest) (*View, error) {
	c, err := s.staffComplaint(ctx, by, id)
	if err != nil {
		return nil, err
	}
	to := Status(in.To)
	if !to.Known() {
		return nil, problem.Field("to", "%q is not a complaint status; allowed from %q: %v", in.To, c.Status, Allowed(c.Status, ByStaff))
	}
	if err := CheckTransition(c.Status, to, ByStaff); err != nil {
		return nil, err
	}
	note, err := valid.Text("note", in.Note, to == Resolved || to == Rejected, 1000)
	if err != nil {
		if to == Rejected {
			return nil, problem.Field("note", "is required: tell the resident why the complaint is rejected")
		}
		if to == Resolved {
			return nil, problem.Field("note", "is required: tell the resident what was done")
		}
		return nil, err
	}
	x := &extra{}
	switch to {
	case Assigned:
		if in.UnitID == nil {
			return nil, problem.Field("unit_id", "is required: the unit responsible (contractor, property company or department)")
		}
		if _, err := s.unit(ctx, by, c.DistrictID, *in.UnitID); err != nil {
			return nil, err
		}
		x.unitID = in.UnitID
	case Merged:
		if in.Into == nil {
			return nil, problem.Field("into", "is required: the complaint this one duplicates")
		}
		if *in.Into == c.ID {
			return nil, problem.Field("into", "a complaint cannot be merged into itself")
		}
		target, err := s.staffComplaint(ctx, by, *in.Into)
		if err != nil {
			return nil, problem.Field("into", "complaint %d does not exist in your area", *in.Into)
		}
		if target.ProjectID != c.ProjectID || !target.Status.IsOpen() {
			return nil, problem.Field("into", "complaint %d must be an open complaint of the same project", *in.Into)
		}
		x.into = target
	}
	if err := s.move(ctx, c, to, staffActor(by), note, x); err != nil {
		return nil, err
	}
	return s.staffView(ctx, by, c)
}

// Reply adds a staff reply to the timeline without changing the status.
func (s *Service) Reply(ctx context.Context, by *auth.Staff, id int64, in ReplyRequest) (*View, error) {
	note, err := valid.Text("note", in.Note, true, 1000)
	if err != nil {
		return nil, err
	}
	c, err := s.staffComplaint(ctx, by, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&Event{ComplaintID: c.ID, Kind: "reply", Note: note, ActorType: ByStaff, ActorID: &by.ID,
			ActorName: staffName(by), CreatedAt: now}).Error; err != nil {
			return err
		}
		return tx.Model(&Complaint{}).Where("id = ?", c.ID).Update("updated_at", now).Error
	})
	if err != nil {
		return nil, err
	}
	return s.staffView(ctx, by, c)
}

// Sweep escalates overdue complaints (to the district at the deadline, to the
// city city_escalation_working_days later) and closes resolved complaints the
// household left unanswered. Every instance may run it: each change is
// conditional, so it happens once. It returns how many complaints it touched.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	now := s.now()
	var cs []Complaint
	db := s.db.WithContext(ctx)
	if err := db.Where("status IN ? AND deadline IS NOT NULL AND deadline < ? AND escalation_level < 2", openStatuses(), now).
		Find(&cs).Error; err != nil {
		return 0, err
	}
	touched := 0
	for i := range cs {
		c := &cs[i]
		level := 1
		if !now.Before(s.cal.Deadline(c.Deadline.Add(-time.Second), s.cfg.CityEscalationWorkingDays)) {
			level = 2
		}
		if level <= c.EscalationLevel {
			continue
		}
		note := "已超过办理时限，升级至县区住建部门督办"
		if level == 2 {
			note = "超过办理时限仍未办结，升级至市改造办督办"
		}
		err := s.db.Tx(ctx, func(tx *gorm.DB) error {
			res := tx.Model(&Complaint{}).Where("id = ? AND escalation_level < ? AND status = ?", c.ID, level, string(c.Status)).
				Updates(map[string]any{"escalation_level": level, "updated_at": now})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			touched++
			return tx.Create(&Event{ComplaintID: c.ID, Kind: "escalated", Note: note, ActorType: BySystem, ActorName: "系统",
				Deadline: c.Deadline, CreatedAt: now}).Error
		})
		if err != nil {
			return touched, err
		}
	}
	var resolved []Complaint
	if err := db.Where("status = ? AND auto_close_at IS NOT NULL AND auto_close_at < ?", string(Resolved), now).Find(&resolved).Error; err != nil {
		return touched, err
	}
	for i := range resolved {
		err := s.move(ctx, &resolved[i], Closed, systemActor, "住户未在规定时间内确认或重新打开，系统自动关闭", nil)
		if pe, ok := problem.As(err); ok && pe.Code == "complaint_changed" {
			continue
		}
		if err != nil {
			return touched, err
		}
		touched++
	}
	return touched, nil
}

// RunSweeper sweeps every interval until ctx ends.
func (s *Service) RunSweeper(ctx context.Context, every time.Duration, logErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			logErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
