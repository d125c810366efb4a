package consent

import (
	"context"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"anju/server/auth"
	"anju/server/store"
	"anju/server/tlog"
	"anju/server/votelog"
)

// The online vote on PostgreSQL, in two round trips (issue 10). The first
// takes the vote locks and reads everything the vote depends on — the
// household its token claims included, so sign-in costs no round trip of its
// own — and reserves the ids of the rows it will write; the second writes the
// revision, its leaf and the current ballot, and commits (live tallies hear
// of it from the sequencer: Events.Integrated). Only the common vote goes
// this way: a first vote, or an online vote replacing an online one, on a
// plan open to the household, with no replayed idempotency key and no stale
// "replaces". Anything else (a refusal, a replay, a crossing between paper
// and online) rolls back and takes the general path, which checks and
// answers it under the same locks: one home for every rule and message.

// voteStateSQL reads, under the vote locks, the plan, the household's
// current ballot with its leaf hash, whether the idempotency key was used,
// and reserves the ids of the revision (and, for a first vote, the ballot).
const voteStateSQL = `SELECT p.status, p.voting_opens_at, p.voting_closes_at, p.closed_at, p.project_id,
	pr.community_id, pr.scope_building_id,
	h.code_version, h.building_id, hb.community_id, hc.district_id,
	b.id, b.revision, b.current_revision_id, b.channel, l.leaf_hash,
	EXISTS (SELECT 1 FROM ballot_revisions r WHERE r.household_id = $2 AND r.idempotency_key = $4),
	nextval(pg_get_serial_sequence('ballot_revisions', 'id')),
	CASE WHEN b.id IS NULL THEN nextval(pg_get_serial_sequence('ballots', 'id')) ELSE 0 END
FROM plans p JOIN projects pr ON pr.id = p.project_id
LEFT JOIN households h ON h.id = $2
LEFT JOIN buildings hb ON hb.id = h.building_id
LEFT JOIN communities hc ON hc.id = hb.community_id
LEFT JOIN ballots b ON b.plan_id = p.id AND b.household_id = $2
LEFT JOIN tlog_leaves l ON l.log_id = $3 AND l.ref = b.current_revision_id
WHERE p.id = $1`

const insertBallotSQL = `INSERT INTO ballots (id, plan_id, household_id, revision, current_revision_id,
	plan_choice, management_choice, channel, recorded_at, created_at) VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $8)`

const insertRevisionSQL = `INSERT INTO ballot_revisions (id, ballot_id, plan_id, household_id, revision,
	plan_choice, management_choice, channel, evidence, replaces_id, signature_png, signature_sha256, evidence_sha256,
	idempotency_key, request_hash, client_ip, recorded_at, prev_hash, hash)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', $13, $14, $15, $16, $17, $18)`

const updateBallotSQL = `UPDATE ballots SET revision = $2, plan_choice = $3, management_choice = $4, channel = $5,
	recorded_at = $6, current_revision_id = $7 WHERE id = $1`

// voteState is what the first round trip read.
type voteState struct {
	target
	// the household as the database has it (nil when it is gone)
	codeVersion, buildingID, communityID, districtID *int64
	ballotID, revision                               *int64
	currentRevisionID                                *int64
	channel                                          *string
	leafHash                                         []byte
	replayed                                         bool
	newRevID, newBallot                              int64
}

// errGeneral sends a vote to the general path.
var errGeneral = errors.New("consent: not the common vote")

