// The plan screen: the whole plan, its offline copy, and the closed vote.
import { beforeEach, describe, expect, it } from 'vitest'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { me, past, plan, receipt } from '../test/fixtures'
import { mountResident, resetResident, signedIn } from '../test/mountApp'
import { session } from './session'

beforeEach(() => {
  resetResident()
  signedIn()
})

const online = (p = plan(), ballot: ReturnType<typeof json> = apiError(404, 'ballot_not_found')) => ({
  'GET /api/v1/me/plan': json(200, p),
  'GET /api/v1/me': json(200, me()),
  'GET /api/v1/me/ballot': ballot,
})

describe('plan screen', () => {
  it('shows every item with what will be done, the standard and the budget', async () => {
    mockFetch(online())
    const { wrapper } = await mountResident('/plan')
    const items = wrapper.findAll('[data-testid=plan-item]')
    expect(items).toHaveLength(2)
    expect(items[0]!.text()).toContain('屋面防水')
    expect(items[0]!.text()).toContain('1号楼至3号楼屋面重做防水')
    expect(items[0]!.text()).toContain('1800 平方米')
    expect(items[0]!.text()).toContain('无渗漏，蓄水试验合格')
    expect(items[0]!.text()).toContain('120,000 元')
    expect(wrapper.get('[data-testid=budget-total]').text()).toBe('1,280,000 元')
    expect(wrapper.text()).toContain('中央补助资金')
    expect(wrapper.text()).toContain('居民出资')
    expect(wrapper.get('[data-testid=management-mode]').text()).toBe('专业化物业服务企业')
    expect(wrapper.get('[data-testid=plan-threshold]').text()).toContain('80%')
    expect(wrapper.find('[data-testid=vote-start]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=offline-notice]').exists()).toBe(false)
  })

  it('shows the English item names and funding sources in English', async () => {
    mockFetch(online())
    const { wrapper } = await mountResident('/plan', 'en')
    expect(wrapper.findAll('[data-testid=plan-item]')[0]!.text()).toContain('Roof waterproofing')
    expect(wrapper.text()).toContain('Central government subsidy')
    expect(wrapper.get('[data-testid=management-mode]').text()).toBe('Professional property-management company')
  })

  it('shows the saved copy with a notice when there is no connection', async () => {
    mockFetch(online())
    const first = await mountResident('/plan')
    first.wrapper.unmount()

    mockFetch({ 'GET /api/v1/me/plan': 'offline', 'GET /api/v1/me': 'offline', 'GET /api/v1/me/ballot': 'offline' })
    const { wrapper } = await mountResident('/plan')
    expect(wrapper.get('[data-testid=offline-notice]').text()).toBe('没有网络，显示的是上次保存的内容')
    expect(wrapper.get('[data-testid=plan-title]').text()).toBe('建设街小区2024年改造方案')
    expect(wrapper.findAll('[data-testid=plan-item]')).toHaveLength(2)
  })

  it('is read-only once voting has closed', async () => {
    mockFetch(online(plan({ voting_status: 'closed', voting_closes_at: past(1) }), json(200, receipt())))
    const { wrapper } = await mountResident('/plan')
    expect(wrapper.get('[data-testid=readonly-notice]').text()).toContain('投票已结束')
    expect(wrapper.find('[data-testid=vote-start]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=change-vote]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=my-vote]').exists()).toBe(true)
  })

  it('returns to sign-in when the session is no longer valid', async () => {
    mockFetch({ 'GET /api/v1/me/plan': apiError(401, 'session_expired', 'expired'), 'GET /api/v1/public/buildings/tok-abc123': 'offline' })
    const { router } = await mountResident('/plan')
    expect(session.value).toBeNull()
    expect(router.currentRoute.value.path).toBe('/b/tok-abc123')
  })
})
