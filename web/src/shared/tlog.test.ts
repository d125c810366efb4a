// The vote-log verifier against what the Go libraries write
// (testdata/tlog-vectors.json, made by server/tlog/jsvectors_test.go), against
// RFC 9162's recursive definitions for every small tree, and with and without
// the browser's own Ed25519.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  base64Decode,
  base64Encode,
  leafHash,
  parseCheckpoint,
  parseVerifierKey,
  verifyCheckpoint,
  verifyConsistency,
  verifyCosignatureV1,
  verifyInclusion,
} from './tlog'

interface InclusionCase { why?: string; index: number; size: number; leaf?: string; leafHash: string; proof: string[]; root: string }
interface ConsistencyCase { why?: string; size1: number; size2: number; proof: string[]; root1: string; root2: string }
interface NoteCase { why: string; note?: string; vkey: string; origin?: string; timestamp?: number }
interface Vectors {
  leafHashes: { leaf: string; hash: string }[]
  roots: { size: number; root: string }[]
  inclusion: InclusionCase[]
  badInclusion: InclusionCase[]
  consistency: ConsistencyCase[]
  badConsistency: ConsistencyCase[]
  keys: { log: string; otherLog: string; witness: string; otherWitness: string }
  checkpoints: { why: string; note: string; origin: string; size: number; root: string; extensions: string[] }[]
  badCheckpoints: NoteCase[]
  cosignatures: NoteCase[]
  badCosignatures: NoteCase[]
  badVkeys: NoteCase[]
}

const V: Vectors = JSON.parse(readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), 'testdata/tlog-vectors.json'), 'utf8'))
const unhex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16))
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
const leafOf = (i: number) => new TextEncoder().encode(`anju vote ${i}`)
const ORIGIN = 'anju.example/plan/42'

function sigBytes(keyHash: number, sig: Uint8Array) {
  const b = new Uint8Array(4 + sig.length)
  new DataView(b.buffer).setUint32(0, keyHash)
  b.set(sig, 4)
  return b
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  parts.reduce((o, p) => (all.set(p, o), o + p.length), 0)
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all))
}

/** RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 as written: MTH, PATH and SUBPROOF. */
class ReferenceTree {
  private memo = new Map<string, Promise<Uint8Array>>()
  constructor(private leaves: Promise<Uint8Array>[]) {}

  static of(n: number) {
    return new ReferenceTree(Array.from({ length: n }, (_, i) => leafHash(leafOf(i))))
  }

  private static split(n: number) {
    let k = 1
    while (k * 2 < n) k *= 2
    return k
  }

  mth(lo: number, hi: number): Promise<Uint8Array> {
    if (hi - lo === 0) return sha256()
    if (hi - lo === 1) return this.leaves[lo]!
    const key = `${lo}:${hi}`
    if (!this.memo.has(key)) {
      const k = ReferenceTree.split(hi - lo)
      this.memo.set(key, Promise.all([this.mth(lo, lo + k), this.mth(lo + k, hi)]).then(([l, r]) => sha256(Uint8Array.of(1), l, r)))
    }
    return this.memo.get(key)!
  }

  path(m: number, lo: number, hi: number): Promise<Uint8Array>[] {
    if (hi - lo <= 1) return []
    const k = ReferenceTree.split(hi - lo)
    if (m < lo + k) return [...this.path(m, lo, lo + k), this.mth(lo + k, hi)]
    return [...this.path(m, lo + k, hi), this.mth(lo, lo + k)]
  }

  subproof(m: number, lo: number, hi: number, whole: boolean): Promise<Uint8Array>[] {
    if (m === hi - lo) return whole ? [] : [this.mth(lo, hi)]
    const k = ReferenceTree.split(hi - lo)
    if (m <= k) return [...this.subproof(m, lo, lo + k, whole), this.mth(lo + k, hi)]
    return [...this.subproof(m - k, lo + k, hi, false), this.mth(lo, lo + k)]
  }
}

describe('base64 as Go writes it', () => {
  it('round-trips every length and matches the checkpoint root encoding', () => {
    for (let n = 0; n < 8; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 255)
      expect(base64Decode(base64Encode(b))).toEqual(b)
    }
    const cp = V.checkpoints[0]!
    expect(base64Encode(unhex(cp.root))).toBe(cp.note.split('\n')[2])
  })

  it('wants the padding and the standard alphabet; like Go it ignores unused low bits', () => {
    for (const bad of ['AAA', 'AA=A', 'A===', 'AA AA', 'AA-_', 'AAAA\n']) expect(() => base64Decode(bad), bad).toThrow(/base64/)
    expect(base64Decode('AB==')).toEqual(Uint8Array.of(0))
  })
})

