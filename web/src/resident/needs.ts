// The needs poll (居民点单): at most 10 catalogue items and a short note.
import { MAX_NEEDS, MAX_NEEDS_NOTE } from '../api/vocabulary'

export type NeedsProblem = { kind: 'none' } | { kind: 'tooMany' } | { kind: 'noteTooLong'; length: number }

/** Ticking one more item: refused beyond the maximum. */
export function toggleNeed(chosen: readonly string[], code: string, on: boolean, max = MAX_NEEDS): { chosen: string[]; refused: boolean } {
  if (!on) return { chosen: chosen.filter((c) => c !== code), refused: false }
  if (chosen.includes(code)) return { chosen: [...chosen], refused: false }
  if (chosen.length >= max) return { chosen: [...chosen], refused: true }
  return { chosen: [...chosen, code], refused: false }
}

export function checkNeeds(chosen: readonly string[], note: string): NeedsProblem | null {
  if (chosen.length === 0) return { kind: 'none' }
  if (chosen.length > MAX_NEEDS) return { kind: 'tooMany' }
  const length = [...note.trim()].length
  if (length > MAX_NEEDS_NOTE) return { kind: 'noteTooLong', length }
  return null
}
