// The public record (公开记录) as a phone checks it: every vote is a leaf of its
// plan's RFC 9162 log and the server signs checkpoints (size, root). The
// phone pins the signing key the first time it sees it, keeps the newest
// checkpoint it verified for each plan, and on every later look asks for
// proof that the log only grew since. Anything else is a RecordProblem, which
// the screens show as a loud warning; a kept checkpoint is never replaced by
// one that failed. tlog.ts is loaded only here, on demand, so the first
// screen does not carry it.
import { isApiError } from '../api/http'
import type { BallotProof, CheckpointView, Receipt } from '../api/contract'
import type { Checkpoint } from '../shared/tlog'
import { readJSON, readString, writeJSON, writeString } from '../shared/storage'
import { api, withAuth } from './api'
import { compareWithReceipt, decodeLeaf, type LeafDifference } from './ballotLeaf'
import { CHECKPOINTS_KEY, toHex } from './recordBasics'

/** The verifier key seen first (localStorage is per site). */
export const LOG_KEY_KEY = 'anju.record.logKey'
/** How long the phone waits for a new vote to reach the log. */
export const POLL_LIMIT_MS = 15_000

export interface KeptCheckpoint {
  origin: string
  size: number
  /** Root hash, lower-case hex. */
  root: string
  /** The signed note, as evidence. */
  note: string
  keptAt: string
}

/** A checkpoint whose signature (by the pinned key) and origin were checked. */
export interface VerifiedCheckpoint {
  origin: string
  size: number
  root: string
  note: string
  createdAt: string
  /** The signing key's name and hash, `name+1a2b3c4d`. */
  signer: string
  /** The witnesses the server lists as cosigners (checked by the witnesses themselves, not here). */
  witnesses: string[]
}

export type ProblemKind =
  /** The server now names another signing key than the one pinned. */
  | 'key_changed'
  /** The newest checkpoint is not signed by the pinned key, or not for this plan. */
  | 'bad_checkpoint'
  /** The newest checkpoint is smaller than one kept. */
  | 'rolled_back'
  /** The log does not extend the kept checkpoint (the proof fails). */
  | 'inconsistent'
  /** The server says the log never reached the size it signed. */
  | 'size_unknown'
  /** The leaf does not say what the receipt says. */
  | 'leaf_mismatch'
  /** The inclusion proof does not lead to the signed root. */
  | 'not_included'

export interface Evidence {
  kept?: KeptCheckpoint | null
  seen?: { origin: string; size: number; root: string; createdAt: string } | null
  pinnedKey?: string
  servedKey?: string
  differences?: LeafDifference[]
}

/** Something the server showed that a correct log never would. */
export class RecordProblem extends Error {
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly evidence: Evidence = {},
  ) {
    super(`${kind}: ${detail}`)
    this.name = 'RecordProblem'
  }
}

/** This phone cannot verify (no WebCrypto: an old WebView, or a page not on HTTPS). */
export class CannotCheck extends Error {
  constructor() {
    super('this browser has no WebCrypto')
    this.name = 'CannotCheck'
  }
}

/** The vote is not in the log yet after POLL_LIMIT_MS: ask again later. */
export class StillPending extends Error {
  constructor() {
    super('the vote is not in the public record yet')
    this.name = 'StillPending'
  }
}

export function isRecordProblem(e: unknown): e is RecordProblem {
  return e instanceof RecordProblem
}

// --- what the phone keeps ---

export function keptCheckpoint(planId: number): KeptCheckpoint | null {
  return readJSON<Record<string, KeptCheckpoint>>(CHECKPOINTS_KEY)?.[String(planId)] ?? null
}

function keep(planId: number, cp: VerifiedCheckpoint): void {
  const all = readJSON<Record<string, KeptCheckpoint>>(CHECKPOINTS_KEY) ?? {}
  const old = all[String(planId)]
  // Two checks running side by side: the larger verified checkpoint stays.
  if (old && old.size > cp.size) return
  all[String(planId)] = { origin: cp.origin, size: cp.size, root: cp.root, note: cp.note, keptAt: new Date().toISOString() }
  writeJSON(CHECKPOINTS_KEY, all)
}

// One check at a time, so two screens never judge against a half-kept state.
let queue: Promise<unknown> = Promise.resolve()
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn)
  queue = run.catch(() => undefined)
  return run
}

