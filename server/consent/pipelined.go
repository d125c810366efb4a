package consent

import (
	"context"
	"encoding/hex"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"anju/server/auth"
	"anju/server/store"
	"anju/server/tlog"
	"anju/server/votelog"
)

// The online vote on PostgreSQL, written in batches (issue 10). Votes that
// arrive together share one pipelined transaction of two round trips, as a
// database's group commit shares one disk flush: the first takes the vote
// locks of every vote in it (the plans' shared, then the households', each
// set in one order, so batches never deadlock) and reads everything the
// votes depend on — the households their tokens claim included, so sign-in
// costs no round trip of its own — and reserves the ids of the rows they
// will write; the second writes every revision, its leaf and the current
// ballots with one statement per table, and commits. Each vote's answer
// waits for that commit: nothing is acknowledged before it is durable.
// Live tallies hear of votes from the sequencer (Events.Integrated).
//
// Only the common vote goes this way: a first vote, or an online vote
// replacing an online one, on a plan open to the household, with no
// replayed idempotency key and no stale "replaces". Anything else (a
// refusal, a replay, a crossing between paper and online) is left out of
// the batch and takes the general path, which checks and answers it under
// the same locks: one home for every rule and message.

const (
	// batchLeaders is how many batches may be written at once per instance:
	// while some are in flight, the next votes gather for the one after.
	batchLeaders = 2
	// batchMaxVotes bounds the votes of one batch.
	batchMaxVotes = 64
)

// voteStateSQL reads, under the vote locks, for every vote of a batch ($1
// plans, $2 households, $3 their plans' logs, $4 idempotency keys, in the
// batch's order, n from 1): the plan, the household's current ballot with
// its leaf hash, whether the idempotency key was used, and reserves the ids
// of the revision (and, for a first vote, the ballot). Each lookup is a
// LATERAL … LIMIT 1, so that every vote is looked up by the indexes: the
// statement is prepared once and its plan kept, and a plan that joined or
// hashed whole tables (as the planner chooses while they are small) would
// grow slower with every vote.
const voteStateSQL = `SELECT j.n, p.status, p.voting_opens_at, p.voting_closes_at, p.closed_at, p.project_id,
	p.community_id, p.scope_building_id,
	h.code_version, h.building_id, h.community_id, h.district_id,
	b.id, b.revision, b.current_revision_id, b.channel, b.leaf_hash, r.used IS NOT NULL,
	nextval(pg_get_serial_sequence('ballot_revisions', 'id')),
	CASE WHEN b.id IS NULL THEN nextval(pg_get_serial_sequence('ballots', 'id')) ELSE 0 END
FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[]) WITH ORDINALITY AS j(plan, hh, log, idem, n)
JOIN LATERAL (SELECT p.status, p.voting_opens_at, p.voting_closes_at, p.closed_at, p.project_id,
	pr.community_id, pr.scope_building_id
	FROM plans p JOIN projects pr ON pr.id = p.project_id WHERE p.id = j.plan LIMIT 1) p ON true
LEFT JOIN LATERAL (SELECT h.code_version, h.building_id, hb.community_id, hc.district_id
	FROM households h JOIN buildings hb ON hb.id = h.building_id JOIN communities hc ON hc.id = hb.community_id
	WHERE h.id = j.hh LIMIT 1) h ON true
LEFT JOIN LATERAL (SELECT b.id, b.revision, b.current_revision_id, b.channel, l.leaf_hash
	FROM ballots b LEFT JOIN tlog_leaves l ON l.log_id = j.log AND l.ref = b.current_revision_id
	WHERE b.plan_id = j.plan AND b.household_id = j.hh LIMIT 1) b ON true
LEFT JOIN LATERAL (SELECT true AS used FROM ballot_revisions r
	WHERE r.household_id = j.hh AND r.idempotency_key = j.idem LIMIT 1) r ON true
ORDER BY j.n`

