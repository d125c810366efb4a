// The vote outbox (待发送): a vote is written here before it is sent, with its
// Idempotency-Key, and stays until the server has answered. A vote taken
// offline is therefore sent later with the same key (a replay never counts
// twice), and because it names the receipt it replaces, a late delivery can
// never overwrite a newer vote: the server answers 409 stale_ballot and the
// resident is asked again.
import { ref } from 'vue'
import { ApiError, isApiError } from '../api/http'
import type { BallotRequest, Receipt } from '../api/contract'
import { readJSON, remove, writeJSON } from '../shared/storage'
import { api, withAuth } from './api'
import type { Outbox } from './sendTriggers'
import { session } from './session'
import { currentReceipt, markClosed, setConflict, setReceipt } from './store'

const OUTBOX_KEY = 'anju.outbox'

export interface QueuedVote {
  householdId: number
  key: string
  body: BallotRequest
  queuedAt: string
}

export type SendResult =
  | { kind: 'sent'; receipt: Receipt }
  /** Not delivered (no connection, server down): kept, to be sent later. */
  | { kind: 'queued'; error: ApiError }
  /** Another vote was recorded since the one this replaces. */
  | { kind: 'stale'; current: Receipt | null }
  /** The server refused it for good (window closed, plan changed, bad input). */
  | { kind: 'rejected'; error: ApiError }
  /** The sign-in ended; the vote stays queued for when the household signs in again. */
  | { kind: 'unauthorized' }
  | { kind: 'nothing' }

export const outbox = ref<QueuedVote | null>(readJSON<QueuedVote>(OUTBOX_KEY))
export const sending = ref(false)

function store(q: QueuedVote | null): void {
  outbox.value = q
  if (q) writeJSON(OUTBOX_KEY, q)
  else remove(OUTBOX_KEY)
}

/** The queued vote of the signed-in household, if any. */
export function pendingVote(): QueuedVote | null {
  const q = outbox.value
  return q && session.value && q.householdId === session.value.household.id ? q : null
}

/** The recorded vote the screens show (receipt, paper note): none while a
 * newer vote waits here. The waiting vote is then the household's answer, and
 * the older receipt beside it would read as if that were still what counts. */
export function shownReceipt(): Receipt | null {
  return pendingVote() ? null : currentReceipt()
}

/** Queues the vote (replacing any vote still waiting) and tries to send it. */
export function submitVote(body: BallotRequest, key: string): Promise<SendResult> {
  const householdId = session.value?.household.id
  if (householdId === undefined) return Promise.resolve({ kind: 'unauthorized' })
  store({ householdId, key, body, queuedAt: new Date().toISOString() })
  return flush()
}

let inFlight: Promise<SendResult> | null = null

/** Sends the queued vote, if there is one for the signed-in household. Called on
 * submit, on "send now", and by the send triggers (sendTriggers.ts). */
export function flush(): Promise<SendResult> {
  if (inFlight) return inFlight
  const q = pendingVote()
  if (!q) return Promise.resolve({ kind: 'nothing' })
  inFlight = send(q).finally(() => {
    inFlight = null
    sending.value = false
  })
  sending.value = true
  return inFlight
}

async function send(q: QueuedVote): Promise<SendResult> {
  try {
    const receipt = await withAuth(() => api.putBallot(q.body, q.key))
    if (outbox.value?.key === q.key) store(null)
    setReceipt(receipt)
    setConflict(null)
    return { kind: 'sent', receipt }
  } catch (e) {
    if (!isApiError(e)) throw e
    if (e.isNetwork || e.status >= 500 || e.status === 408) return { kind: 'queued', error: e }
    if (e.status === 401) return { kind: 'unauthorized' }
    if (outbox.value?.key === q.key) store(null)
    if (e.code === 'stale_ballot') {
      const current = asReceipt(e.details.current)
      if (current) setReceipt(current)
      setConflict({ planId: q.body.plan_id, current })
      return { kind: 'stale', current }
    }
    if (e.code === 'voting_closed') markClosed()
    return { kind: 'rejected', error: e }
  }
}

function asReceipt(v: unknown): Receipt | null {
  if (!v || typeof v !== 'object') return null
  const r = v as Partial<Receipt>
  return typeof r.id === 'number' && typeof r.plan_choice === 'string' ? (r as Receipt) : null
}

/** The kept vote, as the send triggers (sendTriggers.ts) see it. */
export const voteOutbox: Outbox = { waiting: () => pendingVote() !== null, send: flush }