describe('RFC 9162 trees', () => {
  it('hashes leaves as Go does', async () => {
    for (const v of V.leafHashes) expect(hex(await leafHash(unhex(v.leaf)))).toBe(v.hash)
  })

  it('the reference tree of this test has the roots Go computes', async () => {
    const ref = ReferenceTree.of(1000)
    for (const { size, root } of V.roots) expect(hex(await ref.mth(0, size)), `size ${size}`).toBe(root)
  })
})

describe('inclusion proofs', () => {
  it('accepts every proof Go made', async () => {
    for (const c of V.inclusion) {
      expect(hex(await leafHash(unhex(c.leaf!)))).toBe(c.leafHash)
      await verifyInclusion(c.index, c.size, unhex(c.leafHash), c.proof.map(unhex), unhex(c.root))
    }
    expect(V.inclusion.length).toBeGreaterThan(150)
  })

  it.each(V.badInclusion.map((c) => [c.why!, c] as const))('rejects %s', async (_, c) => {
    await expect(verifyInclusion(c.index, c.size, unhex(c.leafHash), c.proof.map(unhex), unhex(c.root))).rejects.toThrow(/^tlog: /)
  })

  it('accepts the RFC proof for every leaf of every tree up to 40 leaves, and no other leaf with it', async () => {
    const ref = ReferenceTree.of(40)
    for (let size = 1; size <= 40; size++) {
      const root = await ref.mth(0, size)
      for (let i = 0; i < size; i++) {
        const proof = await Promise.all(ref.path(i, 0, size))
        await verifyInclusion(i, size, await ref.mth(i, i + 1), proof, root)
        if (size > 1) await expect(verifyInclusion(i, size, await ref.mth((i + 1) % size, (i + 1) % size + 1), proof, root)).rejects.toThrow(/does not lead/)
      }
    }
  })

  it('works past 2^32 leaves and refuses numbers JavaScript cannot hold exactly', async () => {
    const h = await sha256()
    // Leaf 2^32 is the last of 2^32 + 1: one sibling, the left half's root.
    await expect(verifyInclusion(2 ** 32, 2 ** 32 + 1, h, [h], h)).rejects.toThrow(/does not lead to the root/)
    await expect(verifyInclusion(0, 2 ** 53 - 1, h, [h], h)).rejects.toThrow(/needs 53/)
    for (const [index, size] of [[-1, 5], [1.5, 5], [Number.NaN, 5], [0, 2 ** 53], [5, 5]]) {
      await expect(verifyInclusion(index!, size!, h, [], h)).rejects.toThrow(/^tlog: /)
    }
  })
})

describe('consistency proofs', () => {
  it('accepts every proof Go made', async () => {
    for (const c of V.consistency) await verifyConsistency(c.size1, c.size2, c.proof.map(unhex), unhex(c.root1), unhex(c.root2))
    expect(V.consistency.length).toBeGreaterThan(150)
  })

  it.each(V.badConsistency.map((c) => [c.why!, c] as const))('rejects %s', async (_, c) => {
    await expect(verifyConsistency(c.size1, c.size2, c.proof.map(unhex), unhex(c.root1), unhex(c.root2))).rejects.toThrow(/^tlog: /)
  })

  it('accepts the RFC proof between every two sizes up to 40, and not for a rewritten old tree', async () => {
    const ref = ReferenceTree.of(40)
    const other = new ReferenceTree([sha256(Uint8Array.of(9)), ...Array.from({ length: 39 }, (_, i) => leafHash(leafOf(i + 1)))])
    for (let size2 = 1; size2 <= 40; size2++) {
      for (let size1 = 0; size1 <= size2; size1++) {
        // PROOF(m, D[n]) is defined for 0 < m; from the empty tree it is empty.
        const proof = size1 === 0 ? [] : await Promise.all(ref.subproof(size1, 0, size2, true))
        await verifyConsistency(size1, size2, proof, await ref.mth(0, size1), await ref.mth(0, size2))
        if (size1 > 0) await expect(verifyConsistency(size1, size2, proof, await other.mth(0, size1), await ref.mth(0, size2))).rejects.toThrow(/rewritten/)
      }
    }
  })

  it('handles the edge cases of RFC 9162 §2.1.4.2', async () => {
    const [a, b] = [await sha256(Uint8Array.of(1)), await sha256(Uint8Array.of(2))]
    await verifyConsistency(0, 0, [], a, a)
    await verifyConsistency(0, 7, [], a, b)
    await verifyConsistency(7, 7, [], b, b)
    await expect(verifyConsistency(0, 7, [a], a, b)).rejects.toThrow(/must be empty/)
    await expect(verifyConsistency(7, 7, [], a, b)).rejects.toThrow(/rewritten/)
    await expect(verifyConsistency(8, 7, [a], a, b)).rejects.toThrow(/larger/)
    await expect(verifyConsistency(3, 7, [], a, b)).rejects.toThrow(/needs/)
  })
})

