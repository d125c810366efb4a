// What the resident app knows after the vote: the household's complaints, the
// project's stage (is it handed over, may it be rated), the progress posts and
// the labels of GET /complaints/meta. Each is kept in localStorage per
// household, so the screens still show the last copy without a connection.
import { reactive } from 'vue'
import { ApiError, isApiError } from '../api/http'
import type { Complaint, MyProject, ProgressUpdate } from '../api/contract'
import { readJSON, writeJSON } from '../shared/storage'
import { api, withAuth } from './api'
import { normalizeMeta, type ResidentMeta } from './complaintRules'
import { session } from './session'
import { isTransient, loadFor, saveFor } from './store'

const COMPLAINTS_KEY = 'anju.complaints'
const UPDATES_KEY = 'anju.updates'
const PROJECT_KEY = 'anju.project'
const META_KEY = 'anju.complaintMeta'

export const feedback = reactive({
  /** The household these belong to: another sign-in starts afresh. */
  householdId: null as number | null,
  complaints: null as Complaint[] | null,
  complaintsOffline: false,
  complaintsError: null as ApiError | null,
  updates: null as ProgressUpdate[] | null,
  updatesOffline: false,
  updatesError: null as ApiError | null,
  project: null as MyProject | null,
  /** 409 no_project: the community has no project yet. */
  noProject: false,
  meta: normalizeMeta(readJSON<unknown>(META_KEY)),
})

function hid(): number | null {
  return session.value?.household.id ?? null
}

/** Drops what belongs to another household and reads this one's saved copies. */
export function syncHousehold(): number | null {
  const id = hid()
  if (feedback.householdId === id) return id
  feedback.householdId = id
  const at = id ?? undefined
  feedback.complaints = loadFor<Complaint[]>(COMPLAINTS_KEY, at)
  feedback.updates = loadFor<ProgressUpdate[]>(UPDATES_KEY, at)
  feedback.project = loadFor<MyProject>(PROJECT_KEY, at)
  feedback.noProject = false
  feedback.complaintsOffline = feedback.updatesOffline = false
  feedback.complaintsError = feedback.updatesError = null
  return id
}

export async function loadComplaints(): Promise<void> {
  const id = syncHousehold()
  if (id === null) return
  feedback.complaintsError = null
  try {
    const res = await withAuth(() => api.complaints())
    feedback.complaints = res.items ?? []
    feedback.complaintsOffline = false
    saveFor(COMPLAINTS_KEY, id, feedback.complaints)
  } catch (e) {
    if (isTransient(e) && feedback.complaints) feedback.complaintsOffline = true
    else if (isApiError(e)) feedback.complaintsError = e
  }
}

/** Puts the server's latest copy of one complaint in the list (after a send,
 * a confirm or a reopen). */
export function putComplaint(c: Complaint): void {
  const id = syncHousehold()
  const list = feedback.complaints ?? []
  const i = list.findIndex((x) => x.id === c.id)
  feedback.complaints = i >= 0 ? list.map((x) => (x.id === c.id ? c : x)) : [c, ...list]
  if (id !== null) saveFor(COMPLAINTS_KEY, id, feedback.complaints)
}

export function findComplaint(id: number): Complaint | null {
  return feedback.complaints?.find((c) => c.id === id) ?? null
}

export async function loadUpdates(): Promise<void> {
  const id = syncHousehold()
  if (id === null) return
  feedback.updatesError = null
  try {
    const res = await withAuth(() => api.updates())
    feedback.updates = res.items ?? []
    feedback.updatesOffline = false
    saveFor(UPDATES_KEY, id, feedback.updates)
  } catch (e) {
    if (isTransient(e) && feedback.updates) feedback.updatesOffline = true
    else if (isApiError(e)) feedback.updatesError = e
  }
}

/** GET /me/project; on a failure the saved copy stays. */
export async function loadProject(): Promise<void> {
  const id = syncHousehold()
  if (id === null) return
  try {
    feedback.project = await withAuth(() => api.project())
    feedback.noProject = false
    saveFor(PROJECT_KEY, id, feedback.project)
  } catch (e) {
    if (isApiError(e) && (e.code === 'no_project' || e.status === 404)) {
      feedback.project = null
      feedback.noProject = true
    }
  }
}

/** The labels; fetched once per app start, the saved copy serves offline. */
let metaRequested = false
export async function loadMeta(): Promise<ResidentMeta | null> {
  if (metaRequested && feedback.meta) return feedback.meta
  metaRequested = true
  try {
    const meta = normalizeMeta(await api.complaintsMeta())
    if (meta) {
      feedback.meta = meta
      writeJSON(META_KEY, meta)
    }
  } catch {
    metaRequested = false
  }
  return feedback.meta
}

/** A warranty claim makes sense once the project is handed over. */
export function warrantyPossible(p: MyProject | null): boolean {
  return !!p && (p.stage === 'handed_over' || !!p.handed_over_at)
}

/** Forgets the in-memory copies (tests, sign-out). */
export function resetFeedback(): void {
  feedback.householdId = null
  feedback.complaints = null
  feedback.updates = null
  feedback.project = null
  feedback.noProject = false
  feedback.meta = null
  metaRequested = false
}
