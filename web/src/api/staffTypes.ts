// Shapes of the staff console's routes (docs/API.md, "Staff" and "The
// committee's console"). Types only: nothing here reaches a bundle.
import type { Choice, ConsentRule, Evidence, FundingLine, ItemCategory, ManagementMode, Notice, Objection, PlanItem, StaffRole } from './types'

export interface District {
  id: number
  name: string
  created_at?: string
}

/** 小区. */
export interface Community {
  id: number
  district_id: number
  name: string
  address: string
  built_year: number | null
  public_token: string | null
  /** {public_url}/c/{public_token}: the public notice board. */
  board_url: string
  /** /api/v1/communities/{id}/qr.png */
  board_qr_url?: string
  created_at?: string
}

export interface CommunityInput {
  district_id: number
  name: string
  address: string
  built_year: number | null
}

/** 楼栋. */
export interface Building {
  id: number
  community_id: number
  name: string
  token: string
  resident_url: string
  qr_url?: string
  token_rotated_at: string | null
  created_at?: string
  households?: number
}

/** 户: as lists show it, the owner masked. */
export interface Household {
  id: number
  building_id: number
  entrance: string
  room: string
  floor: number | null
  area_m2: number | null
  owner_masked: string
  phone_masked: string
  owner_group: string
  code_issued_at?: string
  /** Sign-in for the household's room is locked for everyone until then. */
  locked_until: string | null
  /** Addresses paused for the room (too many wrong codes from each). */
  paused_sources?: number
  created_at?: string
  /** Only on GET /households/{id} (an audited read). */
  owner_name?: string
  owner_phone?: string
}

export interface HouseholdInput {
  room: string
  entrance: string
  floor: number | null
  area_m2: number | null
  owner_name: string
  owner_phone: string
  owner_group: string
}

/** A household code, shown once, for a slip. */
export interface IssuedCode {
  household_id?: number
  id?: number
  entrance: string
  floor: number | null
  room: string
  code: string
}

/** One address's wrong codes for a room (GET /signin-lockouts). */
export interface LockoutSource {
  /** The client address; an IPv6 address's /64. */
  address: string
  wrong_codes: number
  first_at: string
  last_at: string
  /** This address may not try the room until then. */
  paused_until: string | null
}

/** A room whose sign-in is paused, for everyone or for some addresses. */
export interface SignInLockout {
  building_id: number
  building_name: string
  community_id: number
  community_name: string
  room: string
  /** Empty when someone guesses at a room nobody lives in. */
  households: { id: number; entrance: string }[]
  /** Locked for everyone until then (the household ceiling was reached). */
  locked_until: string | null
  /** Every address's wrong codes in the room's window. */
  wrong_codes: number
  first_at: string | null
  last_at: string | null
  sources: LockoutSource[]
}

export interface CreatedHousehold extends Household {
  code: string
}

export interface ImportRowError {
  row: number
  message: string
}

export interface ImportResult {
  created: number
  errors: ImportRowError[]
  households: IssuedCode[]
}

export interface ProjectInput {
  year: number
  consent_rule: ConsentRule
  threshold_percent: number
  scope_building_id: number | null
  objection_days: number
}

export type ProjectSettings = Omit<ProjectInput, 'year'>

export interface PlanItemInput {
  catalog_code: string
  description: string
  quantity: string
  budget_yuan: number | null
}

export interface PlanInput {
  title: string
  summary: string
  management_mode: ManagementMode
  management_description: string
  budget_total_yuan: number | null
  funding: FundingLine[]
  items: PlanItemInput[]
  voting_opens_at: string
  voting_closes_at: string
}

export interface FieldChange {
  field: string
  old: unknown
  new: unknown
}

/** GET /plans/{id}/changes: what changed against the previous version. */
export interface PlanChanges {
  plan_id: number
  previous_plan_id: number | null
  fields: FieldChange[]
  items_added: (PlanItem | string | { catalog_code: string })[]
  items_removed: (PlanItem | string | { catalog_code: string })[]
  items_changed: { catalog_code: string; field: string; old: unknown; new: unknown }[]
  funding_changed: { source: string; old: unknown; new: unknown }[]
}

export interface NeedsItem {
  catalog_code: string
  name_zh: string
  name_en: string
  category: ItemCategory | string
  count: number
  /** count ÷ respondents. */
  share: number
}

