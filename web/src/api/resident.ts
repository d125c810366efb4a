// Calls of the resident (household) journey.
import type { ApiClient } from './http'
import type {
  BallotRequest,
  CatalogItem,
  Complaint,
  HouseholdSignIn,
  HouseholdSignInRequest,
  List,
  Me,
  MyProject,
  NeedsAnswer,
  NeedsRequest,
  Objection,
  Plan,
  ProgressUpdate,
  PublicBuilding,
  PublicCommunity,
  Rating,
  RatingRequest,
  Receipt,
} from './types'

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
    /** The 31-item renovation catalogue (public). */
    catalog(): Promise<List<CatalogItem>> {
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
    objections(): Promise<List<Objection>> {
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
    complaintsMeta(): Promise<unknown> {
      return client.get('/complaints/meta', { token: null })
    },
    /** Files a complaint (multipart). The same key answers the same complaint. */
    createComplaint(form: FormData, idempotencyKey: string): Promise<Complaint> {
      return client.upload('/me/complaints', form, { headers: { 'Idempotency-Key': idempotencyKey } })
    },
    /** The household's complaints, newest first. */
    complaints(): Promise<List<Complaint>> {
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
    updates(): Promise<List<ProgressUpdate>> {
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
