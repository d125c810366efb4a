// What the complaint screens decide without the server: the form's checks,
// the colour of a status, the actions a household may take, the labels from
// GET /complaints/meta, and what to show for a rejected or merged complaint.
import type { Complaint, ComplaintEvent, MetaLabel } from '../api/contract'
import {
  COMPLAINT_DESCRIPTION_MAX,
  COMPLAINT_DESCRIPTION_MIN,
  COMPLAINT_MAX_PHOTOS,
  REOPEN_REASON_MAX,
  REOPEN_REASON_MIN,
} from '../api/vocabulary'

/** What a household may do to its own complaint (only when it is resolved). */
export type ComplaintAction = 'confirm' | 'reopen'

/** Characters as a person counts them (an emoji or a CJK character is one). */
export function charCount(s: string): number {
  return [...s.trim()].length
}

export type ComplaintProblem =
  | { field: 'category'; kind: 'missing' }
  | { field: 'description'; kind: 'tooShort'; min: number; n: number }
  | { field: 'description'; kind: 'tooLong'; max: number; n: number }
  | { field: 'photos'; kind: 'tooMany'; max: number; n: number }

export interface ComplaintDraftCheck {
  category: string
  description: string
  photos: number
}

/** Every problem of the form, in the order the fields are shown. */
export function checkComplaint(d: ComplaintDraftCheck): ComplaintProblem[] {
  const out: ComplaintProblem[] = []
  if (!d.category) out.push({ field: 'category', kind: 'missing' })
  const n = charCount(d.description)
  if (n < COMPLAINT_DESCRIPTION_MIN) out.push({ field: 'description', kind: 'tooShort', min: COMPLAINT_DESCRIPTION_MIN, n })
  else if (n > COMPLAINT_DESCRIPTION_MAX) out.push({ field: 'description', kind: 'tooLong', max: COMPLAINT_DESCRIPTION_MAX, n })
  if (d.photos > COMPLAINT_MAX_PHOTOS) out.push({ field: 'photos', kind: 'tooMany', max: COMPLAINT_MAX_PHOTOS, n: d.photos })
  return out
}

/** Photos that still fit: how many of `adding` may join `have`. */
export function photosThatFit(have: number, adding: number): number {
  return Math.max(0, Math.min(adding, COMPLAINT_MAX_PHOTOS - have))
}

export type ReopenProblem = { kind: 'tooShort'; min: number } | { kind: 'tooLong'; max: number } | null

export function checkReopen(reason: string): ReopenProblem {
  const n = charCount(reason)
  if (n < REOPEN_REASON_MIN) return { kind: 'tooShort', min: REOPEN_REASON_MIN }
  if (n > REOPEN_REASON_MAX) return { kind: 'tooLong', max: REOPEN_REASON_MAX }
  return null
}

/** The household's buttons: only on a resolved complaint, and only those the
 * server allows (an older server without `allowed` gets both). */
export function residentActions(c: Pick<Complaint, 'status' | 'allowed'>): ComplaintAction[] {
  if (c.status !== 'resolved') return []
  const all: ComplaintAction[] = ['confirm', 'reopen']
  if (!Array.isArray(c.allowed)) return all
  return all.filter((a) => c.allowed!.includes(a) || c.allowed!.includes(a === 'confirm' ? 'closed' : 'reopened'))
}

export type Tone = 'primary' | 'success' | 'warning' | 'danger' | 'default'

/** Colour of a status tag: waiting for staff is orange, being handled blue,
 * waiting for the household green, refused or reopened red, over grey. */
export function statusTone(status: string): Tone {
  switch (status) {
    case 'submitted':
      return 'warning'
    case 'assigned':
    case 'in_progress':
      return 'primary'
    case 'resolved':
      return 'success'
    case 'reopened':
    case 'rejected':
      return 'danger'
    default:
      return 'default'
  }
}

