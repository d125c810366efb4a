// What the committee console adds for residents: the needs poll (at most 10
// items), a vote recorded on paper by staff, the public notice board and the
// objection form after the vote.
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { future, me, past, plan, receipt } from '../test/fixtures'
import { mountResident, resetResident, signedIn } from '../test/mountApp'
import { checkNeeds, toggleNeed } from './needs'

const catalog = Array.from({ length: 12 }, (_, i) => ({
  code: String(i + 1).padStart(2, '0'),
  seq: i + 1,
  category: i < 5 ? 'basic' : i < 9 ? 'improvement' : 'upgrade',
  name_zh: `改造项${i + 1}`,
  name_en: `Item ${i + 1}`,
  content: '内容',
  standard: '标准',
}))

beforeEach(() => {
  resetResident()
})

describe('needs poll', () => {
  it('never lets an 11th item be ticked', () => {
    const ten = catalog.slice(0, 10).map((c) => c.code)
    expect(toggleNeed(ten, '11', true)).toEqual({ chosen: ten, refused: true })
    expect(toggleNeed(ten, '01', false).chosen).toHaveLength(9)
    expect(checkNeeds([], '')).toEqual({ kind: 'none' })
    expect(checkNeeds(ten, 'x'.repeat(501))).toEqual({ kind: 'noteTooLong', length: 501 })
  })

  it('groups the catalogue, refuses more than 10 and sends the answer', async () => {
    signedIn()
    const { calls } = mockFetch({
      'GET /api/v1/catalog': json(200, { items: catalog }),
      'GET /api/v1/me/needs': apiError(404, 'needs_not_found'),
      'PUT /api/v1/me/needs': json(200, { project_id: 2, catalog_codes: [], note: '', updated_at: new Date().toISOString() }),
    })
    const { wrapper } = await mountResident('/needs')
    expect(wrapper.findAll('fieldset legend').map((l) => l.text())).toEqual(['基础类', '完善类', '提升类'])
    for (const c of catalog.slice(0, 10)) await wrapper.get(`[data-testid=need-${c.code}] input`).setValue(true)
    expect(wrapper.get('[data-testid=needs-counter]').text()).toBe('已选 10 项，最多 10 项')
    await wrapper.get('[data-testid=need-11] input').setValue(true)
    expect(wrapper.get('[data-testid=needs-limit]').text()).toContain('最多只能选 10 项')
    expect((wrapper.get('[data-testid=need-11] input').element as HTMLInputElement).checked).toBe(false)
    expect(wrapper.get('[data-testid=needs-counter]').text()).toBe('已选 10 项，最多 10 项')
    await wrapper.get('[data-testid=needs-note]').setValue('楼道灯坏了')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.body).toEqual({ catalog_codes: catalog.slice(0, 10).map((c) => c.code), note: '楼道灯坏了' })
    expect(wrapper.find('[data-testid=needs-saved]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('says the plan is already published on 409 needs_closed', async () => {
    signedIn()
    mockFetch({
      'GET /api/v1/catalog': json(200, { items: catalog }),
      'GET /api/v1/me/needs': json(200, { project_id: 2, catalog_codes: ['01'], note: '', updated_at: past(1) }),
      'PUT /api/v1/me/needs': apiError(409, 'needs_closed', 'closed'),
    })
    const { wrapper } = await mountResident('/needs')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid=needs-closed]').text()).toContain('方案已经公布')
    wrapper.unmount()
  })

  it('is reachable from the plan page while no plan is published', async () => {
    signedIn()
    mockFetch({ 'GET /api/v1/me/plan': apiError(404, 'plan_not_found'), 'GET /api/v1/me': json(200, me()) })
    const { wrapper } = await mountResident('/plan')
    expect(wrapper.get('[data-testid=needs-link]').text()).toContain('居民点单')
    wrapper.unmount()
  })
})

describe('a vote recorded on paper', () => {
  it('tells the household on the receipt and the plan that staff recorded it', async () => {
    signedIn()
    const r = receipt({ channel: 'paper', recorded_by: 'jianshe' })
    mockFetch({ 'GET /api/v1/me/plan': json(200, plan()), 'GET /api/v1/me/ballot?plan_id=7': json(200, r), 'GET /api/v1/me': json(200, me()), 'GET /api/v1/me/ballot': json(200, r) })
    const { wrapper } = await mountResident('/receipt')
    expect(wrapper.get('[data-testid=paper-note]').text()).toBe('这一票是社区工作人员 jianshe 上门录入的纸质表决票')
    wrapper.unmount()
    const second = await mountResident('/plan')
    expect(second.wrapper.get('[data-testid=paper-note]').text()).toContain('jianshe')
    second.wrapper.unmount()
  })
})