const insertBallotsSQL = `INSERT INTO ballots (id, plan_id, household_id, revision, current_revision_id,
	plan_choice, management_choice, channel, recorded_at, created_at)
	SELECT id, plan, hh, 1, rev, pc, mc, ch, at, at
	FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
	AS u(id, plan, hh, rev, pc, mc, ch, at)`

const insertRevisionsSQL = `INSERT INTO ballot_revisions (id, ballot_id, plan_id, household_id, revision,
	plan_choice, management_choice, channel, evidence, replaces_id, signature_png, signature_sha256, evidence_sha256,
	idempotency_key, request_hash, client_ip, recorded_at, prev_hash, hash)
	SELECT id, ballot, plan, hh, rev, pc, mc, ch, ev, replaces, png, sig, '', idem, req, ip, at, prev, hash
	FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::int[], $6::text[], $7::text[], $8::text[],
		$9::text[], $10::bigint[], $11::bytea[], $12::text[], $13::text[], $14::text[], $15::text[], $16::timestamptz[],
		$17::text[], $18::text[])
	AS u(id, ballot, plan, hh, rev, pc, mc, ch, ev, replaces, png, sig, idem, req, ip, at, prev, hash)`

const updateBallotsSQL = `UPDATE ballots b SET revision = u.rev, plan_choice = u.pc, management_choice = u.mc,
	channel = u.ch, recorded_at = u.at, current_revision_id = u.cur
	FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::bigint[])
	AS u(id, rev, pc, mc, ch, at, cur) WHERE b.id = u.id`

// voteJob is one vote waiting for its batch.
type voteJob struct {
	ctx     context.Context
	v       voter
	logID   int64
	rev     *Revision
	in      BallotInput
	idemKey string
	done    chan voteResult
}

type voteResult struct {
	receipt   *Receipt
	projectID int64
	err       error
}

// voteBatcher gathers the common votes of this instance into batches. It
// keeps no state between batches: a vote waits in it only until its batch
// commits.
type voteBatcher struct {
	mu      sync.Mutex
	queue   []*voteJob
	leaders int
}

// voteState is what the first round trip read for one vote.
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

// castPipelined records rev, an online vote, in the next batch. It returns
// errGeneral, having written nothing, for any vote that is not the common one.
func (s *Service) castPipelined(ctx context.Context, v voter, logID int64, rev *Revision, in BallotInput,
	idemKey string) (*Receipt, int64, error) {
	job := &voteJob{ctx: ctx, v: v, logID: logID, rev: rev, in: in, idemKey: idemKey, done: make(chan voteResult, 1)}
	b := &s.batcher
	b.mu.Lock()
	b.queue = append(b.queue, job)
	lead := b.leaders < batchLeaders
	if lead {
		b.leaders++
	}
	b.mu.Unlock()
	if lead {
		go s.leadBatches()
	}
	r := <-job.done
	return r.receipt, r.projectID, r.err
}