/** GET /projects/{id}/needs: the needs poll's ranking. */
export interface NeedsResult {
  eligible: number
  respondents: number
  items: NeedsItem[]
  buildings: { building_id: number; name: string; eligible: number; respondents: number; items: { catalog_code: string; count: number }[] }[]
  notes: { building_name: string; room: string; note: string; updated_at: string }[]
}

/** One revision of a household's vote, as authorised staff see it. */
export interface BallotHistoryEntry {
  id: number
  plan_id: number
  revision: number
  plan_choice: Choice
  management_choice: Choice
  channel: 'online' | 'paper' | string
  evidence: Evidence
  /** The staff member's id; their name is recorded_by_name. */
  recorded_by: number | string | null
  recorded_by_name?: string | null
  replaces: number | null
  recorded_at: string
  signature_url?: string
  hash?: string
}

export interface PaperBallotInput {
  household_id: number
  plan_choice: Choice
  management_choice: Choice
  photo: Blob
  /** The receipt the form last saw (null: it saw none), so a vote recorded
   * meanwhile is never overwritten unseen; undefined leaves the field out. */
  replaces?: number | null
}

export interface StaffObjection extends Objection {
  household_id?: number
  building_name?: string
  room?: string
  entrance?: string
  answered_by?: string | null
}

export type StaffNotice = Notice

/** One line of the audit log (who, what, when). */
export interface AuditEvent {
  id: number
  at: string
  actor: string
  action: string
  subject_type: string
  subject_id: number | null
  /** JSON text of the details. */
  detail: string | Record<string, unknown> | null
  hash?: string
}

/** GET /plans/{id}/ballots/verify: the plan's vote log rebuilt and checked. */
export interface BallotVerify {
  intact: boolean
  tree_size: number
  /** base64 of the 32-byte root hash */
  root_hash: string
  broken_at_leaf: number | null
  problem?: string
  pending: number
}

// ---- complaints, progress, ratings, stages (issue 4) ----

/** A code with its Chinese and English label, from GET /complaints/meta. */
export interface MetaEntry {
  code: string
  zh?: string
  en?: string
  name_zh?: string
  name_en?: string
  label_zh?: string
  label_en?: string
  open?: boolean
  [extra: string]: unknown
}

/** GET /complaints/meta (public): the labels both apps draw from the server. */
export interface ComplaintMeta {
  statuses: MetaEntry[]
  categories: MetaEntry[]
  unit_kinds: MetaEntry[]
  warranty_kinds: MetaEntry[]
  visit_methods?: MetaEntry[]
  dimensions?: MetaEntry[]
  max_photos?: number
}

export type ComplaintStatus = 'submitted' | 'assigned' | 'in_progress' | 'resolved' | 'reopened' | 'closed' | 'rejected' | 'merged'
export const COMPLAINT_STATUSES: readonly ComplaintStatus[] = ['submitted', 'assigned', 'in_progress', 'resolved', 'reopened', 'closed', 'rejected', 'merged']
export type ComplaintCategory = 'quality' | 'safety' | 'disturbance' | 'progress' | 'property' | 'other'
export const COMPLAINT_CATEGORIES: readonly ComplaintCategory[] = ['quality', 'safety', 'disturbance', 'progress', 'property', 'other']
export type UnitKind = 'contractor' | 'property' | 'department'
export const UNIT_KINDS: readonly UnitKind[] = ['contractor', 'property', 'department']

/** A responsible unit (施工单位、物业公司、区直部门). */
export interface ResponsibleUnit {
  id: number
  name: string
  kind: UnitKind | string
  phone?: string | null
  district_id?: number | null
  district_name?: string | null
}

export interface UnitInput {
  name: string
  kind: UnitKind
  phone?: string
  district_id?: number
}

export interface ComplaintEvent {
  at: string
  kind: 'status' | 'reply' | 'escalated' | string
  from?: string | null
  to?: string | null
  note?: string | null
  actor?: string | null
  actor_type?: 'household' | 'staff' | 'system' | 'open311' | string
  unit?: string | null
  deadline?: string | null
}

