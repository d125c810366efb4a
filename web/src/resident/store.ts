// What the resident app knows: the plan put to the vote, the household, the
// last receipt it saw and a vote conflict to resolve. Each is kept in
// localStorage per household, so the plan still shows without a connection.
import { reactive } from 'vue'
import { ApiError, isApiError } from '../api/http'
import type { Me, Plan, Receipt } from '../api/contract'
import { isVotingStatus, type VotingStatus } from '../api/vocabulary'
import { readJSON, remove, writeJSON } from '../shared/storage'
import { api, withAuth } from './api'
import { session } from './session'

const PLAN_KEY = 'anju.plan'
const ME_KEY = 'anju.me'
const RECEIPT_KEY = 'anju.receipt'
const CONFLICT_KEY = 'anju.conflict'
/** Kept per household by feedback.ts (complaints, progress, project, rating). */
export const FEEDBACK_KEYS = ['anju.complaints', 'anju.updates', 'anju.project', 'anju.rating'] as const

interface Saved<T> {
  householdId: number
  value: T
  savedAt: string
}

export function loadFor<T>(key: string, householdId: number | undefined): T | null {
  const s = readJSON<Saved<T>>(key)
  return s && householdId !== undefined && s.householdId === householdId ? s.value : null
}

export function saveFor(key: string, householdId: number, value: unknown): void {
  writeJSON(key, { householdId, value, savedAt: new Date().toISOString() })
}

export interface Conflict {
  planId: number
  /** The receipt the server says counts now (null if it did not say). */
  current: Receipt | null
}

export const state = reactive({
  plan: null as Plan | null,
  /** The plan shown is the saved copy because the fetch failed. */
  offline: false,
  planLoading: false,
  /** 404 plan_not_found: nothing is put to the vote. */
  noPlan: false,
  planError: null as ApiError | null,
  me: null as Me | null,
  receipt: null as Receipt | null,
  receiptLoaded: false,
  conflict: null as Conflict | null,
})

/** Loads what was saved for the signed-in household (called at start and sign-in). */
export function restore(): void {
  const id = session.value?.household.id
  state.plan = loadFor<Plan>(PLAN_KEY, id)
  state.me = loadFor<Me>(ME_KEY, id)
  state.receipt = loadFor<Receipt>(RECEIPT_KEY, id)
  state.conflict = loadFor<Conflict>(CONFLICT_KEY, id)
  state.offline = false
  state.noPlan = false
  state.planError = null
  state.receiptLoaded = false
}

function householdId(): number | null {
  return session.value?.household.id ?? null
}

export function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false
}

/** A failure that the saved copy can stand in for: no connection or a server outage. */
export function isTransient(e: unknown): boolean {
  return isApiError(e) && (e.isNetwork || e.status >= 500)
}

export async function loadPlan(): Promise<void> {
  const id = householdId()
  if (id === null) return
  state.planLoading = true
  state.planError = null
  try {
    const plan = await withAuth(() => api.plan())
    state.plan = plan
    // Offline, the service worker answers from its cache: still a saved copy.
    state.offline = isOffline()
    state.noPlan = false
    saveFor(PLAN_KEY, id, plan)
  } catch (e) {
    if (isApiError(e) && e.code === 'plan_not_found') {
      state.plan = null
      state.noPlan = true
      remove(PLAN_KEY)
    } else if (isTransient(e) && state.plan) {
      state.offline = true
    } else if (isApiError(e)) {
      state.planError = e
    }
  } finally {
    state.planLoading = false
  }
}

/** Loads the plan once per app start (screens after /plan need it too). */
export async function ensurePlan(): Promise<void> {
  if (state.plan && !state.offline) return
  await loadPlan()
}

export async function loadMe(): Promise<void> {
  const id = householdId()
  if (id === null) return
  try {
    state.me = await withAuth(() => api.me())
    saveFor(ME_KEY, id, state.me)
  } catch {
    /* the header falls back to the saved copy or the room alone */
  }
}

/** GET /me/ballot: the receipt that counts now, or null before the first vote. */
export async function loadReceipt(): Promise<void> {
  const planId = state.plan?.id
  if (planId === undefined) return
  try {
    setReceipt(await withAuth(() => api.ballot(planId)))
  } catch (e) {
    if (isApiError(e) && e.code === 'ballot_not_found') setReceipt(null)
    // otherwise keep the receipt we saw last
  } finally {
    state.receiptLoaded = true
  }
}

export function setReceipt(r: Receipt | null): void {
  state.receipt = r
  const id = householdId()
  if (id === null) return
  if (r) saveFor(RECEIPT_KEY, id, r)
  else remove(RECEIPT_KEY)
}

/** The receipt of the current plan, if any. */
export function currentReceipt(): Receipt | null {
  const r = state.receipt
  return r && state.plan && r.plan_id === state.plan.id ? r : null
}

export function setConflict(c: Conflict | null): void {
  state.conflict = c
  const id = householdId()
  if (id === null) return
  if (c) saveFor(CONFLICT_KEY, id, c)
  else remove(CONFLICT_KEY)
}

export function markClosed(): void {
  if (state.plan) state.plan = { ...state.plan, voting_status: 'closed' }
}

/** The voting window as the phone should treat it: the server's word, and
 * closed once the deadline has passed even if the copy shown is an old one. */
export function votingStatus(
  plan: Pick<Plan, 'voting_status' | 'voting_closes_at'> | null,
  now: number = Date.now(),
): VotingStatus | null {
  if (!plan) return null
  if (plan.voting_status === 'closed') return 'closed'
  const closes = Date.parse(plan.voting_closes_at)
  if (!Number.isNaN(closes) && now >= closes) return 'closed'
  return isVotingStatus(plan.voting_status) ? plan.voting_status : null
}

/** Wipes everything kept for a household (on sign-out). */
export function forgetHousehold(): void {
  for (const k of [PLAN_KEY, ME_KEY, RECEIPT_KEY, CONFLICT_KEY, ...FEEDBACK_KEYS]) remove(k)
  restore()
}
