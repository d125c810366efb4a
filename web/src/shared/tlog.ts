// Checks, in the resident's own browser, that her vote is a leaf of the plan's
// consent log (公示日志) and that the log was never rewritten: RFC 9162 Merkle
// proofs, C2SP signed notes and checkpoints (c2sp.org/signed-note,
// c2sp.org/tlog-checkpoint) and witness cosignatures (c2sp.org/tlog-cosignature).
// The server writes them with the Go libraries; testdata/tlog-vectors.json,
// made by server/tlog/jsvectors_test.go, holds both sides to the same bytes.
//
// Sizes and indices are JavaScript numbers: anything past 2^53 - 1 is refused
// rather than rounded. Everything that hashes or verifies is async (WebCrypto).

export interface NoteSignature {
  name: string
  keyHash: number
  /** The signature bytes after the 4-byte key hash. */
  sig: Uint8Array
}

export interface Checkpoint {
  origin: string
  size: number
  rootHash: Uint8Array
  extensions: string[]
  /** The signed text: every body line with its newline, without the blank line. */
  body: string
  signatures: NoteSignature[]
}

export interface VerifierKey {
  name: string
  keyHash: number
  publicKey: Uint8Array
}

const HASH_SIZE = 32
const ALG_ED25519 = 0x01
const ALG_COSIGNATURE_V1 = 0x04
const MAX_SIGNATURES = 100 // as Go's note.Open

function fail(message: string): never {
  throw new Error(`tlog: ${message}`)
}

// --- Bytes and base64 (Go's base64.StdEncoding: padded, standard alphabet) ---

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

export function base64Encode(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    const chars = [n >> 18, (n >> 12) & 63, (n >> 6) & 63, n & 63].map((c) => B64[c])
    const kept = Math.min(4, bytes.length - i + 1)
    out += chars.slice(0, kept).join('') + '='.repeat(4 - kept)
  }
  return out
}

/** Like Go's StdEncoding: padding required; unused low bits are not checked. */
export function base64Decode(text: string): Uint8Array<ArrayBuffer> {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) fail(`not standard padded base64: ${JSON.stringify(text.slice(0, 60))}`)
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const out = new Uint8Array((text.length / 4) * 3 - pad)
  for (let i = 0, o = 0; i < text.length; i += 4) {
    let n = 0
    for (let j = 0; j < 4; j++) n = (n << 6) | Math.max(0, B64.indexOf(text[i + j]!))
    for (const b of [n >>> 16, (n >> 8) & 255, n & 255]) if (o < out.length) out[o++] = b
  }
  return out
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

const utf8 = (text: string) => concat(new TextEncoder().encode(text))
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])
const uint32 = (b: Uint8Array, at = 0) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0
const hex8 = (n: number) => n.toString(16).padStart(8, '0')

// --- RFC 9162 hashing and proofs ---

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (!s) fail('WebCrypto is unavailable (the page must be served over HTTPS)')
  return s
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', concat(...parts)))
}

/** SHA-256(0x00 ‖ leaf): the hash of a log entry. */
export function leafHash(leaf: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(0), leaf)
}

const nodeHash = (left: Uint8Array, right: Uint8Array) => sha256(Uint8Array.of(1), left, right)
// Shifts without 32-bit bitwise operators, so trees past 2^32 leaves work.
const half = (n: number) => Math.floor(n / 2)
const odd = (n: number) => n % 2 === 1

function checkCount(what: string, n: number) {
  if (!Number.isSafeInteger(n) || n < 0) fail(`${what} ${n} is not a whole number from 0 to 2^53 - 1`)
}

function checkHashes(what: string, hashes: Uint8Array[]) {
  hashes.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) fail(`${what}${hashes.length > 1 ? ` ${i}` : ''} is not a ${HASH_SIZE}-byte hash`)
  })
}

/**
 * RFC 9162 §2.1.3.2 and §2.1.4.2 walk fn and sn up the tree; this is that walk
 * without the hashing. Each step is true when the proof hash is a left sibling
 * (it then also enters the older tree's hash), false when it is a right one.
 */
function walk(fn: number, sn: number): boolean[] {
  const steps: boolean[] = []
  while (sn > 0) {
    const left = odd(fn) || fn === sn
    steps.push(left)
    if (left && !odd(fn)) {
      while (!odd(fn) && fn !== 0) {
        fn = half(fn)
        sn = half(sn)
      }
    }
    fn = half(fn)
    sn = half(sn)
  }
  return steps
}

/** RFC 9162 §2.1.3.2: throws unless proof leads from the leaf hash at index to root. */
export async function verifyInclusion(index: number, size: number, leafHash: Uint8Array, proof: Uint8Array[], root: Uint8Array): Promise<void> {
  checkCount('leaf index', index)
  checkCount('tree size', size)
  if (index >= size) fail(`leaf index ${index} is outside a tree of ${size}`)
  checkHashes('leaf hash', [leafHash])
  checkHashes('root hash', [root])
  checkHashes('inclusion proof hash', proof)
  const steps = walk(index, size - 1)
  if (proof.length !== steps.length) fail(`inclusion proof has ${proof.length} hashes, a leaf at ${index} of ${size} needs ${steps.length}`)
  let r = leafHash
  for (const [i, p] of proof.entries()) r = steps[i] ? await nodeHash(p, r) : await nodeHash(r, p)
  if (!equal(r, root)) fail(`inclusion proof for leaf ${index} does not lead to the root of the tree of ${size}`)
}

