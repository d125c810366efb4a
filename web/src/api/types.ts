// Types of the Anju HTTP API v1, written from docs/API.md (the same shapes the
// server's openapi.json describes). Times are RFC 3339 strings in UTC; money is
// yuan as a JSON number.

export interface ErrorEnvelope {
  error: { code: string; message: string; details?: Record<string, unknown> }
}

export interface List<T> {
  items: T[]
}

/** voting_status of a plan: the voting window relative to now. */
export type VotingStatus = 'not_started' | 'open' | 'closed'

/** 表决选项: a choice on the plan or on the management mode. */
export type Choice = 'agree' | 'disagree' | 'abstain'
export const CHOICES: readonly Choice[] = ['agree', 'disagree', 'abstain']

/** 物业管理模式. */
export type ManagementMode = 'professional' | 'owners' | 'community' | 'other'

export type FundingSource =
  | 'central'
  | 'provincial'
  | 'city'
  | 'district'
  | 'residents'
  | 'property_unit'
  | 'utilities'
  | 'social_capital'

/** National item categories 基础类 / 完善类 / 提升类. */
export type ItemCategory = 'basic' | 'improvement' | 'upgrade'

// ---- public building (the QR landing) ----

export interface BuildingRef {
  id: number
  name: string
}

export interface CommunityRef {
  id: number
  name: string
  address: string
  built_year: number | null
  /** The notice board's token, where the server shows it (not in every answer). */
  public_token?: string | null
}

export interface DistrictRef {
  id: number
  name: string
}

export interface PlanHeadline {
  id: number
  project_id: number
  version: number
  title: string
  summary: string
  voting_opens_at: string
  voting_closes_at: string
  /** Set when staff ended the vote before voting_closes_at. */
  closed_at?: string | null
  voting_status: VotingStatus
}

export interface PublicBuilding {
  building: BuildingRef
  community: CommunityRef
  district: DistrictRef
  plan: PlanHeadline | null
}

// ---- household sign-in ----

export interface HouseholdSignInRequest {
  building_token: string
  room: string
  code: string
  entrance?: string
}

export interface HouseholdSignIn {
  token: string
  expires_at: string
  household: { id: number; room: string; building_id: number }
}

export interface Me {
  household: {
    id: number
    room: string
    entrance: string
    floor: number | null
    area_m2: number | null
    owner_masked: string
  }
  building: BuildingRef
  community: CommunityRef
}

// ---- the plan put to the vote ----

export interface FundingLine {
  source: FundingSource | string
  amount_yuan: number
}

export interface PlanItem {
  catalog_code: string
  category: ItemCategory | string
  name_zh: string
  name_en: string
  content: string
  standard: string
  description: string
  quantity: string | null
  budget_yuan: number | null
}

export interface Plan {
  id: number
  project_id: number
  version: number
  status: 'draft' | 'published' | 'superseded' | string
  title: string
  summary: string
  management_mode: ManagementMode | string
  management_description: string
  budget_total_yuan: number | null
  funding: FundingLine[] | null
  items: PlanItem[]
  published_at: string | null
  voting_opens_at: string
  voting_closes_at: string
  voting_status: VotingStatus
  threshold_percent: number
  /** Design drawings and documents (公示): public once the plan is published. */
  attachments?: Attachment[]
  created_at?: string
  superseded_at?: string | null
  closed_at?: string | null
}

export interface Attachment {
  id: number
  title: string
  content_type: string
  size: number
  /** /api/v1/files/{token} */
  url: string
}

// ---- ballots ----

/** How a vote was confirmed: drawn, the household code typed again, or a paper form. */
export type Evidence = 'signature' | 'household_code' | 'paper_form'

export interface BallotRequest {
  plan_id: number
  plan_choice: Choice
  management_choice: Choice
  /** How the household confirms the vote (signature when left out). */
  evidence?: Evidence
  /** data:image/png;base64,… of the finger-drawn signature (evidence signature). */
  signature?: string
  /** The code on the household's slip (evidence household_code); never stored. */
  household_code?: string
  /** Receipt id the phone last saw; null for a first vote. */
  replaces: number | null
}

