// Readable names for the API's shapes, every one derived from the generated
// ./schema.ts (openapi-typescript's reading of the server's OpenAPI document,
// `make api-types`). Nothing here is written by hand but the derivation: a
// route's answer or body, a member of it, an element of a list, NonNullable.
// A field the server changes changes here; the type check then finds every
// use. The values the document types as plain strings (choices, statuses)
// and the server's limits are in ./vocabulary.ts.
import type { paths } from './schema'

type Method = 'get' | 'put' | 'post' | 'delete'

/** The document's paths that have method M. */
export type PathWith<M extends Method> = { [P in keyof paths]: paths[P][M] extends undefined ? never : P }[keyof paths]

type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>
type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never
type Success = 200 | 201 | 202

/** The JSON a route answers on success (every success status it has). */
export type Body<P extends PathWith<M>, M extends Method = 'get'> =
  Operation<P, M> extends { responses: infer R } ? Json<R[Extract<keyof R, Success>]> : never

/** The JSON body a route reads. */
export type RequestBody<P extends PathWith<M>, M extends Method> =
  Operation<P, M> extends { requestBody: { content: { 'application/json': infer B } } } ? B : never

/** The JSON of a route's error answer: its own for status S, else the envelope. */
export type ErrorBody<P extends PathWith<M>, M extends Method, S extends number | 'default' = 'default'> =
  Operation<P, M> extends { responses: infer R } ? Json<R[Extract<keyof R, S>]> : never

/** An element of the `items` of a list answer. */
export type ListItem<P extends PathWith<M>, M extends Method = 'get'> = Body<P, M> extends { items: (infer T)[] } ? T : never

// ---- the building's QR landing and sign-in ----

export type PublicBuilding = Body<'/api/v1/public/buildings/{token}'>
export type HouseholdSignInRequest = RequestBody<'/api/v1/auth/household', 'post'>
export type HouseholdSignIn = Body<'/api/v1/auth/household', 'post'>
export type Me = Body<'/api/v1/me'>

// ---- the plan put to the vote ----

export type Plan = Body<'/api/v1/me/plan'>
export type PlanItem = Plan['items'][number]
export type FundingLine = Plan['funding'][number]
export type Attachment = Plan['attachments'][number]
export type CatalogItem = ListItem<'/api/v1/catalog'>

// ---- the vote ----

export type BallotRequest = RequestBody<'/api/v1/me/ballot', 'put'>
/** 回执: what the server recorded. */
export type Receipt = Body<'/api/v1/me/ballot'>

// ---- the public record (公开记录, issue 10) ----

export type CheckpointView = Body<'/api/v1/public/plans/{id}/checkpoint'>
/** The household's vote as a leaf of the log; `pending` (202) just after a vote. */
export type BallotProof = Body<'/api/v1/me/ballot/proof'>
export type ConsistencyProof = Body<'/api/v1/public/plans/{id}/consistency'>
export type LogKey = Body<'/api/v1/public/log-key'>

// ---- the needs poll (居民点单) ----

export type NeedsRequest = RequestBody<'/api/v1/me/needs', 'put'>
export type NeedsAnswer = Body<'/api/v1/me/needs'>
/** GET /projects/{id}/needs: the poll's ranking. */
export type NeedsResult = Body<'/api/v1/projects/{id}/needs'>
export type NeedsItem = NeedsResult['items'][number]

// ---- after the vote: notices and objections ----

/** The public notice board of a community (公示栏). */
export type PublicCommunity = Body<'/api/v1/public/communities/{token}'>
/** 结果公示: the preliminary notice opens the objection period, the final one ends it. */
export type Notice = ListItem<'/api/v1/projects/{id}/consent/notices'>
/** The aggregates published once the vote is closed. No household is named. */
export type ConsentResult = Notice['result']
export type Objection = ListItem<'/api/v1/me/objections'>
export type StaffNotice = Notice
/** An objection as staff see it: who lodged it. */
export type StaffObjection = ListItem<'/api/v1/projects/{id}/objections'>

// ---- staff sign-in and accounts ----

export type StaffSignIn = Body<'/api/v1/auth/login', 'post'>
export type StaffUser = Body<'/api/v1/auth/me'>
export type StaffAccount = ListItem<'/api/v1/staff-users'>
export type NewStaffInput = RequestBody<'/api/v1/staff-users', 'post'>
export type AuditEvent = ListItem<'/api/v1/projects/{id}/audit'>

// ---- the registry ----

export type District = Body<'/api/v1/districts/{id}'>
export type Community = Body<'/api/v1/communities/{id}'>
export type CommunityInput = RequestBody<'/api/v1/communities', 'post'>
export type Building = Body<'/api/v1/buildings/{id}'>
/** 户: as lists show it, the owner masked (in clear only from GET /households/{id}). */
export type Household = Body<'/api/v1/households/{id}'>
export type HouseholdInput = RequestBody<'/api/v1/buildings/{id}/households', 'post'>
export type CreatedHousehold = Body<'/api/v1/buildings/{id}/households', 'post'>
/** A household code, shown once, for a slip. */
export type IssuedCode = ListItem<'/api/v1/buildings/{id}/codes:issue', 'post'>
export type ImportResult = Body<'/api/v1/buildings/{id}/households:import', 'post'>
export type ImportRowError = ImportResult['errors'][number]
/** The 422 import_rejected answer: the envelope and the row-by-row report. */
export type ImportRejected = ErrorBody<'/api/v1/buildings/{id}/households:import', 'post', 422>
export type SignInLockout = ListItem<'/api/v1/signin-lockouts'>

