// 查验 on the receipt and the look at the public record on every later visit,
// against a mocked API whose log, proofs and signed checkpoints are real
// (src/test/voteLog.ts), verified by the real tlog.ts.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import type { Receipt } from '../api/contract'
import { apiError, json, mockFetch, type Answer } from '../test/fetchMock'
import { plan, receipt } from '../test/fixtures'
import { mountResident, resetResident, signedIn } from '../test/mountApp'
import { ballotLeaf, hex, testKey, VoteLog, type TestKey } from '../test/voteLog'
import { formatDateTime } from '../shared/format'
import { leafHash } from '../shared/tlog'
import { checkMyVote, keptCheckpoint, LOG_KEY_KEY, POLL_LIMIT_MS, StillPending, type KeptCheckpoint } from './record'
import { CHECKPOINTS_KEY, groupHex } from './recordBasics'

const PLAN = 7
const HOUSEHOLD = 12 // fixtures: signInAnswer()
const ORIGIN = 'anju.example/plans/7'
const OURS = 3 // our vote is the fourth leaf

let key: TestKey
let otherKey: TestKey
let log: VoteLog
let ourHash: string
let mine: Receipt
let wrapper: VueWrapper | null = null

async function makeLog(ourLeaf: Uint8Array, extra = 2): Promise<VoteLog> {
  const l = new VoteLog(ORIGIN, key)
  for (let h = 20; h < 20 + OURS; h++) await l.append(ballotLeaf({ plan: PLAN, household: h }))
  await l.append(ourLeaf)
  for (let h = 30; h < 30 + extra; h++) await l.append(ballotLeaf({ plan: PLAN, household: h, plan_choice: 'disagree' }))
  return l
}

const ourLeaf = (over = {}) => ballotLeaf({ plan: PLAN, household: HOUSEHOLD, plan_choice: 'agree', management_choice: 'abstain', ...over })

beforeAll(async () => {
  key = await testKey('anju.example', 1)
  otherKey = await testKey('anju.example', 2) // same name, another key
})

beforeEach(async () => {
  resetResident()
  signedIn()
  log = await makeLog(ourLeaf())
  ourHash = hex(await leafHash(ourLeaf()))
  mine = receipt({ hash: ourHash })
})

afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

/** What the server answers; `over` replaces single routes. */
async function routes(over: Record<string, Answer | Answer[]> = {}) {
  return mockFetch({
    'GET /api/v1/me/plan': json(200, plan()),
    [`GET /api/v1/me/ballot?plan_id=${PLAN}`]: json(200, mine),
    'GET /api/v1/public/log-key': json(200, { verifier_key: key.vkey }),
    [`GET /api/v1/public/plans/${PLAN}/checkpoint`]: json(200, await log.checkpoint()),
    [`GET /api/v1/me/ballot/proof?plan_id=${PLAN}`]: json(200, await log.proof(PLAN, OURS)),
    ...over,
  })
}

/** What a phone that checked before keeps. */
async function keepFrom(l: VoteLog, size: number, vkey = key.vkey) {
  localStorage.setItem(LOG_KEY_KEY, vkey)
  const cp = await l.checkpoint(size)
  const kept: KeptCheckpoint = { origin: cp.origin, size, root: hex(await l.root(size)), note: cp.note, keptAt: '2026-12-01T00:00:00Z' }
  localStorage.setItem(CHECKPOINTS_KEY, JSON.stringify({ [PLAN]: kept }))
  return kept
}

async function open(path = '/receipt', locale: 'zh-CN' | 'en' = 'zh-CN') {
  wrapper = (await mountResident(path, locale)).wrapper
  return wrapper
}

const find = (sel: string) => wrapper!.find(`[data-testid=${sel}]`)
async function shows(sel: string, timeout = 5000) {
  await vi.waitFor(() => expect(find(sel).exists(), `[data-testid=${sel}] is shown`).toBe(true), { timeout, interval: 20 })
  return find(sel)
}

async function tapCheck() {
  await (await shows('vote-check-button')).trigger('click')
}