/** 回执: what the server recorded. */
export interface Receipt {
  id: number
  plan_id: number
  household_id: number
  revision: number
  plan_choice: Choice
  management_choice: Choice
  channel: 'online' | 'paper' | string
  evidence: Evidence
  recorded_at: string
  changeable_until: string
  replaces: number | null
  /** Paper ballots: the staff member who recorded it. */
  recorded_by?: string | number | null
  hash?: string
}

// ---- the public record (公开记录, issue 10) ----

/** A signed checkpoint of a plan's vote log (C2SP tlog-checkpoint). */
export interface CheckpointView {
  /** `<host>/plans/<plan id>`, the note's first line. */
  origin: string
  tree_size: number
  /** base64 of 32 bytes. */
  root_hash: string
  /** The signed note, with its signature lines. */
  note: string
  created_at: string
  /** Witnesses (street office, district) that cosigned it; their lines are in the note. */
  witnesses?: string[]
}

/** GET /me/ballot/proof: the household's current vote as a leaf of the log.
 * While `pending` (202, just after a vote) only the leaf is there. */
export interface BallotProof {
  plan_id: number
  pending: boolean
  leaf_index: number | null
  /** base64 of the canonical leaf text (anju/ballot/v1). */
  leaf: string
  leaf_hash: string
  tree_size: number
  root_hash: string | null
  /** base64 hashes, leaf to root. */
  proof: string[]
  checkpoint: CheckpointView | null
}

export interface ConsistencyProof {
  proof: string[]
}

export interface LogKey {
  /** The note verifier key `name+hash+base64`. */
  verifier_key: string
}

// ---- needs poll (居民点单) ----

export interface CatalogItem {
  code: string
  seq?: number
  category: ItemCategory | string
  name_zh: string
  name_en: string
  content: string
  standard: string
}

export interface NeedsRequest {
  catalog_codes: string[]
  note: string
}

export interface NeedsAnswer extends NeedsRequest {
  project_id: number
  updated_at: string
}

/** At most this many items per household. */
export const MAX_NEEDS = 10
export const MAX_NEEDS_NOTE = 500

// ---- after the vote: notices and objections ----

export type ConsentRule = 'households-80' | 'civil-code-major' | 'civil-code-ordinary'
export const CONSENT_RULES: readonly ConsentRule[] = ['households-80', 'civil-code-major', 'civil-code-ordinary']

export interface AreaTally {
  total_m2: number
  participating_m2: number
  plan_agree_m2: number
  management_agree_m2: number
}

export interface HeadTally {
  total: number
  participating: number
  plan_agree: number
  management_agree: number
}

/** The aggregates published once the vote is closed. No household is named. */
export interface ConsentResult {
  rule: ConsentRule | string
  eligible: number
  voted: number
  plan: { agree: number; disagree: number; abstain: number; reached: boolean }
  management: { agree: number; disagree: number; abstain: number; reached: boolean }
  reached: boolean
  threshold_percent?: number
  area?: AreaTally | null
  heads?: HeadTally | null
  turnout?: { reached: boolean } | null
  /** The plan log's checkpoint the notice counts (issue 10): printed, it pins the count. */
  record?: { origin: string; tree_size: number; root_hash: string } | null
}

export type NoticeKind = 'preliminary' | 'final'

/** 结果公示: the preliminary notice opens the objection period, the final one ends it. */
export interface Notice {
  id: number
  kind: NoticeKind | string
  published_at: string
  objection_deadline: string | null
  result: ConsentResult | null
  plan_id?: number
  project_id?: number
}

export interface Objection {
  id: number
  plan_id: number
  reason: string
  created_at: string
  answer: string | null
  answered_at: string | null
}

export const OBJECTION_MIN = 5
export const OBJECTION_MAX = 1000

// ---- the public notice board of a community (公示栏) ----

export interface PublicCommunity {
  community: CommunityRef
  district: DistrictRef
  plan: PlanHeadline | null
  participation: { eligible: number; voted: number } | null
  result: ConsentResult | null
  notices: Notice[]
}