/** A complaint as staff see it (the household's shape plus who and where). */
export interface StaffComplaint {
  id: number
  project_id: number
  category: ComplaintCategory | string
  catalog_code?: string | null
  catalog_name?: string | null
  description: string
  building_id?: number | null
  building_name?: string | null
  entrance?: string | null
  floor?: string | null
  status: ComplaintStatus | string
  open: boolean
  deadline?: string | null
  overdue: boolean
  escalation_level: number
  auto_close_at?: string | null
  unit?: { id: number; name: string; kind: string } | null
  warranty?: { kind: string; expires_on: string } | null
  photos?: { url: string }[]
  merged_into?: number | null
  created_at: string
  updated_at?: string
  /** Staff transitions (target statuses) the caller may make now. */
  allowed: string[]
  events?: ComplaintEvent[]
  household?: { id: number; room: string; building_name: string; owner_masked: string } | null
  source?: 'resident' | 'open311' | 'staff' | string
  community_name?: string
  district_name?: string
}

export interface ComplaintPage {
  items: StaffComplaint[]
  total: number
}

export interface ComplaintTransition {
  to: string
  note?: string
  unit_id?: number
  into?: number
}

export interface ProgressPost {
  id: number
  project_id: number
  catalog_code: string | null
  catalog_name: string | null
  text: string
  author: string
  photos: { url: string }[]
  created_at: string
}

export interface ProgressInput {
  text: string
  catalog_code?: string
  author?: string
  photos: Blob[]
}

export type VisitMethod = 'door' | 'phone' | 'meeting'
export const VISIT_METHODS: readonly VisitMethod[] = ['door', 'phone', 'meeting']

export interface VisitInput {
  visited_on: string
  method: VisitMethod
  household_id?: number
  complaint_id?: number
  satisfied?: boolean
  note: string
}

export interface Visit extends Omit<VisitInput, 'satisfied'> {
  id: number
  project_id: number
  satisfied?: boolean | null
  household_id?: number
  complaint_id?: number
  /** Who recorded it (the staff member's name). */
  by?: string | null
  created_at?: string
}

export interface ScoreSummary {
  count: number
  rate: number | null
  average: number | null
}

export const RATING_DIMENSIONS = ['overall', 'quality', 'civilised', 'timeliness', 'communication'] as const
export type RatingDimension = (typeof RATING_DIMENSIONS)[number]

/** GET /projects/{id}/satisfaction. `rate` is the share of 4 and 5. */
export interface ProjectSatisfaction {
  ratings: number
  households: number
  rate: number | null
  average: number | null
  dimensions: Partial<Record<RatingDimension, ScoreSummary>> & Record<string, ScoreSummary>
  items: ({ catalog_code: string; name: string } & ScoreSummary)[]
  comments: { at: string; overall: number; comment: string }[]
}

export interface DistrictSatisfaction {
  district_id: number
  district_name: string
  projects: number
  ratings: number
  rate: number | null
  average: number | null
}

export interface ApiKey {
  id: number
  name: string
  district_id: number | null
  created_at: string
  /** Only in the answer to POST: shown once. */
  key?: string
  revoked_at?: string | null
  last_used_at?: string | null
}

export type ProjectStage = 'survey' | 'mobilization' | 'planning' | 'construction' | 'acceptance' | 'handed_over'
export const PROJECT_STAGES: readonly ProjectStage[] = ['survey', 'mobilization', 'planning', 'construction', 'acceptance', 'handed_over']

/** What issue 4 adds to a project. */
export interface ProjectStageFields {
  stage?: ProjectStage | string
  accepted_on?: string | null
  handed_over_at?: string | null
}

export interface StageEvent {
  from?: string | null
  to: string
  at: string
  /** Who moved it (the staff member's name). */
  by?: string | null
  note?: string | null
}

export interface AcceptanceInput {
  inspected_on: string
  passed: boolean
  note: string
  /** Issues to fix before hand-over (issue 5); left out when there are none. */
  rectifications?: RectificationInput[]
}

// ---- the pipeline, start criteria, targets, monthly report (issue 5) ----

export type ProjectKind = 'new' | 'continuing'
export const PROJECT_KINDS: readonly ProjectKind[] = ['new', 'continuing']

/** PUT /projects/{id}/ledger: the registration (台账登记) or its correction. */
export interface LedgerInput {
  kind: ProjectKind
  households: number
  buildings: number
  floor_area_m2: number
  investment_yuan: number
  funding: FundingLine[]
  responsible_person: string
  responsible_phone?: string
  design_unit?: string
  construction_unit?: string
  supervision_unit?: string
  /** Why a community built in 2000 or later is included (409 built_after_cutoff without it). */
  built_year_reason?: string
  /** First registration only: register outside the annual plan, to be swapped in later. */
  reserve?: boolean
}

