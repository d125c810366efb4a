// A vote as the public log records it (server/votelog/leaf.go): UTF-8 text,
// one "key value" line per field in a fixed order, absent values "-". The
// phone reads its own leaf to see that the log says what its receipt says.
import type { Receipt } from '../api/contract'

export const LEAF_FORMAT = 'anju/ballot/v1'

const FIELDS = [
  'plan',
  'household',
  'revision',
  'replaces',
  'plan_choice',
  'management_choice',
  'channel',
  'signature_sha256',
  'evidence_sha256',
  'recorded_by',
  'recorded_at',
  'chain_hash',
] as const

export type LeafField = (typeof FIELDS)[number]
export type BallotLeaf = Record<LeafField, string>

/** Reads a ballot leaf; null unless it is exactly the format the server writes. */
export function decodeLeaf(bytes: Uint8Array): BallotLeaf | null {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return null
  }
  if (!text.endsWith('\n')) return null
  const lines = text.slice(0, -1).split('\n')
  if (lines.length !== FIELDS.length + 1 || lines[0] !== LEAF_FORMAT) return null
  const out = {} as BallotLeaf
  for (const [i, field] of FIELDS.entries()) {
    const line = lines[i + 1]!
    const space = line.indexOf(' ')
    const value = line.slice(space + 1)
    if (space < 0 || line.slice(0, space) !== field || value === '' || /[ \r\t]/.test(value)) return null
    out[field] = value
  }
  return out
}

/** A field where the leaf and the receipt differ: what each says. */
export interface LeafDifference {
  field: 'plan' | 'household' | 'revision' | 'plan_choice' | 'management_choice' | 'channel' | 'hash'
  receipt: string
  leaf: string
}

/**
 * Where the leaf disagrees with the receipt the phone was given (and with the
 * household signed in). `leafHashHex` is the hash the phone computed itself.
 * A vote from before the log carries its old chain hash as the receipt's
 * hash; the leaf keeps that hash on its chain_hash line.
 */
export function compareWithReceipt(leaf: BallotLeaf, receipt: Receipt, leafHashHex: string, householdId: number | null): LeafDifference[] {
  const diffs: LeafDifference[] = []
  const check = (field: LeafDifference['field'], want: string, got: string) => {
    if (want !== got) diffs.push({ field, receipt: want, leaf: got })
  }
  check('plan', String(receipt.plan_id), leaf.plan)
  check('household', String(householdId ?? receipt.household_id), leaf.household)
  if (householdId !== null && householdId !== receipt.household_id) diffs.push({ field: 'household', receipt: String(receipt.household_id), leaf: leaf.household })
  check('revision', String(receipt.revision), leaf.revision)
  check('plan_choice', receipt.plan_choice, leaf.plan_choice)
  check('management_choice', receipt.management_choice, leaf.management_choice)
  check('channel', receipt.channel, leaf.channel)
  const hash = receipt.hash?.toLowerCase()
  if (hash && hash !== leafHashHex && hash !== leaf.chain_hash) diffs.push({ field: 'hash', receipt: hash, leaf: leafHashHex })
  return diffs
}