const loadTlog = () => import('../shared/tlog')
type Tlog = Awaited<ReturnType<typeof loadTlog>>

/** The server's verifier key, pinned on first use; a different one later is a problem. */
async function pinnedKey(): Promise<string> {
  const served = (await api.logKey()).verifier_key
  const pinned = readString(LOG_KEY_KEY)
  if (!pinned) {
    writeString(LOG_KEY_KEY, served)
    return served
  }
  if (pinned !== served) {
    throw new RecordProblem('key_changed', `the server names the key ${served}, this phone pinned ${pinned}`, { pinnedKey: pinned, servedKey: served })
  }
  return pinned
}

/** Something the server sent that record.ts itself refuses. */
class Refused extends Error {}

/**
 * A verdict becomes a RecordProblem: tlog.ts's own refusals ("tlog: …") and
 * ours. Anything else (a chunk that failed to load, a TypeError on a
 * half-read answer) says nothing about the record and is thrown as it is,
 * so a phone that merely could not check never shows the warning.
 */
function judged(e: unknown, kind: ProblemKind, evidence: Evidence): unknown {
  if (e instanceof Refused || (e instanceof Error && e.message.startsWith('tlog: '))) return new RecordProblem(kind, e.message, evidence)
  return e
}

async function loadVerifier(): Promise<Tlog> {
  if (!globalThis.crypto?.subtle) throw new CannotCheck()
  return loadTlog()
}

function seenOf(view: CheckpointView, tlog: Tlog): Evidence['seen'] {
  try {
    return { origin: view.origin, size: view.tree_size, root: toHex(tlog.base64Decode(view.root_hash)), createdAt: view.created_at }
  } catch {
    return { origin: view.origin, size: view.tree_size, root: '', createdAt: view.created_at }
  }
}

/**
 * Checks a checkpoint the server sent against the pinned key, the plan and
 * the one kept for the plan (with a consistency proof from the server). Keeps
 * nothing: the caller keeps it once everything else checked out too.
 */
async function verifyNext(tlog: Tlog, planId: number, view: CheckpointView, vkey: string): Promise<{ cp: VerifiedCheckpoint; kept: KeptCheckpoint | null }> {
  const kept = keptCheckpoint(planId)
  const seen = seenOf(view, tlog)
  let parsed: Checkpoint
  try {
    if (!view.origin.endsWith(`/plans/${planId}`)) throw new Refused(`the checkpoint is for ${JSON.stringify(view.origin)}, not plan ${planId}`)
    parsed = await tlog.verifyCheckpoint(view.note, vkey, view.origin)
    if (parsed.size !== view.tree_size || toHex(parsed.rootHash) !== seen?.root) throw new Refused('the signed note and the size or root sent with it differ')
  } catch (e) {
    throw judged(e, 'bad_checkpoint', { kept, seen })
  }
  const cp: VerifiedCheckpoint = {
    origin: parsed.origin,
    size: parsed.size,
    root: toHex(parsed.rootHash),
    note: view.note,
    createdAt: view.created_at,
    signer: vkey.split('+').slice(0, 2).join('+'),
    witnesses: view.witnesses ?? [],
  }
  if (!kept) return { cp, kept }
  const evidence = { kept, seen }
  if (kept.origin !== cp.origin) throw new RecordProblem('inconsistent', `the log was ${kept.origin}, now ${cp.origin}`, evidence)
  if (cp.size < kept.size) throw new RecordProblem('rolled_back', `the log had ${kept.size} votes, now ${cp.size}`, evidence)
  let proof: Uint8Array[] = []
  // From the empty tree or to the same size there is nothing to ask for.
  if (kept.size > 0 && cp.size > kept.size) {
    try {
      proof = (await api.consistency(planId, kept.size, cp.size)).proof.map((h) => tlog.base64Decode(h))
    } catch (e) {
      if (isApiError(e) && e.code === 'tree_size_unknown') throw new RecordProblem('size_unknown', e.message || `the log does not know size ${cp.size}`, evidence)
      throw judged(e, 'inconsistent', evidence)
    }
  }
  try {
    await tlog.verifyConsistency(kept.size, cp.size, proof, hexBytes(kept.root), parsed.rootHash)
  } catch (e) {
    throw judged(e, 'inconsistent', evidence)
  }
  return { cp, kept }
}

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16))

