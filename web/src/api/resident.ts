// Calls of the resident (household) journey.
import type { ApiClient } from './http'
import type {
  BallotProof,
  BallotRequest,
  Body,
  CheckpointView,
  Complaint,
  ComplaintMeta,
  ConsistencyProof,
  HouseholdSignIn,
  HouseholdSignInRequest,
  LogKey,
  Me,
  MyProject,
  NeedsAnswer,
  NeedsRequest,
  Objection,
  Plan,
  PublicBuilding,
  PublicCommunity,
  Rating,
  RatingRequest,
  Receipt,
} from './contract'

export function residentApi(client: ApiClient) {
  return {
    /** The building behind a QR code; 410 token_retired, 404 building_not_found. */
    building(token: string): Promise<PublicBuilding> {
      return client.get(`/public/buildings/${encodeURIComponent(token)}`, { token: null })
    },
    signIn(req: HouseholdSignInRequest): Promise<HouseholdSignIn> {
      return client.post('/auth/household', req, { token: null })
    },
    me(): Promise<Me> {
      return client.get('/me')
    },
    /** The plan now put to the vote; 404 plan_not_found. */
    plan(): Promise<Plan> {
      return client.get('/me/plan')
    },
    /** The household's current receipt; 404 ballot_not_found before the first vote. */
    ballot(planId?: number): Promise<Receipt> {
      return client.get(planId === undefined ? '/me/ballot' : `/me/ballot?plan_id=${planId}`)
    },
    /** Records a vote. The same key and body replayed answer the same receipt. */
    putBallot(req: BallotRequest, idempotencyKey: string): Promise<Receipt> {
      return client.put('/me/ballot', req, { headers: { 'Idempotency-Key': idempotencyKey } })
    },
    /** The current vote as a leaf of the plan's public log, with its inclusion
     * proof; `pending` (202) for about a second after a vote. */
    async ballotProof(planId: number, signal?: AbortSignal): Promise<{ proof: BallotProof; retryAfter: number | null }> {
      const res = await client.open(`/me/ballot/proof?plan_id=${planId}`, { signal })
      const after = Number(res.headers.get('Retry-After'))
      return { proof: (await res.json()) as BallotProof, retryAfter: Number.isFinite(after) && after > 0 ? after : null }
    },
    /** The newest signed checkpoint of a plan's vote log (public). */
    checkpoint(planId: number): Promise<CheckpointView> {
      return client.get(`/public/plans/${planId}/checkpoint`, { token: null })
    },
    /** Every checkpoint of a plan's log, oldest first (public; can be long). */
    checkpoints(planId: number): Promise<Body<'/api/v1/public/plans/{id}/checkpoints'>> {
      return client.get(`/public/plans/${planId}/checkpoints`, { token: null })
    },
    /** RFC 9162 proof that the log at size `to` extends the log at `from`;
     * 404 tree_size_unknown when the log never reached `to`. */
    consistency(planId: number, from: number, to: number): Promise<ConsistencyProof> {
      return client.get(`/public/plans/${planId}/consistency?from=${from}&to=${to}`, { token: null })
    },
    /** The note verifier key that signs every checkpoint (public). */
    logKey(): Promise<LogKey> {
      return client.get('/public/log-key', { token: null })
    },
    /** The 31-item renovation catalogue (public). */
    catalog(): Promise<Body<'/api/v1/catalog'>> {
      return client.get('/catalog', { token: null })
    },
    /** The household's needs-poll answer; 404 needs_not_found before the first. */
    needs(): Promise<NeedsAnswer> {
      return client.get('/me/needs')
    },
    /** 1–10 codes; 409 needs_closed once the plan is published. */
    putNeeds(req: NeedsRequest): Promise<NeedsAnswer> {
      return client.put('/me/needs', req)
    },
    objections(): Promise<Body<'/api/v1/me/objections'>> {
      return client.get('/me/objections')
    },
    /** During the objection period only; reason 5–1000 characters. */
    lodgeObjection(reason: string): Promise<Objection> {
      return client.post('/me/objections', { reason })
    },
    /** The community's public notice board (公示栏), no sign-in. */
    board(token: string): Promise<PublicCommunity> {
      return client.get(`/public/communities/${encodeURIComponent(token)}`, { token: null })
    },
    /** Statuses, categories, unit and warranty kinds with their labels (public). */
    complaintsMeta(): Promise<ComplaintMeta> {
      return client.get('/complaints/meta', { token: null })
    },
    /** Files a complaint (multipart). The same key answers the same complaint. */
    createComplaint(form: FormData, idempotencyKey: string): Promise<Complaint> {
      return client.upload('/me/complaints', form, { headers: { 'Idempotency-Key': idempotencyKey } })
    },
    /** The household's complaints, newest first. */
    complaints(): Promise<Body<'/api/v1/me/complaints'>> {
      return client.get('/me/complaints')
    },
    /** Only when resolved: the household says it is fixed; → closed. */
    confirmComplaint(id: number): Promise<Complaint> {
      return client.post(`/me/complaints/${id}/confirm`, {})
    },
    /** Only when resolved: not fixed, with a reason (5–500 characters); → reopened. */
    reopenComplaint(id: number, reason: string): Promise<Complaint> {
      return client.post(`/me/complaints/${id}/reopen`, { reason })
    },
    /** The community's progress posts (形象进度), newest first. */
    updates(): Promise<Body<'/api/v1/me/updates'>> {
      return client.get('/me/updates')
    },
    /** Stage, acceptance and hand-over of the household's project; 404 no_project. */
    project(): Promise<MyProject> {
      return client.get('/me/project')
    },
    /** The household's rating of the current project; 404 rating_not_found. */
    rating(): Promise<Rating> {
      return client.get('/me/ratings')
    },
    /** Rates (201) or changes the rating (200); 409 rating_not_open / rating_locked. */
    rate(req: RatingRequest): Promise<Rating> {
      return client.post('/me/ratings', req)
    },
  }
}

export type ResidentApi = ReturnType<typeof residentApi>
