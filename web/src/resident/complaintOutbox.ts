// The complaint outbox (待发送): a complaint and its photos are written to the
// queue (IndexedDB) with an Idempotency-Key before they are sent, and stay
// there until the server has answered. Without a connection the complaint is
// shown as waiting and sent later with the same key, so a complaint that did
// reach the server before the answer was lost is never filed twice.
import { ref } from 'vue'
import { isApiError, type ApiError } from '../api/http'
import type { Complaint } from '../api/contract'
import { uuid } from '../shared/uuid'
import { api, withAuth } from './api'
import {
  type ComplaintFields,
  defaultStore,
  type QueuedComplaint,
  type QueueStore,
  toQueuedPhoto,
} from './complaintQueue'
import { putComplaint } from './feedback'
import type { Outbox } from './sendTriggers'
import { session } from './session'

export type ComplaintSendResult =
  | { kind: 'sent'; complaint: Complaint }
  /** Not delivered (no connection, server down): kept, to be sent later. */
  | { kind: 'queued'; error: ApiError }
  /** The server refused it for good (no project, warranty over, bad input). */
  | { kind: 'rejected'; error: ApiError }
  /** The sign-in ended; it stays queued for when the household signs in again. */
  | { kind: 'unauthorized' }

/** The signed-in household's queued complaints, oldest first. */
export const queuedComplaints = ref<QueuedComplaint[]>([])
/** False when the queue only lives in memory (no IndexedDB here). */
export const queuePersistent = ref(true)
export const sendingComplaints = ref(false)

let storePromise: Promise<QueueStore> | null = null

function store(): Promise<QueueStore> {
  storePromise ??= defaultStore().then((s) => {
    queuePersistent.value = s.persistent
    return s
  })
  return storePromise
}

/** Replaces the queue's storage (tests; a private-mode fallback). */
export function setComplaintStore(s: QueueStore | null): void {
  storePromise = s ? Promise.resolve(s) : null
  if (s) queuePersistent.value = s.persistent
  queuedComplaints.value = []
}

/** Reads the queue of the signed-in household (app start, each list view). */
export async function loadQueue(): Promise<QueuedComplaint[]> {
  const id = session.value?.household.id
  const all = await (await store()).all().catch(() => [] as QueuedComplaint[])
  const mine = id === undefined ? [] : all.filter((q) => q.householdId === id)
  mine.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt))
  queuedComplaints.value = mine
  return mine
}

/** Queues a complaint with a new key and tries to send it at once. A refusal
 * of this first try removes it again: the form is still there to correct. */
export async function submitComplaint(fields: ComplaintFields, photos: Blob[], key: string = uuid()): Promise<ComplaintSendResult> {
  const householdId = session.value?.household.id
  if (householdId === undefined) return { kind: 'unauthorized' }
  const q: QueuedComplaint = {
    key,
    householdId,
    fields: { ...fields },
    photos: await Promise.all(photos.map((p, i) => toQueuedPhoto(p, i))),
    queuedAt: new Date().toISOString(),
    error: null,
  }
  const s = await store()
  await s.put(q)
  await loadQueue()
  const res = await sendOne(q)
  if (res.kind === 'rejected') await forget(key)
  return res
}

let inFlight: Promise<ComplaintSendResult[]> | null = null

/** Sends every queued complaint of the signed-in household, oldest first;
 * stops at the first one the network does not deliver. Called on "send now"
 * and by the send triggers (sendTriggers.ts). */
export function flushComplaints(): Promise<ComplaintSendResult[]> {
  if (inFlight) return inFlight
  sendingComplaints.value = true
  inFlight = (async () => {
    const out: ComplaintSendResult[] = []
    for (const q of await loadQueue()) {
      if (q.error) continue
      const res = await sendOne(q)
      out.push(res)
      if (res.kind === 'queued' || res.kind === 'unauthorized') break
    }
    return out
  })().finally(() => {
    inFlight = null
    sendingComplaints.value = false
  })
  return inFlight
}

function formOf(q: QueuedComplaint): FormData {
  const f = new FormData()
  const x = q.fields
  f.append('category', String(x.category))
  f.append('description', x.description)
  if (x.catalog_code) f.append('catalog_code', x.catalog_code)
  if (x.building_id) f.append('building_id', String(x.building_id))
  if (x.entrance) f.append('entrance', x.entrance)
  if (x.floor) f.append('floor', x.floor)
  if (x.warranty) {
    f.append('warranty', 'true')
    if (x.warranty_kind) f.append('warranty_kind', String(x.warranty_kind))
  }
  for (const p of q.photos) f.append('photos', new Blob([p.data], { type: p.type }), p.name)
  return f
}

async function sendOne(q: QueuedComplaint): Promise<ComplaintSendResult> {
  const s = await store()
  try {
    const complaint = await withAuth(() => api.createComplaint(formOf(q), q.key))
    await s.remove(q.key)
    putComplaint(complaint)
    await loadQueue()
    return { kind: 'sent', complaint }
  } catch (e) {
    if (!isApiError(e)) throw e
    if (e.isNetwork || e.status >= 500 || e.status === 408 || e.status === 429) return { kind: 'queued', error: e }
    if (e.status === 401) return { kind: 'unauthorized' }
    await s.put({ ...q, error: { status: e.status, code: e.code, message: e.message } })
    await loadQueue()
    return { kind: 'rejected', error: e }
  }
}

async function forget(key: string): Promise<void> {
  await (await store()).remove(key)
  await loadQueue()
}

/** The resident gives up on a complaint the server refused (or that waits). */
export function discardQueued(key: string): Promise<void> {
  return forget(key)
}

/** The kept complaints, as the send triggers (sendTriggers.ts) see them: the
 * ones the server refused wait for the resident, not for the network. */
export const complaintOutbox: Outbox = {
  waiting: () => {
    // Not after a sign-out either: a try without a session would only meet 401.
    const id = session.value?.household.id
    return queuedComplaints.value.some((q) => !q.error && q.householdId === id)
  },
  send: flushComplaints,
}