// ---- staff ----

export type StaffRole = 'city' | 'district' | 'committee'

export interface StaffUser {
  id: number
  username: string
  role: StaffRole | string
  district_id: number | null
  community_id: number | null
}

export interface StaffSignIn {
  token: string
  expires_at: string
  user: StaffUser
}

export interface Project {
  id: number
  community_id: number
  community_name: string
  district_id: number
  district_name: string
  year: number
  threshold_percent: number
  current_plan_id: number | null
  current_plan_title: string | null
  consent_rule?: ConsentRule | string
  scope_building_id?: number | null
  scope_building_name?: string | null
  objection_days?: number
  created_at?: string
  // ---- the pipeline (issues 4 and 5) ----
  stage?: string
  accepted_on?: string | null
  handed_over_at?: string | null
  /** 新开工 (new) or 续建 (continuing). */
  kind?: 'new' | 'continuing' | string
  /** Set by the first ledger registration (台账登记). */
  registered_at?: string | null
  /** planned (in the annual plan), reserve (to be swapped in) or withdrawn. */
  plan_status?: 'planned' | 'reserve' | 'withdrawn'
  /** The day all five start criteria held (开工). */
  started_on?: string | null
  ledger_households?: number | null
  ledger_buildings?: number | null
  floor_area_m2?: number | null
  investment_yuan?: number | null
  funding?: FundingLine[] | null
  built_year_reason?: string
  responsible_person?: string
  responsible_phone?: string
  design_unit?: string
  construction_unit?: string
  supervision_unit?: string
}

export interface ChoiceTally {
  agree: number
  disagree: number
  abstain: number
  /** agree ÷ eligible, 4 decimals, for display only. */
  rate: number
  reached: boolean
  /** More agreeing households needed to reach the threshold. */
  needed: number
}

export interface BuildingTally {
  building_id: number
  name: string
  eligible: number
  voted: number
  paper?: number
  /** Votes confirmed by the household code instead of a drawn signature. */
  by_code: number
  plan: ChoiceTally
  management: ChoiceTally
}

export interface NonVoter {
  household_id: number
  building_id: number
  building_name: string
  entrance: string
  floor: number | null
  room: string
  owner_masked: string
}

export interface Consent {
  project_id: number
  plan_id: number
  plan_version: number
  rule: string
  threshold_percent: number
  voting_status: VotingStatus
  voting_opens_at: string
  voting_closes_at: string
  eligible: number
  voted: number
  plan: ChoiceTally
  management: ChoiceTally
  reached: boolean
  buildings: BuildingTally[]
  non_voters: NonVoter[]
  /** Votes confirmed by the household code instead of a drawn signature. */
  by_code: number
  /** The households who did so, for a follow-up on paper if the committee wants one. */
  confirmed_by_code: NonVoter[]
  scope_building_id?: number | null
  /** When the vote was closed by staff (or null while it runs). */
  closed_at?: string | null
  /** Households whose current vote is a paper ballot. */
  paper?: number
  /** Civil Code rules only. */
  area?: AreaTally | null
  heads?: HeadTally | null
  turnout?: { reached: boolean } | null
}

// ---- complaints, progress and ratings (issue 4), the household's side ----

export type ComplaintCategory = 'quality' | 'safety' | 'disturbance' | 'progress' | 'property' | 'other'
export const COMPLAINT_CATEGORIES: readonly ComplaintCategory[] = ['quality', 'safety', 'disturbance', 'progress', 'property', 'other']

export type ComplaintStatus = 'submitted' | 'assigned' | 'in_progress' | 'resolved' | 'reopened' | 'closed' | 'rejected' | 'merged'
export const COMPLAINT_STATUSES: readonly ComplaintStatus[] = [
  'submitted', 'assigned', 'in_progress', 'resolved', 'reopened', 'closed', 'rejected', 'merged',
]

export type WarrantyKind = 'leak' | 'installation' | 'heating'
export const WARRANTY_KINDS: readonly WarrantyKind[] = ['leak', 'installation', 'heating']

