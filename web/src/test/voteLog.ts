// A plan's vote log as the server keeps it (server/tlog, server/votelog), for
// tests: ballot leaves, RFC 9162 trees and proofs, and checkpoints signed as
// C2SP signed notes with a test Ed25519 key. record.test.ts checks that its
// trees give the Go vectors' roots and proofs before trusting it.
import * as ed from '@noble/ed25519'
import type { BallotProof, CheckpointView } from '../api/contract'
import { base64Encode, leafHash } from '../shared/tlog'

const enc = new TextEncoder()

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  parts.reduce((o, p) => (all.set(p, o), o + p.length), 0)
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all))
}

export const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

export interface BallotFields {
  plan: number
  household: number
  revision?: number
  replaces?: string
  plan_choice?: string
  management_choice?: string
  channel?: string
  /** Given: a version 2 leaf with this evidence line; left out: version 1. */
  evidence?: string
  signature_sha256?: string
  evidence_sha256?: string
  recorded_by?: number
  recorded_at?: string
  chain_hash?: string
}

/** The canonical leaf text of server/votelog/leaf.go. */
export function ballotLeaf(f: BallotFields): Uint8Array {
  const v = (x: string | number | undefined) => (x === undefined || x === '' ? '-' : String(x))
  const v2 = f.evidence !== undefined
  const lines = [
    v2 ? 'anju/ballot/v2' : 'anju/ballot/v1',
    `plan ${f.plan}`,
    `household ${f.household}`,
    `revision ${f.revision ?? 1}`,
    `replaces ${v(f.replaces)}`,
    `plan_choice ${f.plan_choice ?? 'agree'}`,
    `management_choice ${f.management_choice ?? 'abstain'}`,
    `channel ${f.channel ?? 'online'}`,
    ...(v2 ? [`evidence ${f.evidence}`] : []),
    `signature_sha256 ${v(f.signature_sha256 ?? '5f0c'.repeat(16))}`,
    `evidence_sha256 ${v(f.evidence_sha256)}`,
    `recorded_by ${v(f.recorded_by)}`,
    `recorded_at ${f.recorded_at ?? '2026-12-07T13:05:00.123456Z'}`,
    `chain_hash ${v(f.chain_hash)}`,
  ]
  return enc.encode(lines.join('\n') + '\n')
}

/** A note signer: name, Ed25519 secret, and the verifier key the server publishes. */
export interface TestKey {
  name: string
  secret: Uint8Array
  keyHash: Uint8Array
  vkey: string
}

export async function testKey(name: string, seed: number): Promise<TestKey> {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) & 255)
  const pub = await ed.getPublicKeyAsync(secret)
  const keyBytes = Uint8Array.of(1, ...pub)
  const keyHash = (await sha256(enc.encode(`${name}\n`), keyBytes)).slice(0, 4)
  return { name, secret, keyHash, vkey: `${name}+${hex(keyHash)}+${base64Encode(keyBytes)}` }
}

/** A signed note: the body, a blank line, one line per signer. */
export async function signNote(body: string, ...keys: TestKey[]): Promise<string> {
  let sigs = ''
  for (const k of keys) {
    const sig = await ed.signAsync(enc.encode(body), k.secret)
    sigs += `— ${k.name} ${base64Encode(Uint8Array.of(...k.keyHash, ...sig))}\n`
  }
  return `${body}\n${sigs}`
}

const split = (n: number) => {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** One plan's log: leaves appended in order, RFC 9162 §2.1 hashes and proofs. */
export class VoteLog {
  readonly leaves: Uint8Array[] = []
  private hashes: Uint8Array[] = []

  constructor(
    readonly origin: string,
    readonly key: TestKey,
  ) {}

  async append(...leaves: Uint8Array[]): Promise<this> {
    for (const l of leaves) {
      this.leaves.push(l)
      this.hashes.push(await leafHash(l))
    }
    return this
  }

  get size(): number {
    return this.leaves.length
  }

  async mth(lo: number, hi: number): Promise<Uint8Array> {
    if (hi - lo === 0) return sha256()
    if (hi - lo === 1) return this.hashes[lo]!
    const k = split(hi - lo)
    return sha256(Uint8Array.of(1), await this.mth(lo, lo + k), await this.mth(lo + k, hi))
  }

  root(size = this.size): Promise<Uint8Array> {
    return this.mth(0, size)
  }

  async inclusion(m: number, lo: number, hi: number): Promise<Uint8Array[]> {
    if (hi - lo <= 1) return []
    const k = split(hi - lo)
    if (m < lo + k) return [...(await this.inclusion(m, lo, lo + k)), await this.mth(lo + k, hi)]
    return [...(await this.inclusion(m, lo + k, hi)), await this.mth(lo, lo + k)]
  }

  private async subproof(m: number, lo: number, hi: number, whole: boolean): Promise<Uint8Array[]> {
    if (m === hi - lo) return whole ? [] : [await this.mth(lo, hi)]
    const k = split(hi - lo)
    if (m <= k) return [...(await this.subproof(m, lo, lo + k, whole)), await this.mth(lo + k, hi)]
    return [...(await this.subproof(m - k, lo + k, hi, false)), await this.mth(lo, lo + k)]
  }

  /** RFC 9162 §2.1.4.1 PROOF(m, D[n]); empty from the empty tree. */
  consistency(m: number, n = this.size): Promise<Uint8Array[]> {
    return m === 0 || m === n ? Promise.resolve([]) : this.subproof(m, 0, n, true)
  }

  /** The checkpoint view GET /public/plans/{id}/checkpoint answers. */
  async checkpoint(size = this.size, opts: { signers?: TestKey[]; createdAt?: string } = {}): Promise<CheckpointView> {
    const root = base64Encode(await this.root(size))
    const note = await signNote(`${this.origin}\n${size}\n${root}\n`, ...(opts.signers ?? [this.key]))
    return { origin: this.origin, tree_size: size, root_hash: root, note, created_at: opts.createdAt ?? '2026-12-07T05:05:01Z', witnesses: [] }
  }

  /** GET /me/ballot/proof for leaf `index` against the checkpoint of `size`. */
  async proof(planId: number, index: number, size = this.size): Promise<BallotProof> {
    const cp = await this.checkpoint(size)
    return {
      plan_id: planId,
      pending: false,
      leaf_index: index,
      leaf: base64Encode(this.leaves[index]!),
      leaf_hash: base64Encode(this.hashes[index]!),
      tree_size: size,
      root_hash: cp.root_hash,
      proof: (await this.inclusion(index, 0, size)).map(base64Encode),
      checkpoint: cp,
    }
  }

  /** GET /public/plans/{id}/consistency?from=m&to=n. */
  async consistencyAnswer(m: number, n = this.size): Promise<{ proof: string[] }> {
    return { proof: (await this.consistency(m, n)).map(base64Encode) }
  }
}
