// Household code slips (户码条): several per A4 page, each with the community,
// building, entrance, room and the code written as ABCD-EFGH.
import type { IssuedCode } from '../../api/contract'

/** 2 columns × 4 rows on A4 portrait: big enough to read, small enough to cut. */
export const SLIPS_PER_PAGE = 8

export interface Slip {
  community: string
  building: string
  entrance: string
  floor: number | null
  room: string
  code: string
}

/** "ab23cd45" → "AB23-CD45": the hyphen in the middle makes it easy to copy. */
export function formatCode(code: string): string {
  const c = code.toUpperCase().replace(/[^0-9A-Z]/g, '')
  if (c.length < 2) return c
  const half = Math.ceil(c.length / 2)
  return `${c.slice(0, half)}-${c.slice(half)}`
}

export function paginate<T>(items: readonly T[], perPage: number): T[][] {
  if (perPage < 1) throw new RangeError('perPage must be at least 1')
  const pages: T[][] = []
  for (let i = 0; i < items.length; i += perPage) pages.push(items.slice(i, i + perPage))
  return pages
}

const collator = new Intl.Collator('zh-CN', { numeric: true })

/** In the order a committee member walks: entrance, floor, room. */
export function sortSlips(slips: Slip[]): Slip[] {
  return [...slips].sort(
    (a, b) =>
      collator.compare(a.entrance, b.entrance) || (a.floor ?? 0) - (b.floor ?? 0) || collator.compare(a.room, b.room),
  )
}

/** What a slip needs of a code: new codes (codes:issue) and imported or
 * created households (which carry their code) both have it. */
export type SlipCode = Pick<IssuedCode, 'entrance' | 'floor' | 'room' | 'code'>

export function slipsFromCodes(codes: SlipCode[], community: string, building: string): Slip[] {
  return sortSlips(codes.map((c) => ({ community, building, entrance: c.entrance, floor: c.floor, room: c.room, code: c.code })))
}
