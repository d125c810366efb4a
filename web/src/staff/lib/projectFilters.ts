// The project list's filters (GET /projects?year=&district_id=&stage=&kind=
// &started=&completed=), read from and written to the page address, so every
// dashboard figure can link to the projects behind it.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'

/** GET /projects filters: every dashboard figure links to the projects behind it. */
export interface ProjectFilters {
  year?: number
  district_id?: number
  stage?: string
  kind?: string
  started?: boolean
  completed?: boolean
}

export const FILTER_KEYS = ['year', 'district_id', 'stage', 'kind', 'started', 'completed'] as const
export type FilterKey = (typeof FILTER_KEYS)[number]

function one(v: LocationQuery[string] | undefined): string | null {
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : null
}

function int(v: LocationQuery[string] | undefined): number | undefined {
  const s = one(v)
  return s !== null && /^\d{1,9}$/.test(s) ? Number(s) : undefined
}

function bool(v: LocationQuery[string] | undefined): boolean | undefined {
  const s = one(v)
  return s === 'true' ? true : s === 'false' ? false : undefined
}

function code(v: LocationQuery[string] | undefined): string | undefined {
  const s = one(v)
  return s !== null && /^[a-z_]{1,32}$/.test(s) ? s : undefined
}

/** What the address asks for; anything unreadable is left out. */
export function filtersFromQuery(q: LocationQuery): ProjectFilters {
  const f: ProjectFilters = {}
  const year = int(q.year)
  const district = int(q.district_id)
  const stage = code(q.stage)
  const kind = code(q.kind)
  const started = bool(q.started)
  const completed = bool(q.completed)
  if (year !== undefined) f.year = year
  if (district !== undefined) f.district_id = district
  if (stage !== undefined) f.stage = stage
  if (kind !== undefined) f.kind = kind
  if (started !== undefined) f.started = started
  if (completed !== undefined) f.completed = completed
  return f
}

/** The address's query for these filters (a RouterLink's `query`). */
export function filtersToQuery(f: ProjectFilters): LocationQueryRaw {
  const q: LocationQueryRaw = {}
  for (const k of FILTER_KEYS) {
    const v = f[k]
    if (v !== undefined) q[k] = String(v)
  }
  return q
}

/** The API's query string, in a fixed order. */
export function filtersApiQuery(f: ProjectFilters): string {
  const q = new URLSearchParams()
  for (const k of FILTER_KEYS) {
    const v = f[k]
    if (v !== undefined) q.set(k, String(v))
  }
  return q.toString()
}

export function activeFilterKeys(f: ProjectFilters): FilterKey[] {
  return FILTER_KEYS.filter((k) => f[k] !== undefined)
}
