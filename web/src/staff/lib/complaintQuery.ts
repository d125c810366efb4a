// The complaint queue's filters, both ways: into the API's query string
// (GET /complaints) and into the page address, so a filtered queue can be
// bookmarked, reloaded and sent to a colleague.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'

export const PAGE_SIZE = 50

export interface QueueFilter {
  /** Statuses to show (any of them); empty: no status filter. */
  status: string[]
  category: string
  projectId: number | null
  overdue: boolean
  escalated: boolean
  warranty: boolean
  /** Only open complaints: the default. Ignored when statuses are chosen. */
  open: boolean
  offset: number
}

export function emptyFilter(): QueueFilter {
  return { status: [], category: '', projectId: null, overdue: false, escalated: false, warranty: false, open: true, offset: 0 }
}

/** The API's query string for one page of the queue. */
export function queueQuery(f: QueueFilter, limit = PAGE_SIZE): string {
  const q = new URLSearchParams()
  if (f.status.length) q.set('status', f.status.join(','))
  else if (f.open) q.set('open', 'true')
  if (f.category) q.set('category', f.category)
  if (f.projectId !== null) q.set('project_id', String(f.projectId))
  if (f.overdue) q.set('overdue', 'true')
  if (f.escalated) q.set('escalated', 'true')
  if (f.warranty) q.set('warranty', 'true')
  q.set('limit', String(Math.min(200, Math.max(1, limit))))
  if (f.offset > 0) q.set('offset', String(f.offset))
  return q.toString()
}

/** The page address's query: only what differs from the default. */
export function routeQuery(f: QueueFilter): LocationQueryRaw {
  const q: LocationQueryRaw = {}
  if (f.status.length) q.status = f.status.join(',')
  if (!f.open) q.open = 'false'
  if (f.category) q.category = f.category
  if (f.projectId !== null) q.project_id = String(f.projectId)
  if (f.overdue) q.overdue = 'true'
  if (f.escalated) q.escalated = 'true'
  if (f.warranty) q.warranty = 'true'
  if (f.offset > 0) q.offset = String(f.offset)
  return q
}

function one(v: LocationQuery[string] | undefined): string {
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' ? s : ''
}

function count(v: string): number | null {
  return /^\d+$/.test(v) ? Number(v) : null
}

/** Reads the filters back from the page address; anything unreadable is the default. */
export function filterFromRoute(q: LocationQuery): QueueFilter {
  const f = emptyFilter()
  const status = one(q.status)
  f.status = status ? status.split(',').map((s) => s.trim()).filter((s) => /^[a-z_]+$/.test(s)) : []
  f.open = one(q.open) !== 'false'
  const category = one(q.category)
  f.category = /^[a-z_]+$/.test(category) ? category : ''
  f.projectId = count(one(q.project_id))
  f.overdue = one(q.overdue) === 'true'
  f.escalated = one(q.escalated) === 'true'
  f.warranty = one(q.warranty) === 'true'
  f.offset = count(one(q.offset)) ?? 0
  return f
}
