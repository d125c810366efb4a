// The API's words that its OpenAPI document types as plain strings (the Go
// side keeps them as string constants), and the limits the server enforces
// that the forms check first. The shapes themselves are generated: see
// ./contract.ts. Values only the console uses are in src/staff/vocabulary.ts.

/** voting_status of a plan: the voting window relative to now. */
export const VOTING_STATUSES = ['not_started', 'open', 'closed'] as const
export type VotingStatus = (typeof VOTING_STATUSES)[number]

export function isVotingStatus(s: string): s is VotingStatus {
  return (VOTING_STATUSES as readonly string[]).includes(s)
}

/** 表决选项: a choice on the plan or on the management mode. */
export type Choice = 'agree' | 'disagree' | 'abstain'
export const CHOICES: readonly Choice[] = ['agree', 'disagree', 'abstain']

/** How a vote was confirmed: drawn on the phone, the household code typed
 * again instead (issue 11), or a paper form recorded by staff. */
export type Evidence = 'signature' | 'household_code' | 'paper_form'

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

export type ConsentRule = 'households-80' | 'civil-code-major' | 'civil-code-ordinary'
export const CONSENT_RULES: readonly ConsentRule[] = ['households-80', 'civil-code-major', 'civil-code-ordinary']

export function isConsentRule(s: string): s is ConsentRule {
  return (CONSENT_RULES as readonly string[]).includes(s)
}

export type StaffRole = 'city' | 'district' | 'committee'

// ---- complaints and ratings (issue 4) ----

export type ComplaintCategory = 'quality' | 'safety' | 'disturbance' | 'progress' | 'property' | 'other'
export const COMPLAINT_CATEGORIES: readonly ComplaintCategory[] = ['quality', 'safety', 'disturbance', 'progress', 'property', 'other']

export type ComplaintStatus = 'submitted' | 'assigned' | 'in_progress' | 'resolved' | 'reopened' | 'closed' | 'rejected' | 'merged'
export const COMPLAINT_STATUSES: readonly ComplaintStatus[] = [
  'submitted', 'assigned', 'in_progress', 'resolved', 'reopened', 'closed', 'rejected', 'merged',
]

export type WarrantyKind = 'leak' | 'installation' | 'heating'
export const WARRANTY_KINDS: readonly WarrantyKind[] = ['leak', 'installation', 'heating']

export const RATING_DIMENSIONS = ['overall', 'quality', 'civilised', 'timeliness', 'communication'] as const
export type RatingDimension = (typeof RATING_DIMENSIONS)[number]

// ---- limits the server enforces ----

/** At most this many items per household in the needs poll. */
export const MAX_NEEDS = 10
export const MAX_NEEDS_NOTE = 500

export const OBJECTION_MIN = 5
export const OBJECTION_MAX = 1000

export const COMPLAINT_DESCRIPTION_MIN = 5
export const COMPLAINT_DESCRIPTION_MAX = 1000
export const COMPLAINT_MAX_PHOTOS = 9
export const REOPEN_REASON_MIN = 5
export const REOPEN_REASON_MAX = 500

export const RATING_COMMENT_MAX = 1000
