// The public record on the notice board and the plan page, and reading a
// ballot leaf against the receipt.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { json, mockFetch, type Answer } from '../test/fetchMock'
import { future, me, past, plan, receipt } from '../test/fixtures'
import { mountResident, resetResident, signedIn } from '../test/mountApp'
import { ballotLeaf, hex, testKey, VoteLog, type TestKey } from '../test/voteLog'
import { compareWithReceipt, decodeLeaf, leafEvidence } from './ballotLeaf'
import { keptCheckpoint, LOG_KEY_KEY } from './record'
import { CHECKPOINTS_KEY, groupHex, voteCode } from './recordBasics'

const PLAN = 7
const ORIGIN = 'anju.example/plans/7'
let key: TestKey
let log: VoteLog
let wrapper: VueWrapper | null = null

beforeAll(async () => {
  key = await testKey('anju.example', 1)
})

beforeEach(async () => {
  resetResident()
  log = new VoteLog(ORIGIN, key)
  for (let h = 1; h <= 45; h++) await log.append(ballotLeaf({ plan: PLAN, household: h }))
})

afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

const find = (sel: string) => wrapper!.find(`[data-testid=${sel}]`)
async function shows(sel: string) {
  await vi.waitFor(() => expect(find(sel).exists(), `[data-testid=${sel}] is shown`).toBe(true), { timeout: 5000, interval: 20 })
  return find(sel)
}

async function keepFrom(size: number) {
  localStorage.setItem(LOG_KEY_KEY, key.vkey)
  const cp = await log.checkpoint(size)
  const kept = { origin: ORIGIN, size, root: hex(await log.root(size)), note: cp.note, keptAt: '2026-12-01T00:00:00Z' }
  localStorage.setItem(CHECKPOINTS_KEY, JSON.stringify({ [PLAN]: kept }))
  return kept
}

describe('公开记录 on the notice board', () => {
  const board = {
    community: { id: 1, name: '建设街小区', address: '驿城区建设街12号', built_year: 1992 },
    district: { id: 1, name: '驿城区' },
    plan: { id: PLAN, project_id: 2, version: 1, title: '建设街小区2024年改造方案', summary: '', voting_opens_at: past(3), voting_closes_at: future(10), voting_status: 'open' },
    participation: { eligible: 72, voted: 45 },
    result: null,
    notices: [],
  }

  async function history() {
    // One checkpoint per vote, oldest first, as the server lists them.
    const items = []
    for (let n = 1; n <= 45; n++) items.push(await log.checkpoint(n, { createdAt: new Date(Date.UTC(2026, 11, 1, 0, n)).toISOString() }))
    return items
  }

  it('shows the verified newest checkpoint: size, fingerprint, time and signer; the history on demand, newest first, 20 at a time', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/public/communities/board-tok': json(200, board),
      'GET /api/v1/public/log-key': json(200, { verifier_key: key.vkey }),
      [`GET /api/v1/public/plans/${PLAN}/checkpoint`]: json(200, await log.checkpoint(45, { createdAt: '2026-12-07T05:05:01Z' })),
      [`GET /api/v1/public/plans/${PLAN}/checkpoints`]: json(200, { items: await history() }),
    })
    wrapper = (await mountResident('/c/board-tok')).wrapper
    expect((await shows('record-size')).text()).toBe('共 45 条投票记录')
    expect(find('record-root').text()).toBe(groupHex(hex(await log.root(45))))
    expect(find('record-signer').text()).toBe(key.vkey.split('+').slice(0, 2).join('+'))
    expect(find('record-time').text()).toContain('2026年12月7日')
    expect(find('record-verified').attributes('role')).toBe('status')
    expect(keptCheckpoint(PLAN)?.size).toBe(45)
    expect(calls.some((c) => c.path.endsWith('/checkpoints'))).toBe(false) // only when asked

    const toggle = find('record-history-toggle')
    expect(toggle.element.tagName).toBe('BUTTON')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    await toggle.trigger('click')
    await shows('record-history')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    let rows = wrapper.findAll('[data-testid=record-history-row]')
    expect(rows).toHaveLength(20)
    expect(rows[0]!.text()).toMatch(new RegExp(`共 45 条 · 记录指纹\\s+${groupHex(hex(await log.root(45)))}$`))
    expect(rows[19]!.text()).toContain('共 26 条')
    await find('record-history-more').trigger('click')
    await find('record-history-more').trigger('click')
    rows = wrapper.findAll('[data-testid=record-history-row]')
    expect(rows).toHaveLength(45)
    expect(rows[44]!.text()).toContain('共 1 条')
    expect(find('record-history-more').exists()).toBe(false)
  })

  it('warns on the board too when the log does not extend what this phone kept', async () => {
    const kept = await keepFrom(30)
    const other = new VoteLog(ORIGIN, key)
    for (let h = 1; h <= 45; h++) await other.append(ballotLeaf({ plan: PLAN, household: h, plan_choice: h === 3 ? 'disagree' : 'agree' }))
    mockFetch({
      'GET /api/v1/public/communities/board-tok': json(200, board),
      'GET /api/v1/public/log-key': json(200, { verifier_key: key.vkey }),
      [`GET /api/v1/public/plans/${PLAN}/checkpoint`]: json(200, await other.checkpoint(45)),
      [`GET /api/v1/public/plans/${PLAN}/consistency?from=30&to=45`]: json(200, await other.consistencyAnswer(30, 45)),
    })
    wrapper = (await mountResident('/c/board-tok')).wrapper
    const alert = await shows('record-alert')
    expect(alert.get('h2').text()).toBe('警告：公开投票记录和您上次查验时对不上，可能被改写过。')
    expect(find('record-size').exists()).toBe(false)
    expect(keptCheckpoint(PLAN)).toEqual(kept)
  })
})