/** RFC 9162 §2.1.4.2: throws unless the tree of size2 extends the tree of size1. */
export async function verifyConsistency(size1: number, size2: number, proof: Uint8Array[], root1: Uint8Array, root2: Uint8Array): Promise<void> {
  checkCount('old tree size', size1)
  checkCount('new tree size', size2)
  checkHashes('old root hash', [root1])
  checkHashes('new root hash', [root2])
  checkHashes('consistency proof hash', proof)
  if (size1 > size2) fail(`old tree size ${size1} is larger than the new ${size2}`)
  if (size1 === size2) {
    if (proof.length) fail(`consistency proof between equal sizes must be empty, has ${proof.length} hashes`)
    if (!equal(root1, root2)) fail(`two different roots for the same size ${size1}: the log was rewritten`)
    return
  }
  if (size1 === 0) {
    if (proof.length) fail(`consistency proof from the empty tree must be empty, has ${proof.length} hashes`)
    return
  }
  let fn = size1 - 1
  let sn = size2 - 1
  while (odd(fn)) {
    fn = half(fn)
    sn = half(sn)
  }
  // When size1 is a power of two, the old root is the proof's implied first hash.
  const path = fn === 0 ? [root1, ...proof] : proof
  const steps = walk(fn, sn)
  if (path.length !== steps.length + 1) fail(`consistency proof has ${proof.length} hashes, ${size1} to ${size2} needs ${steps.length + 1 - (path.length - proof.length)}`)
  let fr = path[0]!
  let sr = fr
  for (const [i, c] of path.slice(1).entries()) {
    if (steps[i]) {
      fr = await nodeHash(c, fr)
      sr = await nodeHash(c, sr)
    } else {
      sr = await nodeHash(sr, c)
    }
  }
  // When size1 is a power of two the old root is the proof's start, so a log
  // rewritten below it shows as a wrong new root: one message for both.
  if (!equal(fr, root1) || !equal(sr, root2)) {
    fail(`consistency proof does not lead from the root of ${size1} to the root of ${size2} (${equal(fr, root1) ? 'new' : 'old'} root differs): the log was rewritten, or the proof is wrong`)
  }
}

// --- Signed notes and checkpoints ---

// Go's unicode.IsSpace: what a key name must not contain (with "+").
const SPACE_OR_PLUS = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000+]/
const validName = (name: string) => name !== '' && !SPACE_OR_PLUS.test(name)
const SIG_PREFIX = '\u2014 ' // em dash, space

function parseNote(note: string): { body: string; signatures: NoteSignature[] } {
  if (typeof note !== 'string') fail('the note is not text')
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) fail('the note contains a control character')
  try {
    encodeURIComponent(note) // throws on a lone surrogate, which is not UTF-8
  } catch {
    fail('the note is not valid UTF-8')
  }
  // signed-note: the text ends at the last blank line; the signatures follow.
  const split = note.lastIndexOf('\n\n')
  if (split < 0) fail('the note has no blank line before its signatures')
  const sigs = note.slice(split + 2)
  if (!sigs.endsWith('\n')) fail('the note does not end with a signature line and a newline')
  const lines = sigs.slice(0, -1).split('\n')
  if (lines.length > MAX_SIGNATURES) fail(`the note has more than ${MAX_SIGNATURES} signatures`)
  const signatures = lines.map((line) => {
    if (!line.startsWith(SIG_PREFIX)) fail(`a signature line does not start with an em dash and a space: ${JSON.stringify(line.slice(0, 40))}`)
    const rest = line.slice(SIG_PREFIX.length)
    const space = rest.indexOf(' ')
    const name = space < 0 ? rest : rest.slice(0, space)
    const raw = space < 0 ? new Uint8Array() : base64Decode(rest.slice(space + 1))
    if (!validName(name)) fail(`a signature line has an invalid key name: ${JSON.stringify(name)}`)
    if (raw.length < 5) fail(`the signature by ${name} is too short`)
    return { name, keyHash: uint32(raw), sig: raw.slice(4) }
  })
  return { body: note.slice(0, split + 1), signatures }
}