describe('public notice board', () => {
  const board = (over: Record<string, unknown> = {}) => ({
    community: { id: 1, name: '建设街小区', address: '驿城区建设街12号', built_year: 1992 },
    district: { id: 1, name: '驿城区' },
    plan: { id: 7, project_id: 2, version: 1, title: '建设街小区2024年改造方案', summary: '屋面防水', voting_opens_at: past(3), voting_closes_at: future(10), voting_status: 'open' },
    participation: { eligible: 72, voted: 40 },
    result: null,
    notices: [],
    ...over,
  })

  it('shows the plan, the window and participation without signing in, and no result while voting', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/public/communities/board-tok': json(200, board()) })
    const { wrapper } = await mountResident('/c/board-tok')
    expect(wrapper.get('[data-testid=board-community]').text()).toBe('建设街小区')
    expect(wrapper.get('[data-testid=board-plan-title]').text()).toBe('建设街小区2024年改造方案')
    expect(wrapper.get('[data-testid=board-participation]').text()).toBe('已有 40 户参与，共 72 户')
    expect(wrapper.find('[data-testid=board-result-later]').exists()).toBe(true)
    expect(calls[0]!.headers.Authorization).toBeUndefined()
    expect(wrapper.find('[data-testid=large-text-toggle]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('shows the result and the notices once the vote has closed', async () => {
    const result = {
      rule: 'households-80',
      eligible: 72,
      voted: 66,
      plan: { agree: 60, disagree: 4, abstain: 2, reached: true },
      management: { agree: 58, disagree: 6, abstain: 2, reached: true },
      reached: true,
    }
    mockFetch({
      'GET /api/v1/public/communities/board-tok': json(200, board({
        result,
        notices: [{ id: 1, kind: 'preliminary', published_at: past(1), objection_deadline: future(6), result }],
      })),
    })
    const { wrapper } = await mountResident('/c/board-tok', 'en')
    expect(wrapper.find('[data-testid=board-result-later]').exists()).toBe(false)
    expect(wrapper.get('[data-testid=result]').text()).toContain('Both the plan and the management mode passed')
    expect(wrapper.get('[data-testid=notice-preliminary]').text()).toContain('Objections until')
    wrapper.unmount()
  })

  it('says when the board does not exist', async () => {
    mockFetch({ 'GET /api/v1/public/communities/nope': apiError(404, 'community_not_found') })
    const { wrapper } = await mountResident('/c/nope')
    expect(wrapper.find('[data-testid=board-not-found]').exists()).toBe(true)
    wrapper.unmount()
  })
})

describe('objections after the vote', () => {
  it('lodges an objection during the objection period and lists the answers', async () => {
    signedIn()
    const closedPlan = plan({ voting_status: 'closed', voting_closes_at: past(2) })
    const m = me()
    m.community.public_token = 'board-tok'
    const { calls } = mockFetch({
      'GET /api/v1/me/plan': json(200, closedPlan),
      'GET /api/v1/me': json(200, m),
      'GET /api/v1/public/communities/board-tok': json(200, {
        community: m.community,
        district: { id: 1, name: '驿城区' },
        plan: null,
        participation: null,
        result: null,
        notices: [{ id: 1, kind: 'preliminary', published_at: past(1), objection_deadline: future(6), result: null }],
      }),
      'GET /api/v1/me/objections': json(200, {
        items: [{ id: 3, plan_id: 7, reason: '我家没收到户码', created_at: past(1), answer: '已补发', answered_at: past(0.5) }],
      }),
      'POST /api/v1/me/objections': json(201, { id: 4, plan_id: 7, reason: '统计有误，请核对', created_at: new Date().toISOString(), answer: null, answered_at: null }),
    })
    const { wrapper } = await mountResident('/notices')
    expect(wrapper.get('[data-testid=objection-answer]').text()).toContain('已补发')
    await wrapper.get('[data-testid=objection-reason]').setValue('短')
    await wrapper.get('[data-testid=objection-form] form').trigger('submit')
    expect(wrapper.get('[role=alert]').text()).toContain('请至少写 5 个字')
    expect(calls.some((c) => c.method === 'POST')).toBe(false)
    await wrapper.get('[data-testid=objection-reason]').setValue('统计有误，请核对')
    await wrapper.get('[data-testid=objection-form] form').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ reason: '统计有误，请核对' })
    expect(wrapper.findAll('[data-testid=my-objection]')).toHaveLength(2)
    expect(wrapper.find('[data-testid=objection-sent]').exists()).toBe(true)
    wrapper.unmount()
  })
})
