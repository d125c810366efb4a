// What the first screens need of the public record (公开记录) without loading
// it (record.ts and the verifier load on demand): the vote code as people
// read it, and whether this phone keeps a checkpoint of a plan.
import { readJSON } from '../shared/storage'

/** { [planId]: KeptCheckpoint } (record.ts): the newest verified checkpoint of each plan. */
export const CHECKPOINTS_KEY = 'anju.record.checkpoints'

export const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

/** Upper-case hex in groups of four: `3F5A 1C2B`. */
export function groupHex(hex: string, chars = 8): string {
  return (hex.slice(0, chars).toUpperCase().match(/.{1,4}/g) ?? []).join(' ')
}

/** 投票码: the first 8 hex digits of the vote's hash, as `3F5A 1C2B`. */
export function voteCode(hash: string | null | undefined): string | null {
  return hash && /^[0-9a-f]{8}/i.test(hash) ? groupHex(hash, 8) : null
}

/** This phone has verified a checkpoint of the plan before. */
export function keepsCheckpoint(planId: number): boolean {
  return !!readJSON<Record<string, unknown>>(CHECKPOINTS_KEY)?.[String(planId)]
}