// castPipelined records rev, an online vote, in two round trips. It returns
// errGeneral, having written nothing, for any vote that is not the common one.
func (s *Service) castPipelined(ctx context.Context, v voter, logID int64, rev *Revision, in BallotInput,
	idemKey string) (*Receipt, int64, error) {
	var receipt *Receipt
	var projectID int64
	err := s.db.Pipelined(ctx, func(p *store.Pipeline) error {
		var st voteState
		var key *string
		if idemKey != "" {
			key = &idemKey
		}
		b := &pgx.Batch{}
		store.QueueLockSharedThen(b, store.LockPlanVote, in.PlanID, store.LockHouseholdVote, v.id)
		b.Queue(voteStateSQL, in.PlanID, v.id, logID, key).QueryRow(func(row pgx.Row) error {
			t := &st.target
			return row.Scan(&t.Status, &t.VotingOpensAt, &t.VotingClosesAt, &t.ClosedAt, &t.ProjectID,
				&t.CommunityID, &t.ScopeBuildingID,
				&st.codeVersion, &st.buildingID, &st.communityID, &st.districtID,
				&st.ballotID, &st.revision, &st.currentRevisionID, &st.channel, &st.leafHash,
				&st.replayed, &st.newRevID, &st.newBallot)
		})
		if err := p.Send(ctx, b); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return errGeneral
			}
			return err
		}
		st.target.ID = in.PlanID
		if st.codeVersion == nil || st.buildingID == nil || st.communityID == nil || st.districtID == nil ||
			int(*st.codeVersion) != v.codeVersion {
			return errGeneral // Verify says why, as the guard would
		}
		hh, err := v.confirm(auth.Household{ID: v.id, BuildingID: *st.buildingID, CommunityID: *st.communityID,
			DistrictID: *st.districtID, CodeVersion: int(*st.codeVersion)})
		if err != nil {
			return err
		}
		if !st.common(s.now(), hh, in) {
			return errGeneral
		}
		projectID = st.ProjectID

		now := s.now()
		rev.ID, rev.RecordedAt = st.newRevID, now
		replaces := ""
		b = &pgx.Batch{}
		if st.ballotID == nil {
			rev.BallotID, rev.Revision = st.newBallot, 1
			b.Queue(insertBallotSQL, rev.BallotID, rev.PlanID, rev.HouseholdID, rev.ID, rev.PlanChoice,
				rev.ManagementChoice, rev.Channel, now)
		} else {
			rev.BallotID, rev.Revision = *st.ballotID, int(*st.revision)+1
			rev.ReplacesID, replaces = st.currentRevisionID, hex.EncodeToString(st.leafHash)
		}
		leaf := votelog.Encode(voteOf(rev, replaces))
		rev.PrevHash, rev.Hash = replaces, hex.EncodeToString(tlog.LeafHash(leaf))
		b.Queue(insertRevisionSQL, rev.ID, rev.BallotID, rev.PlanID, rev.HouseholdID, rev.Revision, rev.PlanChoice,
			rev.ManagementChoice, rev.Channel, rev.Evidence, rev.ReplacesID, rev.SignaturePNG, rev.SignatureSHA256, rev.IdempotencyKey,
			rev.RequestHash, rev.ClientIP, now, rev.PrevHash, rev.Hash)
		s.ballots.logs.QueueAppend(b, logID, rev.ID, leaf)
		if st.ballotID != nil {
			b.Queue(updateBallotSQL, rev.BallotID, rev.Revision, rev.PlanChoice, rev.ManagementChoice, rev.Channel,
				now, rev.ID)
		}
		if err := p.Commit(ctx, b); err != nil {
			return err
		}
		receipt = receiptOf(rev, st.VotingClosesAt, nil)
		return nil
	})
	return receipt, projectID, err
}

// common tells whether the vote is one castPipelined records: anything it
// does not know how to answer goes to the general path.
func (st *voteState) common(now time.Time, hh *auth.Household, in BallotInput) bool {
	// votingOpen refuses drafts too.
	if !st.admits(hh.CommunityID, hh.BuildingID) || st.replayed || votingOpen(&st.Plan, now) != nil {
		return false
	}
	if st.ballotID == nil {
		return !in.Replaces.Set || in.Replaces.ID == nil
	}
	if st.currentRevisionID == nil || len(st.leafHash) == 0 || st.channel == nil || *st.channel != ChannelOnline {
		return false // a crossing from paper, or a ballot the general path reports on
	}
	return !in.Replaces.Set || (in.Replaces.ID != nil && *in.Replaces.ID == *st.currentRevisionID)
}

// householdActor names a household in the audit log.
func householdActor(id int64) string { return "household:" + strconv.FormatInt(id, 10) }