describe('查验 on the receipt', () => {
  it('shows the vote code, then proves the vote is leaf 4 of the signed log and keeps that checkpoint', async () => {
    const grown = await makeLog(ourLeaf(), 3) // a vote more by the time of 查验
    const { calls } = await routes({
      [`GET /api/v1/me/ballot/proof?plan_id=${PLAN}`]: json(200, await grown.proof(PLAN, OURS)),
      [`GET /api/v1/public/plans/${PLAN}/consistency?from=6&to=7`]: json(200, await grown.consistencyAnswer(6, 7)),
    })
    await open()
    expect((await shows('vote-code')).text()).toBe(groupHex(ourHash))
    expect(find('vote-code').text()).toMatch(/^[0-9A-F]{4} [0-9A-F]{4}$/)
    // The visit itself kept the newest checkpoint (6 votes) and pinned the key.
    await vi.waitFor(() => expect(keptCheckpoint(PLAN)?.size).toBe(6))
    expect(localStorage.getItem(LOG_KEY_KEY)).toBe(key.vkey)

    await tapCheck()
    const ok = await shows('vote-check-ok')
    expect(ok.text()).toContain('您的投票已写入公开记录（第 4 条，共 7 条）')
    expect(ok.attributes('role')).toBe('status')
    expect(calls.some((c) => c.path.endsWith('consistency?from=6&to=7'))).toBe(true)
    expect(keptCheckpoint(PLAN)).toMatchObject({ origin: ORIGIN, size: 7, root: hex(await grown.root()) })
    expect(keptCheckpoint(PLAN)!.note).toBe((await grown.checkpoint()).note)
    expect(find('record-alert').exists()).toBe(false)
  })

  it('says the vote is being written while the server answers 202, then shows the result', async () => {
    const pending: Answer = { status: 202, json: { plan_id: PLAN, pending: true, leaf: '', leaf_hash: '', proof: [] }, headers: { 'Retry-After': '1' } }
    const { calls } = await routes({ [`GET /api/v1/me/ballot/proof?plan_id=${PLAN}`]: [pending, json(200, await log.proof(PLAN, OURS))] })
    await open()
    await tapCheck()
    const progress = await shows('vote-check-progress')
    await vi.waitFor(() => expect(progress.text()).toContain('正在写入公开记录…'))
    expect(progress.attributes('role')).toBe('status')
    expect((await shows('vote-check-ok', 4000)).text()).toContain('（第 4 条，共 6 条）')
    expect(calls.filter((c) => c.path.startsWith('/api/v1/me/ballot/proof')).length).toBe(2)
  })

  it('works for a paper ballot the committee recorded', async () => {
    const paper = ourLeaf({ channel: 'paper', recorded_by: 5, signature_sha256: '', evidence_sha256: 'ab'.repeat(32) })
    log = await makeLog(paper)
    mine = receipt({ channel: 'paper', evidence: 'paper_form', recorded_by: '李*', hash: hex(await leafHash(paper)) })
    await routes()
    await open()
    expect((await shows('paper-note')).text()).toContain('纸质表决票')
    await tapCheck()
    expect((await shows('vote-check-ok')).text()).toContain('第 4 条，共 6 条')
  })

  it('warns when the leaf in the log does not say what the receipt says', async () => {
    log = await makeLog(ourLeaf({ plan_choice: 'disagree' }))
    mine = receipt({ hash: hex(await leafHash(ourLeaf({ plan_choice: 'disagree' }))) }) // the hash matches, the choice not
    await routes()
    await open()
    await tapCheck()
    const alert = await shows('record-alert')
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.attributes('data-kind')).toBe('leaf_mismatch')
    expect(alert.text()).toContain('警告：公开记录里您家的这一票和回执不一样。')
    expect(alert.text()).toContain('请截图并联系社区居委会或街道。')
    expect(alert.get('[data-testid=record-alert-diff]').text()).toBe('改造方案：回执是“同意”，记录是“不同意”')
    expect(find('vote-check-ok').exists()).toBe(false)
  })

  it('warns when the leaf hash is not the receipt’s (another vote shown as ours)', async () => {
    mine = receipt({ hash: 'ab'.repeat(32) })
    await routes()
    await open()
    await tapCheck()
    const alert = await shows('record-alert')
    expect(alert.attributes('data-kind')).toBe('leaf_mismatch')
    expect(alert.text()).toContain('投票码：回执是“ABAB ABAB”')
  })

  it('warns when the inclusion proof does not lead to the signed root', async () => {
    const proof = await log.proof(PLAN, OURS)
    proof.proof = [...proof.proof].reverse()
    await routes({ [`GET /api/v1/me/ballot/proof?plan_id=${PLAN}`]: json(200, proof) })
    await open()
    await tapCheck()
    expect((await shows('record-alert')).attributes('data-kind')).toBe('not_included')
  })

  it('says this phone cannot check, and warns of nothing, where the browser has no WebCrypto', async () => {
    await routes()
    await open()
    await shows('vote-check-button')
    vi.stubGlobal('crypto', {}) // an old WebView, or a page not served over HTTPS
    await tapCheck()
    expect((await shows('vote-check-error')).text()).toBe('这部手机的浏览器不能查验。可以请家人用别的手机查验。')
    expect(find('record-alert').exists()).toBe(false)
  })

  it('says "try again later", not "rewritten", when the vote is still not in the log after 15 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] })
    const pending: Answer = { status: 202, json: { plan_id: PLAN, pending: true, leaf: '', leaf_hash: '', proof: [] }, headers: { 'Retry-After': '1' } }
    const { calls } = await routes({ [`GET /api/v1/me/ballot/proof?plan_id=${PLAN}`]: pending })
    const result = checkMyVote(mine, { householdId: HOUSEHOLD }).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(POLL_LIMIT_MS + 1000)
    expect(await result).toBeInstanceOf(StillPending)
    const polls = calls.filter((c) => c.path.startsWith('/api/v1/me/ballot/proof')).length
    expect(polls).toBeGreaterThanOrEqual(14)
    expect(polls).toBeLessThanOrEqual(16)
  })
})