describe('verifier keys', () => {
  it('reads the key hash exactly as x/mod/sumdb/note computes it', async () => {
    // The example key in x/mod/sumdb/note's package documentation.
    const k = await parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')
    expect([k.name, k.keyHash, k.publicKey.length]).toEqual(['PeterNeumann', 0xc74f20a3, 32])
    const log = await parseVerifierKey(V.keys.log) // its base64 holds a "+"
    expect([log.name, log.keyHash.toString(16).padStart(8, '0')]).toEqual(V.keys.log.split('+').slice(0, 2))
  })

  it.each(V.badVkeys.map((c) => [c.why, c.vkey] as const))('rejects %s', async (_, vkey) => {
    await expect(parseVerifierKey(vkey)).rejects.toThrow(/^tlog: /)
  })
})

function spyOnCrypto(webCryptoEd25519: boolean) {
  const subtle = globalThis.crypto.subtle
  const importKey = subtle.importKey.bind(subtle)
  if (!webCryptoEd25519) {
    // As in an old WebView: Ed25519 is an unknown algorithm.
    vi.spyOn(subtle, 'importKey').mockImplementation(((format: 'raw', data: BufferSource, alg: AlgorithmIdentifier, ext: boolean, uses: KeyUsage[]) =>
      (typeof alg === 'string' ? alg : alg.name) === 'Ed25519'
        ? Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'))
        : importKey(format, data, alg, ext, uses)) as never)
  }
  return { digest: vi.spyOn(subtle, 'digest'), verify: vi.spyOn(subtle, 'verify') }
}

// Why each bad note fails: a rejection for another reason would hide a bug.
const REASONS: Record<string, RegExp> = {
  "signed only by another key with the log's name": /no signature by/,
  "another key's signature under the log's key hash": /is invalid/,
  'the size changed after signing': /is invalid/,
  'the root changed after signing': /is invalid/,
  'an extension line added after signing': /is invalid/,
  'the wrong origin expected': /is for "anju.example\/plan\/42", not/,
  'checked with another key of the same name': /no signature by/,
  'no signature lines': /signature line/,
  'a hyphen instead of the em dash': /em dash/,
  'a carriage return in the body': /control character/,
  'the signature two bytes short': /is invalid/,
  'no blank line before the signatures': /no blank line/,
  'no final newline': /does not end with/,
  'the time changed after cosigning': /cosignature by .* is invalid/,
  'the size changed after cosigning': /cosignature by .* is invalid/,
  'no line by this witness': /no signature by witness.anju.example/,
  'a plain note signature, without the time': /not a time and an Ed25519 signature/,
}

