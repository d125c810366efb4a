// Building landing and sign-in, as a resident scanning the QR code meets them.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { BUILDING_TOKEN, me, plan, publicBuilding, receipt, signInAnswer } from '../test/fixtures'
import { mountResident, resetResident } from '../test/mountApp'
import { session } from './session'

const BUILDING = `GET /api/v1/public/buildings/${BUILDING_TOKEN}`

beforeEach(resetResident)

describe('building landing', () => {
  it('shows the community, the building and the plan headline', async () => {
    mockFetch({ [BUILDING]: json(200, publicBuilding()) })
    const { wrapper } = await mountResident(`/b/${BUILDING_TOKEN}`)
    expect(wrapper.get('[data-testid=community-name]').text()).toBe('建设街小区')
    expect(wrapper.get('[data-testid=building-name]').text()).toBe('1号楼')
    expect(wrapper.get('[data-testid=plan-title]').text()).toBe('建设街小区2024年改造方案')
    expect(wrapper.text()).toContain('投票中')
    expect(wrapper.find('[data-testid=room-input]').exists()).toBe(true)
    expect(localStorage.getItem('anju.buildingToken')).toBe(BUILDING_TOKEN)
  })

  it('says a retired QR code is no longer valid and asks for the new poster', async () => {
    mockFetch({ [BUILDING]: apiError(410, 'token_retired', 'retired') })
    const { wrapper } = await mountResident(`/b/${BUILDING_TOKEN}`)
    expect(wrapper.get('[data-testid=token-retired]').text()).toContain('这个二维码已经失效')
    expect(wrapper.text()).toContain('请扫描单元门口新贴的海报')
    expect(wrapper.find('[data-testid=room-input]').exists()).toBe(false)
  })

  it('says an unknown building is not found', async () => {
    mockFetch({ [BUILDING]: apiError(404, 'building_not_found', 'unknown') })
    const { wrapper } = await mountResident(`/b/${BUILDING_TOKEN}`)
    expect(wrapper.get('[data-testid=building-not-found]').text()).toContain('找不到这个楼栋')
  })
})

describe('sign-in', () => {
  async function fillAndSubmit(room: string, code: string) {
    const { wrapper, router } = await mountResident(`/b/${BUILDING_TOKEN}`)
    await wrapper.get('[data-testid=room-input]').setValue(room)
    await wrapper.get('[data-testid=code-input]').setValue(code)
    await wrapper.get('form.signin').trigger('submit')
    await flushPromises()
    return { wrapper, router }
  }

  it('normalises the code (lower case, spaces, hyphen) and opens the vote', async () => {
    const { calls } = mockFetch({
      [BUILDING]: json(200, publicBuilding()),
      'POST /api/v1/auth/household': json(200, signInAnswer()),
      'GET /api/v1/me/plan': json(200, plan()),
      'GET /api/v1/me': json(200, me()),
      'GET /api/v1/me/ballot': apiError(404, 'ballot_not_found'),
    })
    const { router } = await fillAndSubmit(' 301 ', 'ab23-cd 45')
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.body).toEqual({ building_token: BUILDING_TOKEN, room: '301', code: 'AB23CD45' })
    expect(session.value?.token).toBe('household-jwt')
    // Voting is open and the household has not voted: straight to the vote
    // (a chunk of its own: wait until the router is there).
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/vote'))
  })

  it('opens the plan instead when the household has voted already', async () => {
    mockFetch({
      [BUILDING]: json(200, publicBuilding()),
      'POST /api/v1/auth/household': json(200, signInAnswer()),
      'GET /api/v1/me/plan': json(200, plan()),
      'GET /api/v1/me': json(200, me()),
      'GET /api/v1/me/ballot': json(200, receipt()),
    })
    const { router } = await fillAndSubmit('301', 'AB23CD45')
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/plan'))
  })

  it('opens the plan when voting has not started', async () => {
    mockFetch({
      [BUILDING]: json(200, publicBuilding({ plan: { ...publicBuilding().plan!, voting_status: 'not_started' } })),
      'POST /api/v1/auth/household': json(200, signInAnswer()),
      'GET /api/v1/me/plan': json(200, plan({ voting_status: 'not_started' })),
      'GET /api/v1/me': json(200, me()),
      'GET /api/v1/me/ballot': apiError(404, 'ballot_not_found'),
    })
    const { router } = await fillAndSubmit('301', 'AB23CD45')
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/plan'))
  })

  it('shows a 401 as "room or code is wrong"', async () => {
    mockFetch({
      [BUILDING]: json(200, publicBuilding()),
      'POST /api/v1/auth/household': apiError(401, 'invalid_credentials', 'Room or code is wrong.'),
    })
    const { wrapper, router } = await fillAndSubmit('301', 'AB23CD45')
    expect(wrapper.get('[data-testid=login-error]').text()).toBe('房号或户码不对，请对一下纸条')
    expect(router.currentRoute.value.path).toBe(`/b/${BUILDING_TOKEN}`)
    expect(session.value).toBeNull()
  })

  it('shows a locked household with the time to wait', async () => {
    mockFetch({
      [BUILDING]: json(200, publicBuilding()),
      'POST /api/v1/auth/household': apiError(429, 'household_locked', 'Locked.', undefined, { 'Retry-After': '840' }),
    })
    const { wrapper } = await fillAndSubmit('301', 'AB23CD45')
    expect(wrapper.get('[data-testid=login-error]').text()).toBe('户码输错太多次，请 14 分钟后再试')
  })

  it('checks the code length before asking the server', async () => {
    const { calls } = mockFetch({ [BUILDING]: json(200, publicBuilding()) })
    const { wrapper } = await fillAndSubmit('301', 'ab23-cd4')
    expect(wrapper.text()).toContain('户码是 8 位，您填了 7 位')
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
  })
})