/** One of the five start criteria (开工认定标准). 1 is computed from the vote. */
export interface StartCriterion {
  n: number
  name: string
  met: boolean
  computed?: boolean
  detail?: string
  confirmed_on?: string | null
  person?: string
  note?: string
  /** /api/v1/projects/{id}/start-criteria/{n}/evidence: needs the token. */
  evidence_url?: string
  /** The staff member who recorded it. */
  by?: string
  at?: string | null
}

export interface StartCriteria {
  project_id?: number
  started: boolean
  started_on: string | null
  criteria: StartCriterion[]
}

/** PUT /projects/{id}/start-criteria/{n}, sent as multipart. */
export interface CriterionInput {
  confirmed_on: string
  person: string
  note?: string
  evidence: Blob
}

export interface RectificationInput {
  description: string
  deadline: string
}

/** An issue found at acceptance (整改), open until closed with a note. */
export interface Rectification {
  id: number
  project_id: number
  acceptance_id?: number
  description: string
  deadline: string
  closed_at: string | null
  close_note?: string
}

/** A district's households for a year (任务分解). */
export interface TargetInput {
  start_households: number
  complete_households: number
  continuing_households: number
}

export interface DistrictTarget extends TargetInput {
  district_id?: number
  year?: number
  updated_at?: string
}

export type MilestoneStatus = 'met' | 'on_track' | 'at_risk' | 'missed' | 'upcoming'

export interface Milestone {
  code: 'jun30' | 'oct31' | 'dec31' | string
  date: string
  label: string
  status: MilestoneStatus | string
  required: number
  actual: number
  continuing_projects?: number
  continuing_done?: number
}

/** GET /districts/{id}/targets/{year}/progress, and a dashboard row. */
export interface TargetProgress {
  district_id: number
  district_name: string
  year: number
  as_of: string
  target: TargetInput | null
  started_households: number
  completed_households: number
  continuing: { households: number; done_households: number; projects: number; done_projects: number }
  rates: { start: number | null; complete: number | null; continuing: number | null }
  milestones: Milestone[]
}

export interface DashboardDistrict extends TargetProgress {
  rank: number
}

export interface DashboardMonth {
  /** YYYY-MM */
  month: string
  started_households: number
  completed_households: number
  /** The totals up to the month's end. */
  started_households_to_date?: number
  completed_households_to_date?: number
}

/** GET /dashboard?year= (city: every district; district staff: their own). */
export interface Dashboard {
  year: number
  as_of: string
  districts: DashboardDistrict[]
  months: DashboardMonth[]
  stages: Partial<Record<ProjectStage, number>> & Record<string, number>
  consent: { projects: number; plan_published: number; voting: number; reached: number }
  complaints: { opened: number; closed: number; open: number; overdue: number }
  satisfaction: { ratings: number; rate: number | null }
}

/** GET /projects filters: every dashboard figure links to the projects behind it. */
export interface ProjectFilters {
  year?: number
  district_id?: number
  stage?: string
  kind?: string
  started?: boolean
  completed?: boolean
}

/** The totals an annual plan may not fall below (seed 002 §二(三)). */
export interface PlanTotals {
  communities: number
  buildings: number
  households: number
  floor_area_m2: number
  investment_yuan: number
}

export interface PlanAdjustment {
  id: number
  district_id: number
  year: number
  withdrawn: number[]
  added: number[]
  reason: string
  approved_by: string
  approval_ref: string
  by: string
  created_at: string
  totals: { original: PlanTotals; before: PlanTotals; after: PlanTotals }
}

export interface AnnualPlan {
  district_id: number
  year: number
  original: PlanTotals | null
  current: PlanTotals
  open_until: string
  adjustments: PlanAdjustment[]
}

export interface AdjustmentInput {
  year: number
  withdraw: number[]
  add: number[]
  reason: string
  approved_by: string
  approval_ref?: string
}

// ---- staff accounts (issue 9) ----

/** A staff account as a manager sees it (GET /staff-users). */
export interface StaffAccount {
  id: number
  username: string
  role: StaffRole | string
  district_id: number | null
  district_name: string
  community_id: number | null
  community_name: string
  disabled: boolean
  created_at: string
}

export interface NewStaffInput {
  username: string
  password: string
  role: StaffRole
  district_id?: number
  community_id?: number
}