/** An event as the timeline shows it; `other` marks one of the complaint this
 * one was merged into (its household is not "you"). */
export type TimelineEvent = ComplaintEvent & { other?: boolean }

/** The status, deadline and events to show: a merged complaint follows its
 * primary, after its own events. */
export interface ShownProgress {
  status: string
  /** Still being handled (the primary's, for a merged complaint). */
  open: boolean
  deadline: string | null
  overdue: boolean
  events: TimelineEvent[]
  merged: boolean
}

const FINISHED = ['closed', 'rejected', 'merged']

export function shownProgress(c: Complaint): ShownProgress {
  const own: TimelineEvent[] = c.events ?? []
  if (c.status === 'merged' && c.primary) {
    return {
      status: c.primary.status,
      open: c.primary.open ?? !FINISHED.includes(c.primary.status),
      deadline: c.primary.deadline ?? null,
      overdue: c.primary.overdue ?? false,
      events: [...own, ...(c.primary.events ?? []).map((e) => ({ ...e, other: true }))],
      merged: true,
    }
  }
  return { status: c.status, open: c.open, deadline: c.deadline, overdue: c.overdue, events: own, merged: c.status === 'merged' }
}

/** Who rejected a complaint, when and why: the last move to `rejected`. */
export function rejection(c: Complaint): ComplaintEvent | null {
  if (c.status !== 'rejected') return null
  const events = c.events ?? []
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!
    if (e.kind === 'status' && e.to === 'rejected') return e
  }
  return null
}

/** Events oldest first, whatever order the server sent them in. */
export function timeline<E extends ComplaintEvent>(events: E[]): E[] {
  return [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
}

// ---- labels from GET /complaints/meta ----

type Raw = Record<string, unknown>

function str(o: Raw, ...keys: string[]): string {
  for (const k of keys) {
    const v = o[k]
    if (typeof v === 'string' && v) return v
  }
  return ''
}

function labels(v: unknown): MetaLabel[] {
  const entries: Raw[] = Array.isArray(v)
    ? v.filter((x): x is Raw => !!x && typeof x === 'object')
    : v && typeof v === 'object'
      ? Object.entries(v as Raw).map(([code, x]) => ({ code, ...(x && typeof x === 'object' ? (x as Raw) : { zh: x }) }))
      : []
  return entries
    .map((o) => {
      const nested = o.label && typeof o.label === 'object' ? (o.label as Raw) : {}
      const out: MetaLabel = {
        code: str(o, 'code'),
        zh: str(o, 'zh', 'name_zh', 'label_zh') || str(nested, 'zh', 'zh-CN'),
        en: str(o, 'en', 'name_en', 'label_en') || str(nested, 'en'),
      }
      return out
    })
    .filter((l) => l.code)
}

/** The groups of GET /complaints/meta the household's screens label with. */
export type MetaGroup = 'statuses' | 'categories' | 'unit_kinds' | 'warranty_kinds'
/** Those groups' labels, as the app keeps them (and saves them for offline). */
export type ResidentMeta = Record<MetaGroup, MetaLabel[]>

/** Reads the meta answer (or a saved copy of it), tolerating the spellings a
 * label could come in. */
export function normalizeMeta(v: unknown): ResidentMeta | null {
  if (!v || typeof v !== 'object') return null
  const o = v as Raw
  const meta: ResidentMeta = {
    statuses: labels(o.statuses),
    categories: labels(o.categories),
    unit_kinds: labels(o.unit_kinds),
    warranty_kinds: labels(o.warranty_kinds),
  }
  return meta.statuses.length || meta.categories.length ? meta : null
}

/** The server's label in the reader's language, or null to use the app's own. */
export function metaLabel(meta: ResidentMeta | null, group: MetaGroup, code: string, locale: string): string | null {
  const l = meta?.[group].find((x) => x.code === code)
  if (!l) return null
  return (locale === 'en' ? l.en : l.zh) || l.zh || l.en || null
}