/** Parses a signed checkpoint. It checks the format only: no signature is verified. */
export function parseCheckpoint(note: string): Checkpoint {
  const { body, signatures } = parseNote(note)
  const lines = body.slice(0, -1).split('\n')
  if (lines.length < 3) fail('a checkpoint needs an origin, a size and a root hash line')
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]]
  if (lines.some((l) => l === '')) fail('a checkpoint line is empty')
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) fail(`the tree size ${JSON.stringify(sizeText)} is not a decimal number without leading zeros`)
  const size = Number(sizeText)
  if (!Number.isSafeInteger(size)) fail(`the tree size ${sizeText} is beyond 2^53 - 1`)
  const rootHash = base64Decode(rootText)
  if (rootHash.length !== HASH_SIZE) fail(`the root hash has ${rootHash.length} bytes, not ${HASH_SIZE}`)
  return { origin, size, rootHash, extensions, body, signatures }
}

async function parseKey(vkey: string, alg: number): Promise<VerifierKey> {
  const [name = '', hashText = '', ...keyParts] = vkey.split('+')
  if (!validName(name) || !/^[0-9a-fA-F]{8}$/.test(hashText) || keyParts.length === 0) fail(`malformed verifier key: ${JSON.stringify(vkey)}`)
  const key = base64Decode(keyParts.join('+'))
  if (key[0] !== alg) fail(`verifier key ${name} has algorithm ${key[0]}, want ${alg}`)
  if (key.length !== 33) fail(`verifier key ${name} does not hold a 32-byte Ed25519 public key`)
  const keyHash = parseInt(hashText, 16)
  // The key hash is SHA-256(name ‖ "\n" ‖ algorithm ‖ public key), first 4 bytes.
  if (uint32(await sha256(utf8(`${name}\n`), key)) !== keyHash) fail(`verifier key ${name}+${hashText} does not match its key hash`)
  return { name, keyHash, publicKey: key.slice(1) }
}

/** Parses a note verifier key "<name>+<8 hex digits>+<base64(0x01 ‖ Ed25519 key)>". */
export function parseVerifierKey(vkey: string): Promise<VerifierKey> {
  return parseKey(vkey, ALG_ED25519)
}

/**
 * Ed25519 verification: WebCrypto where the browser has it, otherwise the
 * audited @noble/ed25519, loaded only then (it needs BigInt and SHA-512).
 */
async function ed25519Verify(publicKey: Uint8Array, sig: Uint8Array, msg: Uint8Array): Promise<boolean> {
  if (sig.length !== 64) return false
  try {
    const s = subtle()
    const key = await s.importKey('raw', concat(publicKey), { name: 'Ed25519' }, false, ['verify'])
    return await s.verify({ name: 'Ed25519' }, key, concat(sig), concat(msg))
  } catch {
    // No Ed25519 in this WebCrypto (older WebViews and Safari): fall back.
  }
  const ed = await import('@noble/ed25519')
  // zip215: false is RFC 8032's strict verification, as Go and WebCrypto do it.
  return ed.verifyAsync(sig, msg, publicKey, { zip215: false })
}

function signatureBy(cp: Checkpoint, key: VerifierKey): NoteSignature {
  // Lines by other keys (other logs, witnesses, a rotated key) are skipped;
  // like Go's note.Open, the first line by this key is the one that counts.
  const found = cp.signatures.find((s) => s.name === key.name && s.keyHash === key.keyHash)
  if (!found) fail(`no signature by ${key.name}+${hex8(key.keyHash)}`)
  return found
}

/** Verifies the log's signature on a checkpoint (and its origin, when given). */
export async function verifyCheckpoint(note: string, vkey: string, origin?: string): Promise<Checkpoint> {
  const key = await parseVerifierKey(vkey)
  const cp = parseCheckpoint(note)
  const { sig } = signatureBy(cp, key)
  if (!(await ed25519Verify(key.publicKey, sig, utf8(cp.body)))) fail(`the signature by ${key.name}+${hex8(key.keyHash)} is invalid`)
  if (origin !== undefined && cp.origin !== origin) fail(`the checkpoint is for ${JSON.stringify(cp.origin)}, not ${JSON.stringify(origin)}`)
  return cp
}

/**
 * Verifies one witness's cosignature/v1 line (vkey algorithm 0x04) and returns
 * its time in Unix seconds. The witness signed "cosignature/v1\ntime <t>\n"
 * followed by the checkpoint body; the line carries t (8 bytes, big-endian)
 * before the Ed25519 signature. Check the log's own signature separately.
 */
export async function verifyCosignatureV1(note: string, witnessVkey: string): Promise<number> {
  const key = await parseKey(witnessVkey, ALG_COSIGNATURE_V1)
  const cp = parseCheckpoint(note)
  const { sig } = signatureBy(cp, key)
  if (sig.length !== 8 + 64) fail(`the cosignature by ${key.name} has ${sig.length} bytes, not a time and an Ed25519 signature`)
  const high = uint32(sig)
  if (high >= 2 ** 21) fail(`the cosignature time by ${key.name} is beyond 2^53 - 1`)
  const time = high * 2 ** 32 + uint32(sig, 4)
  const msg = utf8(`cosignature/v1\ntime ${time}\n${cp.body}`)
  if (!(await ed25519Verify(key.publicKey, sig.subarray(8), msg))) fail(`the cosignature by ${key.name}+${hex8(key.keyHash)} is invalid`)
  return time
}
