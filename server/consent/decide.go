package consent

import (
	"context"
	"strconv"

	"anju/server/votelog"
)

// VoteRef names a project's current vote for DecideMany.
type VoteRef struct {
	ProjectID, PlanID, CommunityID int64
	ScopeBuildingID                *int64
	Rule                           string
	ThresholdPercent               int
}

// chunk bounds the ids in one IN list (SQLite allows 32,766 parameters).
const chunk = 1000

// DecideMany decides many projects' votes in one pass, as the tally decides
// one: each household's newest leaf in its plan's log, counted with
// votelog.Decide under the project's rule. The rolls of all their
// communities and the leaves of all their plans are read with a query per
// thousand, not a tally per project. The caller has chosen the projects
// within its scope. Projects whose plan has leaves that do not hash to their
// recorded hash are decided without them, as the tally does.
func (s *Service) DecideMany(ctx context.Context, refs []VoteRef) (map[int64]votelog.Result, error) {
	out := make(map[int64]votelog.Result, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	type household struct {
		ID, BuildingID, CommunityID int64
		AreaCenti                   int64
		OwnerGroup                  string
	}
	communities := map[int64]bool{}
	subjects := make([]string, 0, len(refs))
	for _, r := range refs {
		communities[r.CommunityID] = true
		subjects = append(subjects, planSubject(r.PlanID))
	}
	ids := make([]int64, 0, len(communities))
	for id := range communities {
		ids = append(ids, id)
	}
	byCommunity := map[int64][]household{}
	for start := 0; start < len(ids); start += chunk {
		var hs []household
		if err := s.db.WithContext(ctx).Raw(`SELECT h.id, h.building_id, b.community_id, h.area_centi, h.owner_group
			FROM households h JOIN buildings b ON b.id = h.building_id WHERE b.community_id IN ? ORDER BY h.id`,
			ids[start:min(start+chunk, len(ids))]).Scan(&hs).Error; err != nil {
			return nil, err
		}
		for _, h := range hs {
			byCommunity[h.CommunityID] = append(byCommunity[h.CommunityID], h)
		}
	}
	leaves := map[string][]votelog.Stored{}
	for start := 0; start < len(subjects); start += chunk {
		var rows []struct {
			Subject        string
			Leaf, LeafHash []byte
		}
		if err := s.db.WithContext(ctx).Raw(`SELECT g.subject, l.leaf, l.leaf_hash FROM tlog_leaves l
			JOIN tlog_logs g ON g.id = l.log_id WHERE g.subject IN ? ORDER BY l.id`,
			subjects[start:min(start+chunk, len(subjects))]).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			leaves[r.Subject] = append(leaves[r.Subject], votelog.Stored{Leaf: r.Leaf, LeafHash: r.LeafHash})
		}
	}
	for _, r := range refs {
		votes, _ := votelog.Current(r.PlanID, leaves[planSubject(r.PlanID)])
		var roll []votelog.RollEntry
		for _, h := range byCommunity[r.CommunityID] {
			if r.ScopeBuildingID != nil && h.BuildingID != *r.ScopeBuildingID {
				continue
			}
			roll = append(roll, rollEntry(h.ID, h.OwnerGroup, h.AreaCenti, votes[h.ID]))
		}
		out[r.ProjectID] = votelog.Decide(r.Rule, r.ThresholdPercent, roll)
	}
	return out, nil
}

// rollEntry is one household on a roll with its newest vote, if any: an
// owner group of flats counts as one head, a household without one as its
// own.
func rollEntry(id int64, ownerGroup string, areaCenti int64, v *votelog.Vote) votelog.RollEntry {
	if ownerGroup == "" {
		ownerGroup = "household:" + strconv.FormatInt(id, 10)
	}
	return votelog.Entry(id, ownerGroup, areaCenti, v)
}