// ---- projects and the vote, staff side ----

export type Project = Body<'/api/v1/projects/{id}'>
export type ProjectInput = RequestBody<'/api/v1/communities/{id}/projects', 'post'>
export type ProjectSettings = RequestBody<'/api/v1/projects/{id}/settings', 'put'>
export type PlanInput = RequestBody<'/api/v1/projects/{id}/plans', 'post'>
/** GET /plans/{id}/changes: what changed against the previous version. */
export type PlanChanges = Body<'/api/v1/plans/{id}/changes'>
export type Consent = Body<'/api/v1/projects/{id}/consent'>
export type ChoiceTally = Consent['plan']
export type NonVoter = Consent['non_voters'][number]
/** One revision of a household's vote, as authorised staff see it. */
export type BallotHistoryEntry = ListItem<'/api/v1/households/{id}/ballots'>
/** GET /plans/{id}/ballots/verify: the plan's vote log rebuilt and checked. */
export type BallotVerify = Body<'/api/v1/plans/{id}/ballots/verify'>

// ---- complaints, progress, ratings (issue 4) ----

/** GET /complaints/meta (public): the labels both apps draw from the server. */
export type ComplaintMeta = Body<'/api/v1/complaints/meta'>
export type MetaLabel = ComplaintMeta['categories'][number]
/** A complaint, as the household sees it. */
export type Complaint = Body<'/api/v1/me/complaints/{id}'>
/** A complaint as staff see it (the server fills in who and where). */
export type StaffComplaint = Body<'/api/v1/complaints/{id}'>
export type ComplaintEvent = Complaint['events'][number]
export type Photo = Complaint['photos'][number]
export type ComplaintPage = Body<'/api/v1/complaints'>
export type ComplaintTransition = RequestBody<'/api/v1/complaints/{id}/transitions', 'post'>
export type ResponsibleUnit = ListItem<'/api/v1/units'>
export type UnitInput = RequestBody<'/api/v1/units', 'post'>
/** A progress post (形象进度). */
export type ProgressUpdate = ListItem<'/api/v1/me/updates'>
export type ProgressPost = ListItem<'/api/v1/projects/{id}/updates'>
/** GET /me/project: where the household's project stands. */
export type MyProject = Body<'/api/v1/me/project'>
export type Rating = Body<'/api/v1/me/ratings'>
export type RatingRequest = RequestBody<'/api/v1/me/ratings', 'post'>
export type Visit = ListItem<'/api/v1/projects/{id}/visits'>
export type VisitInput = RequestBody<'/api/v1/projects/{id}/visits', 'post'>
/** GET /projects/{id}/satisfaction; `rate` is the share of 4 and 5. */
export type ProjectSatisfaction = Body<'/api/v1/projects/{id}/satisfaction'>
export type DistrictSatisfaction = ListItem<'/api/v1/satisfaction'>
export type ApiKey = ListItem<'/api/v1/api-keys'>
/** The answer to POST /api-keys: the key, shown this once. */
export type IssuedApiKey = Body<'/api/v1/api-keys', 'post'>

// ---- stages, the pipeline, targets (issues 4 and 5) ----

export type StageEvent = ListItem<'/api/v1/projects/{id}/stages'>
export type AcceptanceInput = RequestBody<'/api/v1/projects/{id}/acceptance', 'post'>
export type RectificationInput = NonNullable<AcceptanceInput['rectifications']>[number]
export type Rectification = ListItem<'/api/v1/projects/{id}/rectifications'>
export type LedgerInput = RequestBody<'/api/v1/projects/{id}/ledger', 'put'>
export type StartCriteria = Body<'/api/v1/projects/{id}/start-criteria'>
export type StartCriterion = StartCriteria['criteria'][number]
export type TargetInput = RequestBody<'/api/v1/districts/{id}/targets/{year}', 'put'>
export type DistrictTarget = Body<'/api/v1/districts/{id}/targets/{year}'>
/** GET /districts/{id}/targets/{year}/progress, and a dashboard row. */
export type TargetProgress = Body<'/api/v1/districts/{id}/targets/{year}/progress'>
export type Milestone = TargetProgress['milestones'][number]
export type Dashboard = Body<'/api/v1/dashboard'>
export type DashboardDistrict = Dashboard['districts'][number]
export type AnnualPlan = Body<'/api/v1/districts/{id}/annual-plan/{year}'>
export type PlanTotals = AnnualPlan['current']
export type PlanAdjustment = Body<'/api/v1/districts/{id}/adjustments', 'post'>
export type AdjustmentInput = RequestBody<'/api/v1/districts/{id}/adjustments', 'post'>
