// The funding split (资金来源) of a plan must add up to its total budget. The
// sums are done in fen (integers), so 0.1 + 0.2 adds up to exactly 0.3.
import type { FundingSource } from '../../api/vocabulary'

/** The eight sources of the ledger (DESIGN.md rule 6), in the order the seed lists them. */
export const FUNDING_SOURCES: readonly FundingSource[] = [
  'central',
  'provincial',
  'city',
  'district',
  'residents',
  'property_unit',
  'utilities',
  'social_capital',
]

/** Yuan → fen, or null for an empty or unreadable amount. */
export function toFen(yuan: number | string | null | undefined): number | null {
  if (yuan === null || yuan === undefined || yuan === '') return null
  const n = typeof yuan === 'number' ? yuan : Number(yuan)
  if (!Number.isFinite(n)) return null
  return Math.round(n * 100)
}

export function fenToYuan(fen: number): number {
  return fen / 100
}

export interface Balance {
  totalFen: number | null
  sumFen: number
  /** sum − total: positive means the sources exceed the budget. */
  diffFen: number
  balanced: boolean
  /** An amount has more than two decimals or is negative. */
  invalid: boolean
}

function hasMoreThanTwoDecimals(yuan: number): boolean {
  return Math.abs(Math.round(yuan * 100) - yuan * 100) > 1e-6
}

/**
 * Whether the amounts add up. An empty budget with no funding is allowed (a
 * draft without figures yet); anything else must match to the fen.
 */
export function fundingBalance(total: number | null, amounts: (number | null | undefined)[]): Balance {
  const values = amounts.filter((a): a is number => a !== null && a !== undefined)
  const invalid =
    values.some((a) => !Number.isFinite(a) || a < 0 || hasMoreThanTwoDecimals(a)) ||
    (total !== null && (!Number.isFinite(total) || total < 0 || hasMoreThanTwoDecimals(total)))
  const sumFen = values.reduce((s, a) => s + (toFen(a) ?? 0), 0)
  const totalFen = toFen(total)
  const diffFen = sumFen - (totalFen ?? 0)
  const balanced = !invalid && (totalFen === null ? sumFen === 0 : diffFen === 0)
  return { totalFen, sumFen, diffFen, balanced, invalid }
}