/** What a household may do to its own complaint (only when it is resolved). */
export type ComplaintAction = 'confirm' | 'reopen'

/** A code with its Chinese and English label (GET /complaints/meta). */
export interface MetaLabel {
  code: string
  zh: string
  en: string
  open?: boolean
}

/** GET /complaints/meta (public): the labels both apps draw from the server. */
export interface ComplaintMeta {
  statuses: MetaLabel[]
  categories: MetaLabel[]
  unit_kinds: MetaLabel[]
  warranty_kinds: MetaLabel[]
}

export interface ComplaintEvent {
  at: string
  /** status, reply or escalated */
  kind: string
  from?: string | null
  to?: string | null
  note?: string | null
  actor?: string | null
  /** household, staff, system or open311 */
  actor_type?: string | null
  unit?: string | null
  deadline?: string | null
}

/** What a merged complaint tells its household about the one it joined. */
export interface ComplaintPrimary {
  id?: number
  status: ComplaintStatus | string
  open?: boolean
  deadline?: string | null
  overdue?: boolean
  events?: ComplaintEvent[]
}

export interface Photo {
  /** /api/v1/photos/{token}, usable as it is in <img>. */
  url: string
}

export interface Complaint {
  id: number
  project_id: number
  category: ComplaintCategory | string
  catalog_code: string | null
  /** Left out when there is no item. */
  catalog_name?: string | null
  description: string
  building_id: number | null
  building_name: string | null
  entrance: string | null
  floor: string | null
  status: ComplaintStatus | string
  open: boolean
  deadline: string | null
  overdue: boolean
  escalation_level: number
  auto_close_at: string | null
  unit: { id: number; name: string; kind: string } | null
  warranty: { kind: WarrantyKind | string; expires_on: string } | null
  photos: Photo[]
  merged_into: number | null
  primary?: ComplaintPrimary | null
  created_at: string
  updated_at: string
  allowed?: string[]
  events?: ComplaintEvent[]
}

/** The fields of POST /me/complaints besides the photos. */
export interface ComplaintFields {
  category: ComplaintCategory | string
  description: string
  catalog_code?: string
  /** Another building of the community; absent: the household's own. */
  building_id?: number
  entrance?: string
  floor?: string
  warranty?: boolean
  warranty_kind?: WarrantyKind | string
}

export const COMPLAINT_DESCRIPTION_MIN = 5
export const COMPLAINT_DESCRIPTION_MAX = 1000
export const COMPLAINT_MAX_PHOTOS = 9
export const REOPEN_REASON_MIN = 5
export const REOPEN_REASON_MAX = 500

/** A progress post (形象进度) of the community's project. */
export interface ProgressUpdate {
  id: number
  project_id: number
  catalog_code: string | null
  catalog_name?: string | null
  text: string
  author: string
  photos: Photo[]
  created_at: string
}

export type ProjectStage = 'survey' | 'mobilization' | 'planning' | 'construction' | 'acceptance' | 'handed_over'

/** GET /me/project: where the household's project stands. */
export interface MyProject {
  project_id: number
  stage: ProjectStage | string
  accepted_on: string | null
  handed_over_at: string | null
  rating_open: boolean
  /** The community's buildings, to say where a problem is. */
  buildings?: { id: number; name: string }[]
}

export type RatingDimension = 'overall' | 'quality' | 'civilised' | 'timeliness' | 'communication'
export const RATING_DIMENSIONS: readonly RatingDimension[] = ['overall', 'quality', 'civilised', 'timeliness', 'communication']

export interface RatingItemScore {
  catalog_code: string
  score: number
}

export interface RatingRequest extends Record<RatingDimension, number> {
  comment?: string
  items?: RatingItemScore[]
}

export interface Rating extends Record<RatingDimension, number> {
  project_id: number
  comment: string
  items: RatingItemScore[]
  created_at: string
  updated_at: string
  editable_until: string
}

export const RATING_COMMENT_MAX = 1000