// leadBatches writes batches until no vote waits.
func (s *Service) leadBatches() {
	b := &s.batcher
	for {
		b.mu.Lock()
		jobs := b.take()
		if len(jobs) == 0 {
			b.leaders--
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		s.writeBatch(jobs)
	}
}

// take removes the next batch from the queue: at most batchMaxVotes votes,
// one per household (two votes of one household would contend for one
// revision number: the second waits for a later batch, where the
// household's lock orders the two). A vote whose caller has gone is
// answered at once. The caller holds mu.
func (b *voteBatcher) take() []*voteJob {
	var jobs, rest []*voteJob
	seen := map[int64]bool{}
	for _, j := range b.queue {
		switch {
		case j.ctx.Err() != nil:
			j.done <- voteResult{err: j.ctx.Err()}
		case len(jobs) < batchMaxVotes && !seen[j.v.id]:
			seen[j.v.id] = true
			jobs = append(jobs, j)
		default:
			rest = append(rest, j)
		}
	}
	b.queue = rest
	return jobs
}

// batchTimeout bounds one batch's transaction; its votes' callers may have
// gone, but what was sent is finished or rolled back.
const batchTimeout = 30 * time.Second

// writeBatch records jobs in one pipelined transaction and answers each.
func (s *Service) writeBatch(jobs []*voteJob) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	results := make([]voteResult, len(jobs))
	err := s.db.Pipelined(ctx, func(p *store.Pipeline) error {
		for i := range results {
			results[i] = voteResult{err: errGeneral}
		}
		states, err := s.readBatch(ctx, p, jobs)
		if err != nil {
			return err
		}
		now := s.now()
		var w batchWrites
		for i, j := range jobs {
			st := states[i]
			if st == nil {
				continue // no such plan: the general path says so
			}
			receipt, err := s.prepare(j, st, now, &w)
			if err == nil {
				results[i] = voteResult{receipt: receipt, projectID: st.ProjectID}
			} else if !errors.Is(err, errGeneral) {
				results[i] = voteResult{err: err}
			}
		}
		if w.empty() {
			return nil // rolled back: nothing to write
		}
		return p.Commit(ctx, w.batch(s.ballots.logs))
	})
	if err != nil {
		var pgErr *pgconn.PgError
		for i := range results {
			if errors.As(err, &pgErr) {
				// A statement refused the batch: each vote retries on the
				// general path, which answers it on its own.
				results[i] = voteResult{err: errGeneral}
			} else {
				results[i] = voteResult{err: err}
			}
		}
	}
	for i, j := range jobs {
		j.done <- results[i]
	}
}

// readBatch sends the batch's first round trip: the locks, then the state
// of every vote (nil for a vote whose plan does not exist).
func (s *Service) readBatch(ctx context.Context, p *store.Pipeline, jobs []*voteJob) ([]*voteState, error) {
	n := len(jobs)
	plansIDs, hhs, logs := make([]int64, n), make([]int64, n), make([]int64, n)
	keys := make([]*string, n)
	for i, j := range jobs {
		plansIDs[i], hhs[i], logs[i] = j.in.PlanID, j.v.id, j.logID
		if j.idemKey != "" {
			keys[i] = &j.idemKey
		}
	}
	states := make([]*voteState, n)
	b := &pgx.Batch{}
	store.QueueLockEach(b, store.LockPlanVote, plansIDs, true)
	store.QueueLockEach(b, store.LockHouseholdVote, hhs, false)
	b.Queue(voteStateSQL, plansIDs, hhs, logs, keys).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var k int
			st := &voteState{}
			t := &st.target
			if err := rows.Scan(&k, &t.Status, &t.VotingOpensAt, &t.VotingClosesAt, &t.ClosedAt, &t.ProjectID,
				&t.CommunityID, &t.ScopeBuildingID,
				&st.codeVersion, &st.buildingID, &st.communityID, &st.districtID,
				&st.ballotID, &st.revision, &st.currentRevisionID, &st.channel, &st.leafHash,
				&st.replayed, &st.newRevID, &st.newBallot); err != nil {
				return err
			}
			if k >= 1 && k <= n {
				t.ID = plansIDs[k-1]
				states[k-1] = st
			}
		}
		return rows.Err()
	})
	if err := p.Send(ctx, b); err != nil {
		return nil, err
	}
	return states, nil
}

// prepare checks one vote of a batch against what was read and adds its
// rows to w. It returns errGeneral for a vote the general path answers.
func (s *Service) prepare(j *voteJob, st *voteState, now time.Time, w *batchWrites) (*Receipt, error) {
	if st.codeVersion == nil || st.buildingID == nil || st.communityID == nil || st.districtID == nil ||
		int(*st.codeVersion) != j.v.codeVersion {
		return nil, errGeneral // Verify says why, as the guard would
	}
	hh, err := j.v.confirm(auth.Household{ID: j.v.id, BuildingID: *st.buildingID, CommunityID: *st.communityID,
		DistrictID: *st.districtID, CodeVersion: int(*st.codeVersion)})
	if err != nil {
		return nil, err
	}
	if !st.common(now, hh, j.in) {
		return nil, errGeneral
	}
	rev := j.rev
	rev.ID, rev.RecordedAt = st.newRevID, now
	replaces := ""
	if st.ballotID == nil {
		rev.BallotID, rev.Revision = st.newBallot, 1
		w.newBallots = append(w.newBallots, rev)
	} else {
		rev.BallotID, rev.Revision = *st.ballotID, int(*st.revision)+1
		rev.ReplacesID, replaces = st.currentRevisionID, hex.EncodeToString(st.leafHash)
		w.changed = append(w.changed, rev)
	}
	leaf := votelog.Encode(voteOf(rev, replaces))
	rev.PrevHash, rev.Hash = replaces, hex.EncodeToString(tlog.LeafHash(leaf))
	w.revisions = append(w.revisions, rev)
	w.leaves = append(w.leaves, tlog.NewLeaf{LogID: j.logID, Ref: rev.ID, Leaf: leaf})
	return receiptOf(rev, st.VotingClosesAt, nil), nil
}

