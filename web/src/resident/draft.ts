// The vote being filled in (choices, and how it is confirmed: the drawn
// signature or the household code), kept in localStorage so a WeChat reload
// or a phone call in the middle does not lose the signature. The household
// code is never kept here: it lives only on the screen that asks for it.
import { reactive, watch } from 'vue'
import type { BallotRequest } from '../api/contract'
import type { Choice, Evidence } from '../api/vocabulary'
import { checkCode, normalizeCode } from './code'
import { readJSON, remove, writeJSON } from '../shared/storage'
import { uuid } from '../shared/uuid'

const DRAFT_KEY = 'anju.draft'

/** The ways a household confirms its vote itself (paper is staff's). */
export type ConfirmBy = Extract<Evidence, 'signature' | 'household_code'>

export interface Draft {
  householdId: number | null
  planId: number | null
  planChoice: Choice | null
  mgmtChoice: Choice | null
  signature: string | null
  /** How the vote is confirmed: drawn (the default) or by the household code. */
  evidence: ConfirmBy
  /** Idempotency-Key of this attempt: made once, dropped when an answer changes. */
  key: string | null
}

const empty = (): Draft => ({
  householdId: null,
  planId: null,
  planChoice: null,
  mgmtChoice: null,
  signature: null,
  evidence: 'signature',
  key: null,
})

export const draft = reactive<Draft>({ ...empty(), ...(readJSON<Draft>(DRAFT_KEY) ?? {}) })

watch(
  () => ({ ...draft }),
  (d) => {
    if (d.householdId === null) remove(DRAFT_KEY)
    else writeJSON(DRAFT_KEY, d)
  },
  { flush: 'sync' },
)

/** Starts a fresh draft unless the one kept is for this household and plan. */
export function ensureDraft(householdId: number, planId: number): void {
  if (draft.householdId === householdId && draft.planId === planId) return
  Object.assign(draft, empty(), { householdId, planId })
}

export function clearDraft(): void {
  Object.assign(draft, empty())
}

export function setPlanChoice(c: Choice): void {
  if (draft.planChoice !== c) Object.assign(draft, { planChoice: c, key: null })
}

export function setMgmtChoice(c: Choice): void {
  if (draft.mgmtChoice !== c) Object.assign(draft, { mgmtChoice: c, key: null })
}

export function setSignature(dataUrl: string | null): void {
  Object.assign(draft, { signature: dataUrl, key: null })
}

export function setEvidence(e: ConfirmBy): void {
  if (draft.evidence !== e) Object.assign(draft, { evidence: e, key: null })
}

export type Missing = 'plan' | 'mgmt' | 'signature' | 'code'

/** What is still missing; `code` is the household code typed on the screen. */
export function missing(d: Draft = draft, code = ''): Missing[] {
  const out: Missing[] = []
  if (!d.planChoice) out.push('plan')
  if (!d.mgmtChoice) out.push('mgmt')
  if (d.evidence === 'household_code') {
    if (checkCode(normalizeCode(code))) out.push('code')
  } else if (!d.signature || !d.signature.startsWith('data:image/png;base64,')) out.push('signature')
  return out
}

/** The body to PUT and its key; null while something is missing. */
export function ballotFromDraft(replaces: number | null, code = ''): { body: BallotRequest; key: string } | null {
  if (missing(draft, code).length || draft.planId === null) return null
  if (!draft.key) draft.key = uuid()
  const confirmation =
    draft.evidence === 'household_code'
      ? { evidence: 'household_code' as const, household_code: normalizeCode(code) }
      : { evidence: 'signature' as const, signature: draft.signature! }
  return {
    key: draft.key,
    body: {
      plan_id: draft.planId,
      plan_choice: draft.planChoice!,
      management_choice: draft.mgmtChoice!,
      ...confirmation,
      replaces,
    },
  }
}