describe.each([
  ['with WebCrypto Ed25519', true],
  ['with the @noble/ed25519 fallback', false],
])('checkpoints and cosignatures %s', (_, webCryptoEd25519) => {
  let spies: ReturnType<typeof spyOnCrypto>
  beforeEach(() => {
    spies = spyOnCrypto(webCryptoEd25519)
  })

  it('verifies every checkpoint the Go log signed, by the path expected', async () => {
    for (const c of V.checkpoints) {
      const cp = await verifyCheckpoint(c.note, V.keys.log, ORIGIN)
      expect([cp.origin, cp.size, hex(cp.rootHash), cp.extensions], c.why).toEqual([c.origin, c.size, c.root, c.extensions])
      // The parts put back together give the note again, byte for byte.
      expect(cp.body + '\n' + cp.signatures.map((s) => `— ${s.name} ${base64Encode(sigBytes(s.keyHash, s.sig))}\n`).join('')).toBe(c.note)
    }
    const sha512 = spies.digest.mock.calls.some(([alg]) => alg === 'SHA-512')
    const ed25519 = spies.verify.mock.calls.some(([alg]) => (typeof alg === 'string' ? alg : alg.name) === 'Ed25519')
    expect([ed25519, sha512]).toEqual(webCryptoEd25519 ? [true, false] : [false, true])
  })

  it.each(V.badCheckpoints.map((c) => [c.why, c] as const))('rejects a checkpoint: %s', async (_, c) => {
    expect(REASONS[c.why], 'the reason this case fails').toBeDefined()
    await expect(verifyCheckpoint(c.note!, c.vkey, c.origin)).rejects.toThrow(REASONS[c.why]!)
  })

  it('returns the witnesses’ cosignature times', async () => {
    for (const c of V.cosignatures) expect(await verifyCosignatureV1(c.note!, c.vkey), c.why).toBe(c.timestamp)
    // A witness key is no log key, and the other way round.
    await expect(verifyCosignatureV1(V.cosignatures[0]!.note!, V.keys.log)).rejects.toThrow(/algorithm 1, want 4/)
    await expect(verifyCheckpoint(V.cosignatures[0]!.note!, V.keys.witness)).rejects.toThrow(/algorithm 4, want 1/)
  })

  it.each(V.badCosignatures.map((c) => [c.why, c] as const))('rejects a cosignature: %s', async (_, c) => {
    expect(REASONS[c.why], 'the reason this case fails').toBeDefined()
    await expect(verifyCosignatureV1(c.note!, c.vkey)).rejects.toThrow(REASONS[c.why]!)
  })
})

it('falls back to @noble/ed25519 when WebCrypto has Ed25519 keys but its verify throws', async () => {
  vi.spyOn(crypto.subtle, 'verify').mockRejectedValue(new DOMException('no', 'NotSupportedError'))
  const digest = vi.spyOn(crypto.subtle, 'digest')
  await verifyCheckpoint(V.checkpoints[0]!.note, V.keys.log)
  expect(digest.mock.calls.some(([alg]) => alg === 'SHA-512')).toBe(true)
})

describe('checkpoint format', () => {
  const good = V.checkpoints[0]!.note
  const [, , root, , sigLine] = good.split('\n') as string[]
  const withBody = (body: string) => `${body}\n${sigLine}\n`

  it('reads the largest size JavaScript holds exactly, and no larger', () => {
    expect(parseCheckpoint(withBody(`o\n9007199254740991\n${root}\n`)).size).toBe(2 ** 53 - 1)
    expect(() => parseCheckpoint(withBody(`o\n9007199254740992\n${root}\n`))).toThrow(/beyond 2\^53/)
    expect(() => parseCheckpoint(withBody(`o\n18446744073709551615\n${root}\n`))).toThrow(/beyond 2\^53/)
  })

  it.each([
    ['a size with a leading zero', withBody(`o\n033\n${root}\n`), /leading zeros/],
    ['a signed size', withBody(`o\n+33\n${root}\n`), /decimal/],
    ['a root of 31 bytes', withBody(`o\n33\n${base64Encode(new Uint8Array(31))}\n`), /31 bytes/],
    ['a root in URL-safe base64', withBody(`o\n33\n${root!.replace(/[+/]/g, '-')}A\n`), /base64/],
    ['an empty origin', withBody(`\n33\n${root}\n`), /empty/],
    ['no root line', withBody(`o\n33\n`), /needs an origin/],
    ['an empty extension line', withBody(`o\n33\n${root}\n\next\n`), /empty/],
    ['a tab', withBody(`o\t\n33\n${root}\n`), /control character/],
    ['a lone surrogate', withBody(`o\ud800\n33\n${root}\n`), /UTF-8/],
    ['no signature lines', `o\n33\n${root}\n\n`, /signature line/],
    ['a key name with a no-break space', `o\n33\n${root}\n\n— a\u00a0b ${sigLine!.split(' ')[2]}\n`, /key name/],
    ['a signature of four bytes', `o\n33\n${root}\n\n— o AAAAAA==\n`, /too short/],
    ['101 signatures', withBody(`o\n33\n${root}\n`) + `${sigLine}\n`.repeat(100), /more than 100/],
  ])('rejects %s', (_, note, error) => {
    expect(() => parseCheckpoint(note)).toThrow(error)
  })
})
