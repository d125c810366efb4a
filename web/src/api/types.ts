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
}

// ---- ballots ----

export interface BallotRequest {
  plan_id: number
  plan_choice: Choice
  management_choice: Choice
  /** data:image/png;base64,… of the finger-drawn signature. */
  signature: string
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
  recorded_at: string
  changeable_until: string
  replaces: number | null
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
}
