// The satisfaction rating (满意度): overall and four dimensions, each 1–5
// stars, optional scores for the plan's items and a comment.
import type { Rating, RatingRequest } from '../api/contract'
import { RATING_COMMENT_MAX, RATING_DIMENSIONS, type RatingDimension } from '../api/vocabulary'
import { charCount } from './complaintRules'

export interface RatingDraft {
  scores: Record<RatingDimension, number>
  /** catalog_code → 1–5; 0 means not rated. */
  items: Record<string, number>
  comment: string
}

export function emptyRating(): RatingDraft {
  return { scores: { overall: 0, quality: 0, civilised: 0, timeliness: 0, communication: 0 }, items: {}, comment: '' }
}

export function draftOf(r: Rating): RatingDraft {
  const d = emptyRating()
  for (const k of RATING_DIMENSIONS) d.scores[k] = r[k]
  for (const i of r.items ?? []) d.items[i.catalog_code] = i.score
  d.comment = r.comment ?? ''
  return d
}

const valid = (n: number) => Number.isInteger(n) && n >= 1 && n <= 5

export type RatingProblem = { kind: 'missing'; dimensions: RatingDimension[] } | { kind: 'commentTooLong'; max: number; n: number }

export function checkRating(d: RatingDraft): RatingProblem | null {
  const missing = RATING_DIMENSIONS.filter((k) => !valid(d.scores[k]))
  if (missing.length) return { kind: 'missing', dimensions: missing }
  const n = charCount(d.comment)
  if (n > RATING_COMMENT_MAX) return { kind: 'commentTooLong', max: RATING_COMMENT_MAX, n }
  return null
}

/** The body of POST /me/ratings: item scores only for the items rated. */
export function ratingRequest(d: RatingDraft): RatingRequest {
  const items = Object.entries(d.items)
    .filter(([, s]) => valid(s))
    .map(([catalog_code, score]) => ({ catalog_code, score }))
  const body: RatingRequest = { ...d.scores }
  const comment = d.comment.trim()
  if (comment) body.comment = comment
  if (items.length) body.items = items
  return body
}

/** Whether a saved rating can still be changed. */
export function editable(r: Pick<Rating, 'editable_until'> | null, now: number = Date.now()): boolean {
  if (!r) return true
  const until = Date.parse(r.editable_until)
  return Number.isNaN(until) || now < until
}