describe('the plan page', () => {
  beforeEach(() => signedIn())
  const base = (): Record<string, Answer> => ({
    'GET /api/v1/me/plan': json(200, plan()),
    'GET /api/v1/me': json(200, me()),
    [`GET /api/v1/me/ballot?plan_id=${PLAN}`]: json(200, receipt()),
  })

  it('does not look at the record on a phone that never checked it', async () => {
    const { calls } = mockFetch(base())
    wrapper = (await mountResident('/plan')).wrapper
    await new Promise((r) => setTimeout(r, 50))
    expect(calls.some((c) => c.path.startsWith('/api/v1/public/'))).toBe(false)
  })

  it('checks the record on every later visit and warns when it was rolled back', async () => {
    const kept = await keepFrom(45)
    mockFetch({
      ...base(),
      'GET /api/v1/public/log-key': json(200, { verifier_key: key.vkey }),
      [`GET /api/v1/public/plans/${PLAN}/checkpoint`]: json(200, await log.checkpoint(40)),
    })
    wrapper = (await mountResident('/plan')).wrapper
    const alert = await shows('record-alert')
    expect(alert.attributes('data-kind')).toBe('rolled_back')
    expect(keptCheckpoint(PLAN)).toEqual(kept)
  })
})

describe('a ballot leaf', () => {
  const leaf = ballotLeaf({ plan: 7, household: 12, revision: 2, replaces: 'cd'.repeat(32), plan_choice: 'disagree', management_choice: 'agree' })

  it('reads the canonical text and refuses anything else', () => {
    expect(decodeLeaf(leaf)).toMatchObject({ plan: '7', household: '12', revision: '2', plan_choice: 'disagree', management_choice: 'agree', channel: 'online', recorded_by: '-' })
    const text = new TextDecoder().decode(leaf)
    for (const bad of [text.slice(0, -1), text.replace('plan 7', 'plan  7'), text.replace('anju/ballot/v1', 'anju/ballot/v3'), text.replace('anju/ballot/v1', 'anju/ballot/v2'), text.replace('revision 2\n', '')]) {
      expect(decodeLeaf(new TextEncoder().encode(bad)), bad).toBeNull()
    }
    expect(decodeLeaf(Uint8Array.of(0xff, 0x0a))).toBeNull()
  })

  it('matches the receipt, names each difference, and accepts a pre-log vote’s chain hash', () => {
    const l = decodeLeaf(leaf)!
    const r = receipt({ revision: 2, plan_choice: 'disagree', management_choice: 'agree', hash: 'ee'.repeat(32) })
    expect(compareWithReceipt(l, r, 'ee'.repeat(32), 12)).toEqual([])
    expect(compareWithReceipt(l, { ...r, plan_choice: 'agree' }, 'ee'.repeat(32), 12)).toEqual([{ field: 'plan_choice', receipt: 'agree', leaf: 'disagree' }])
    expect(compareWithReceipt(l, r, 'ee'.repeat(32), 13).map((d) => d.field)).toEqual(['household', 'household'])
    expect(compareWithReceipt(l, r, 'ff'.repeat(32), 12).map((d) => d.field)).toEqual(['hash'])
    const migrated = decodeLeaf(ballotLeaf({ plan: 7, household: 12, revision: 2, plan_choice: 'disagree', management_choice: 'agree', chain_hash: 'ee'.repeat(32) }))!
    expect(compareWithReceipt(migrated, r, 'ff'.repeat(32), 12)).toEqual([])
  })

  it('reads version 2 with its evidence, and names a receipt that claims other evidence', () => {
    const byCode = ballotLeaf({ plan: 7, household: 12, revision: 2, plan_choice: 'disagree', management_choice: 'agree', evidence: 'household_code', signature_sha256: '' })
    const l = decodeLeaf(byCode)!
    expect(l).toMatchObject({ evidence: 'household_code', signature_sha256: '-' })
    expect(leafEvidence(l)).toBe('household_code')
    const r = receipt({ revision: 2, plan_choice: 'disagree', management_choice: 'agree', evidence: 'household_code', hash: 'ee'.repeat(32) })
    expect(compareWithReceipt(l, r, 'ee'.repeat(32), 12)).toEqual([])
    expect(compareWithReceipt(l, { ...r, evidence: 'signature' }, 'ee'.repeat(32), 12)).toEqual([{ field: 'evidence', receipt: 'signature', leaf: 'household_code' }])
    // Version 1 leaves carry no evidence line: what their channel implied.
    expect(leafEvidence(decodeLeaf(leaf)!)).toBe('signature')
    expect(leafEvidence(decodeLeaf(ballotLeaf({ plan: 7, household: 12, channel: 'paper' }))!)).toBe('paper_form')
    // A version 2 leaf without its evidence line, or a version 1 leaf with one, is refused.
    const text = new TextDecoder().decode(byCode)
    expect(decodeLeaf(new TextEncoder().encode(text.replace('evidence household_code\n', '')))).toBeNull()
    expect(decodeLeaf(new TextEncoder().encode(text.replace('anju/ballot/v2', 'anju/ballot/v1')))).toBeNull()
  })

  it('shows the vote code as two groups of four upper-case hex digits', () => {
    expect(voteCode('3f5a1c2b' + '0'.repeat(56))).toBe('3F5A 1C2B')
    expect(voteCode(undefined)).toBeNull()
    expect(voteCode('not hex')).toBeNull()
  })
})
