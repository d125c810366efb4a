// A vote as the public log records it (server/votelog/leaf.go): UTF-8 text,
// one "key value" line per field in a fixed order, absent values "-". The
// phone reads its own leaf to see that the log says what its receipt says.
import type { Receipt } from '../api/contract'
import type { Evidence } from '../api/vocabulary'

/** The leaf formats: version 2 adds the evidence line (how the vote was confirmed). */
export const LEAF_FORMAT = 'anju/ballot/v2'
export const LEAF_FORMAT_V1 = 'anju/ballot/v1'

const FIELDS = [
  'plan',
  'household',
  'revision',
  'replaces',
  'plan_choice',
  'management_choice',
  'channel',
  'evidence',
  'signature_sha256',
  'evidence_sha256',
  'recorded_by',
  'recorded_at',
  'chain_hash',
] as const

export type LeafField = (typeof FIELDS)[number]
/** A leaf's fields as written; a version 1 leaf has no evidence line (evidence is then ''). */
export type BallotLeaf = Record<LeafField, string>

/** Reads a ballot leaf; null unless it is exactly a format the server writes. */
export function decodeLeaf(bytes: Uint8Array): BallotLeaf | null {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return null
  }
  if (!text.endsWith('\n')) return null
  const lines = text.slice(0, -1).split('\n')
  const format = lines[0]
  if (format !== LEAF_FORMAT && format !== LEAF_FORMAT_V1) return null
  const fields = format === LEAF_FORMAT ? FIELDS : FIELDS.filter((f) => f !== 'evidence')
  if (lines.length !== fields.length + 1) return null
  const out = { evidence: '' } as BallotLeaf
  for (const [i, field] of fields.entries()) {
    const line = lines[i + 1]!
    const space = line.indexOf(' ')
    const value = line.slice(space + 1)
    if (space < 0 || line.slice(0, space) !== field || value === '' || /[ \r\t]/.test(value)) return null
    out[field] = value
  }
  return out
}

/** How a leaf's vote was confirmed: its evidence line, or for a version 1
 * leaf what its channel implied then (server/votelog Vote.Kind). */
export function leafEvidence(leaf: BallotLeaf): Evidence {
  if (leaf.evidence) return leaf.evidence as Evidence
  return leaf.channel === 'paper' ? 'paper_form' : 'signature'
}

/** A field where the leaf and the receipt differ: what each says. */
export interface LeafDifference {
  field: 'plan' | 'household' | 'revision' | 'plan_choice' | 'management_choice' | 'channel' | 'evidence' | 'hash'
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
  if (receipt.evidence) check('evidence', receipt.evidence, leafEvidence(leaf))
  const hash = receipt.hash?.toLowerCase()
  if (hash && hash !== leafHashHex && hash !== leaf.chain_hash) diffs.push({ field: 'hash', receipt: hash, leaf: leafHashHex })
  return diffs
}