export interface FollowResult {
  checkpoint: VerifiedCheckpoint
  /** What was kept before this look (null the first time). */
  previous: KeptCheckpoint | null
}

/**
 * A later look at a plan's log: the newest checkpoint, verified and proved
 * to extend the one kept, then kept. Network errors are thrown as ApiError;
 * anything the server should never show is a RecordProblem.
 */
export function followLog(planId: number): Promise<FollowResult> {
  return serial(async () => {
    const [tlog, vkey, view] = await Promise.all([loadVerifier(), pinnedKey(), api.checkpoint(planId)])
    const { cp, kept } = await verifyNext(tlog, planId, view, vkey)
    keep(planId, cp)
    return { checkpoint: cp, previous: kept }
  })
}

export interface VoteCheck extends FollowResult {
  /** 0-based position of the vote in the log. */
  index: number
  /** The vote's leaf hash (hex), computed on the phone. */
  leafHash: string
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException('aborted', 'AbortError'))
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new DOMException('aborted', 'AbortError'))), { once: true })
  })
}

/** The household's proof; while the vote is being written, ask again as the server says. */
async function proofOf(planId: number, onPending?: () => void, signal?: AbortSignal): Promise<BallotProof> {
  const started = Date.now()
  for (;;) {
    const { proof, retryAfter } = await withAuth(() => api.ballotProof(planId, signal))
    if (!proof.pending) return proof
    onPending?.()
    const wait = Math.min(Math.max(retryAfter ?? 1, 1), 5) * 1000
    if (Date.now() - started + wait > POLL_LIMIT_MS) throw new StillPending()
    await sleep(wait, signal)
  }
}

export interface VoteCheckOptions {
  /** The household signed in, which the leaf must name. */
  householdId: number | null
  /** Called while the server is still writing the vote into the log. */
  onPending?: () => void
  signal?: AbortSignal
}

/**
 * 查验: the household's vote is a leaf of the plan's log, the leaf says what
 * the receipt says, and the log is signed and extends what the phone kept.
 */
export async function checkMyVote(receipt: Receipt, opts: VoteCheckOptions): Promise<VoteCheck> {
  const proof = await proofOf(receipt.plan_id, opts.onPending, opts.signal)
  return serial(async () => {
    const [tlog, vkey] = await Promise.all([loadVerifier(), pinnedKey()])
    if (!proof.checkpoint || typeof proof.leaf_index !== 'number') throw new RecordProblem('not_included', 'the server sent no checkpoint or leaf index')
    const { cp, kept } = await verifyNext(tlog, receipt.plan_id, proof.checkpoint, vkey)
    const evidence = { kept, seen: { origin: cp.origin, size: cp.size, root: cp.root, createdAt: cp.createdAt } }
    let leafBytes: Uint8Array
    let hash: Uint8Array
    try {
      leafBytes = tlog.base64Decode(proof.leaf)
      hash = await tlog.leafHash(leafBytes)
      if (toHex(hash) !== toHex(tlog.base64Decode(proof.leaf_hash))) throw new Refused('the leaf hash sent is not the hash of the leaf sent')
      if (proof.tree_size !== cp.size) throw new Refused(`the proof is for a tree of ${proof.tree_size}, the checkpoint signs ${cp.size}`)
      await tlog.verifyInclusion(proof.leaf_index, cp.size, hash, proof.proof.map((h) => tlog.base64Decode(h)), hexBytes(cp.root))
    } catch (e) {
      throw judged(e, 'not_included', evidence)
    }
    const leaf = decodeLeaf(leafBytes)
    if (!leaf) throw new RecordProblem('leaf_mismatch', 'the leaf is not an anju/ballot/v1 vote', evidence)
    const differences = compareWithReceipt(leaf, receipt, toHex(hash), opts.householdId)
    if (differences.length) {
      throw new RecordProblem('leaf_mismatch', differences.map((d) => `${d.field}: ${d.receipt} ≠ ${d.leaf}`).join('; '), { ...evidence, differences })
    }
    keep(receipt.plan_id, cp)
    return { checkpoint: cp, previous: kept, index: proof.leaf_index, leafHash: toHex(hash) }
  })
}
