// The vote being filled in (choices and signature), kept in localStorage so a
// WeChat reload or a phone call in the middle does not lose the signature.
import { reactive, watch } from 'vue'
import type { BallotRequest } from '../api/contract'
import type { Choice } from '../api/vocabulary'
import { readJSON, remove, writeJSON } from '../shared/storage'
import { uuid } from '../shared/uuid'

const DRAFT_KEY = 'anju.draft'

export interface Draft {
  householdId: number | null
  planId: number | null
  planChoice: Choice | null
  mgmtChoice: Choice | null
  signature: string | null
  /** Idempotency-Key of this attempt: made once, dropped when an answer changes. */
  key: string | null
}

const empty = (): Draft => ({
  householdId: null,
  planId: null,
  planChoice: null,
  mgmtChoice: null,
  signature: null,
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

export type Missing = 'plan' | 'mgmt' | 'signature'

export function missing(d: Draft = draft): Missing[] {
  const out: Missing[] = []
  if (!d.planChoice) out.push('plan')
  if (!d.mgmtChoice) out.push('mgmt')
  if (!d.signature || !d.signature.startsWith('data:image/png;base64,')) out.push('signature')
  return out
}

/** The body to PUT and its key; null while something is missing. */
export function ballotFromDraft(replaces: number | null): { body: BallotRequest; key: string } | null {
  if (missing().length || draft.planId === null) return null
  if (!draft.key) draft.key = uuid()
  return {
    key: draft.key,
    body: {
      plan_id: draft.planId,
      plan_choice: draft.planChoice!,
      management_choice: draft.mgmtChoice!,
      signature: draft.signature!,
      replaces,
    },
  }
}