describe('a later visit to the receipt', () => {
  it('proves the log only grew since the kept checkpoint, keeps the new one and says so quietly', async () => {
    await keepFrom(log, 4)
    await routes({ [`GET /api/v1/public/plans/${PLAN}/consistency?from=4&to=6`]: json(200, await log.consistencyAnswer(4, 6)) })
    await open()
    expect((await shows('record-consistent')).text()).toBe('公开记录和您上次查验时一致（上次 4 条，现在 6 条）')
    expect(keptCheckpoint(PLAN)?.size).toBe(6)
  })

  it('warns loudly when the log does not extend the kept checkpoint, and keeps the old one', async () => {
    // What this phone saw before: a log whose second vote said something else.
    const before = new VoteLog(ORIGIN, key)
    await before.append(...log.leaves.slice(0, 4))
    before.leaves[1] = ballotLeaf({ plan: PLAN, household: 21, plan_choice: 'disagree' })
    const rewritten = await new VoteLog(ORIGIN, key).append(...before.leaves)
    const kept = await keepFrom(rewritten, 4)
    await routes({ [`GET /api/v1/public/plans/${PLAN}/consistency?from=4&to=6`]: json(200, await log.consistencyAnswer(4, 6)) })
    await open()
    const alert = await shows('record-alert')
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.get('h2').text()).toBe('警告：公开投票记录和您上次查验时对不上，可能被改写过。')
    expect(alert.text()).toContain('请截图并联系社区居委会或街道。')
    expect(alert.get('[data-testid=record-alert-kept]').text()).toBe(`上次查验（${formatDateTime(kept.keptAt, 'zh-CN')}）：共 4 条，指纹 ${groupHex(kept.root, 16)}`)
    const seen = await log.checkpoint()
    expect(alert.get('[data-testid=record-alert-seen]').text()).toBe(`这次看到（${formatDateTime(seen.created_at, 'zh-CN')} 签发）：共 6 条，指纹 ${groupHex(hex(await log.root()), 16)}`)
    expect(keptCheckpoint(PLAN)).toEqual(kept)
    expect(find('record-consistent').exists()).toBe(false)
  })

  it('warns when the newest checkpoint is smaller than the kept one', async () => {
    const bigger = await makeLog(ourLeaf(), 5)
    const kept = await keepFrom(bigger, 9)
    await routes()
    await open()
    const alert = await shows('record-alert')
    expect(alert.attributes('data-kind')).toBe('rolled_back')
    expect(alert.get('[data-testid=record-alert-kept]').text()).toMatch(/^上次查验（.+）：共 9 条，/)
    expect(alert.get('[data-testid=record-alert-seen]').text()).toMatch(/^这次看到（.+ 签发）：共 6 条，/)
    expect(keptCheckpoint(PLAN)).toEqual(kept)
  })

  it('warns when the server cannot prove the size it signed (tree_size_unknown)', async () => {
    const kept = await keepFrom(log, 4)
    await routes({ [`GET /api/v1/public/plans/${PLAN}/consistency?from=4&to=6`]: apiError(404, 'tree_size_unknown', 'The log of plan 7 has not reached 6 leaves') })
    await open()
    expect((await shows('record-alert')).attributes('data-kind')).toBe('size_unknown')
    expect(keptCheckpoint(PLAN)).toEqual(kept)
  })

  it('warns when the checkpoint is not signed by the pinned key, and keeps the old one', async () => {
    const kept = await keepFrom(log, 4)
    await routes({ [`GET /api/v1/public/plans/${PLAN}/checkpoint`]: json(200, await log.checkpoint(6, { signers: [otherKey] })) })
    await open()
    const alert = await shows('record-alert')
    expect(alert.attributes('data-kind')).toBe('bad_checkpoint')
    expect(alert.get('h2').text()).toBe('警告：公开投票记录的签名不对，可能被改写过。')
    expect(alert.get('[data-testid=record-alert-kept]').text()).toMatch(/^上次查验（.+）：共 4 条，/)
    expect(keptCheckpoint(PLAN)).toEqual(kept)
  })

  it('warns when a signed size was changed afterwards', async () => {
    const cp = await log.checkpoint(6)
    const forged = { ...cp, tree_size: 5, note: cp.note.replace('\n6\n', '\n5\n') }
    await routes({ [`GET /api/v1/public/plans/${PLAN}/checkpoint`]: json(200, forged) })
    await open()
    expect((await shows('record-alert')).attributes('data-kind')).toBe('bad_checkpoint')
    expect(keptCheckpoint(PLAN)).toBeNull() // nothing unverified is ever kept
  })

  it('warns when the signing key changed since it was pinned, and keeps the pinned key', async () => {
    await keepFrom(log, 4, otherKey.vkey)
    await routes()
    await open('/receipt', 'en')
    const alert = await shows('record-alert')
    expect(alert.attributes('data-kind')).toBe('key_changed')
    expect(alert.get('h2').text()).toBe('Warning: the key that signs the public record of votes has changed. It may have been rewritten.')
    expect(alert.text()).toContain(`Signed before by: ${otherKey.vkey}`)
    expect(alert.text()).toContain(`Signed now by: ${key.vkey}`)
    expect(localStorage.getItem(LOG_KEY_KEY)).toBe(otherKey.vkey)
  })

  it('says nothing alarming about an answer it could not read (a proxy, a half-sent body)', async () => {
    const kept = await keepFrom(log, 4)
    await routes({ [`GET /api/v1/public/plans/${PLAN}/consistency?from=4&to=6`]: json(200, { oops: true }) })
    await open()
    await shows('vote-check-button')
    await new Promise((r) => setTimeout(r, 50))
    expect(find('record-alert').exists()).toBe(false)
    expect(keptCheckpoint(PLAN)).toEqual(kept)
  })

  it('says nothing alarming when the record cannot be reached', async () => {
    await keepFrom(log, 4)
    await routes({ 'GET /api/v1/public/log-key': 'offline', [`GET /api/v1/public/plans/${PLAN}/checkpoint`]: 'offline' })
    await open()
    await shows('vote-check-button')
    await new Promise((r) => setTimeout(r, 50))
    expect(find('record-alert').exists()).toBe(false)
    expect(keptCheckpoint(PLAN)?.size).toBe(4)
  })
})

it('the test log builds the trees and proofs the Go vectors hold', async () => {
  const V = JSON.parse(readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../shared/testdata/tlog-vectors.json'), 'utf8')) as {
    roots: { size: number; root: string }[]
    inclusion: { index: number; size: number; proof: string[] }[]
    consistency: { size1: number; size2: number; proof: string[] }[]
  }
  const l = new VoteLog('anju.example/plan/42', key)
  const max = Math.max(...V.roots.map((r) => r.size))
  for (let i = 0; i < max; i++) await l.append(new TextEncoder().encode(`anju vote ${i}`))
  for (const r of V.roots) expect(hex(await l.root(r.size)), `root of ${r.size}`).toBe(r.root)
  for (const c of V.inclusion.slice(0, 40)) expect((await l.inclusion(c.index, 0, c.size)).map(hex)).toEqual(c.proof)
  for (const c of V.consistency.slice(0, 60)) expect((await l.consistency(c.size1, c.size2)).map(hex)).toEqual(c.proof)
})