// batchWrites are the rows a batch writes.
type batchWrites struct {
	newBallots, changed, revisions []*Revision
	leaves                         []tlog.NewLeaf
}

func (w *batchWrites) empty() bool { return len(w.revisions) == 0 }

// batch is the second round trip's statements: one per table.
func (w *batchWrites) batch(logs *tlog.Logs) *pgx.Batch {
	b := &pgx.Batch{}
	if n := len(w.newBallots); n > 0 {
		ids, plansIDs, hhs, revs := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		pcs, mcs, chs, ats := make([]string, n), make([]string, n), make([]string, n), make([]time.Time, n)
		for i, r := range w.newBallots {
			ids[i], plansIDs[i], hhs[i], revs[i] = r.BallotID, r.PlanID, r.HouseholdID, r.ID
			pcs[i], mcs[i], chs[i], ats[i] = r.PlanChoice, r.ManagementChoice, r.Channel, r.RecordedAt
		}
		b.Queue(insertBallotsSQL, ids, plansIDs, hhs, revs, pcs, mcs, chs, ats)
	}
	n := len(w.revisions)
	ids, ballots, plansIDs, hhs := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	revs, replaces := make([]int32, n), make([]*int64, n)
	pcs, mcs, chs, evs := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	pngs, sigs, keys := make([][]byte, n), make([]string, n), make([]*string, n)
	reqs, ips, prevs, hashes, ats := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]time.Time, n)
	for i, r := range w.revisions {
		ids[i], ballots[i], plansIDs[i], hhs[i], revs[i], replaces[i] = r.ID, r.BallotID, r.PlanID, r.HouseholdID, int32(r.Revision), r.ReplacesID
		pcs[i], mcs[i], chs[i], evs[i] = r.PlanChoice, r.ManagementChoice, r.Channel, r.Evidence
		pngs[i], sigs[i], keys[i] = r.SignaturePNG, r.SignatureSHA256, r.IdempotencyKey
		reqs[i], ips[i], ats[i], prevs[i], hashes[i] = r.RequestHash, r.ClientIP, r.RecordedAt, r.PrevHash, r.Hash
	}
	b.Queue(insertRevisionsSQL, ids, ballots, plansIDs, hhs, revs, pcs, mcs, chs, evs, replaces, pngs, sigs, keys,
		reqs, ips, ats, prevs, hashes)
	logs.QueueAppendMany(b, w.leaves)
	if n := len(w.changed); n > 0 {
		ids, revs, cur := make([]int64, n), make([]int32, n), make([]int64, n)
		pcs, mcs, chs, ats := make([]string, n), make([]string, n), make([]string, n), make([]time.Time, n)
		for i, r := range w.changed {
			ids[i], revs[i], cur[i] = r.BallotID, int32(r.Revision), r.ID
			pcs[i], mcs[i], chs[i], ats[i] = r.PlanChoice, r.ManagementChoice, r.Channel, r.RecordedAt
		}
		b.Queue(updateBallotsSQL, ids, revs, pcs, mcs, chs, ats, cur)
	}
	return b
}

// common tells whether the vote is one a batch records: anything it does
// not know how to answer goes to the general path.
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
