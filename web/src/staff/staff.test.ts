// The staff page: sign-in, the project list and the live tally.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory } from 'vue-router'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { createAppI18n } from '../i18n'
import type { Consent, Project } from '../api/types'
import StaffApp from './StaffApp.vue'
import { createStaffRouter } from './router'
import { endStaffSession, setStaffUnauthorizedHandler, staffSession, startStaffSession } from './session'

const project: Project = {
  id: 2,
  community_id: 1,
  community_name: '建设街小区',
  district_id: 1,
  district_name: '驿城区',
  year: 2024,
  threshold_percent: 80,
  current_plan_id: 7,
  current_plan_title: '建设街小区2024年改造方案',
}

function consent(over: Partial<Consent> = {}): Consent {
  const tally = (agree: number, reached = false, needed = 23) => ({ agree, disagree: 3, abstain: 2, rate: agree / 72, reached, needed })
  return {
    project_id: 2,
    plan_id: 7,
    plan_version: 1,
    rule: 'households-80',
    threshold_percent: 80,
    voting_status: 'open',
    voting_opens_at: '2024-05-01T00:00:00Z',
    voting_closes_at: '2024-05-31T00:00:00Z',
    eligible: 72,
    voted: 40,
    plan: tally(35),
    management: tally(30, false, 28),
    reached: false,
    buildings: [{ building_id: 1, name: '1号楼', eligible: 24, voted: 15, plan: tally(12), management: tally(10) }],
    non_voters: [
      { household_id: 4, building_id: 1, building_name: '1号楼', entrance: '1单元', floor: 2, room: '201', owner_masked: '张*' },
      { household_id: 5, building_id: 1, building_name: '1号楼', entrance: '1单元', floor: 3, room: '301', owner_masked: '李*' },
    ],
    ...over,
  }
}

async function mountStaff(path: string) {
  const router = createStaffRouter(createMemoryHistory('/staff/'))
  setStaffUnauthorizedHandler(() => void router.replace({ name: 'login' }))
  await router.push(path)
  await router.isReady()
  const wrapper = mount(StaffApp, { global: { plugins: [createAppI18n('zh-CN'), router] } })
  await flushPromises()
  return { wrapper, router }
}

function signIn() {
  startStaffSession({
    token: 'staff-jwt',
    expires_at: new Date(Date.now() + 3600_000).toISOString(),
    user: { id: 1, username: 'jianshe', role: 'committee', district_id: 1, community_id: 1 },
  })
}

beforeEach(() => endStaffSession())

describe('staff sign-in', () => {
  it('signs in and lists the projects', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/auth/login': json(200, {
        token: 'staff-jwt',
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        user: { id: 1, username: 'jianshe', role: 'committee', district_id: 1, community_id: 1 },
      }),
      'GET /api/v1/projects': json(200, { items: [project] }),
    })
    const { wrapper, router } = await mountStaff('/')
    expect(router.currentRoute.value.name).toBe('login')
    await wrapper.get('[data-testid=staff-username]').setValue('jianshe')
    await wrapper.get('[data-testid=staff-password]').setValue('secret')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(calls[0]!.body).toEqual({ username: 'jianshe', password: 'secret' })
    expect(staffSession.value?.token).toBe('staff-jwt')
    const rows = wrapper.findAll('[data-testid=project-row]')
    expect(rows).toHaveLength(1)
    expect(rows[0]!.text()).toContain('建设街小区')
    expect(rows[0]!.text()).toContain('80%')
    expect(calls[1]!.headers.Authorization).toBe('Bearer staff-jwt')
  })

  it('shows wrong credentials', async () => {
    mockFetch({ 'POST /api/v1/auth/login': apiError(401, 'invalid_credentials', 'Wrong username or password.') })
    const { wrapper } = await mountStaff('/login')
    await wrapper.get('[data-testid=staff-username]').setValue('x')
    await wrapper.get('[data-testid=staff-password]').setValue('y')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role=alert]').text()).toBe('用户名或密码不对')
    expect(staffSession.value).toBeNull()
  })
})

describe('consent tally', () => {
  it('shows eligible, voted, both tallies against the threshold and who has not voted', async () => {
    signIn()
    mockFetch({ 'GET /api/v1/projects/2/consent': json(200, consent()), 'GET /api/v1/projects': json(200, { items: [project] }) })
    const { wrapper } = await mountStaff('/projects/2')
    expect(wrapper.get('[data-testid=tally-eligible]').text()).toBe('72')
    expect(wrapper.get('[data-testid=tally-voted]').text()).toBe('40')
    expect(wrapper.get('[data-testid=tally-plan-agree]').text()).toBe('35')
    expect(wrapper.get('[data-testid=tally-mgmt-agree]').text()).toBe('30')
    expect(wrapper.get('[data-testid=tally-plan-reached]').attributes('data-reached')).toBe('false')
    expect(wrapper.text()).toContain('还需 23 户同意')
    expect(wrapper.text()).toContain('门槛 80%')
    const bar = wrapper.get('[role=progressbar]')
    expect(Number(bar.attributes('aria-valuenow'))).toBeCloseTo(48.6, 1)
    const rows = wrapper.findAll('[data-testid=non-voter-row]')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.text()).toContain('201')
    expect(rows[0]!.text()).toContain('张*')
    expect(wrapper.text()).toContain('建设街小区 · 2024')
  })

  it('refreshes every 10 seconds and on the button', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    signIn()
    const { calls } = mockFetch({
      'GET /api/v1/projects/2/consent': [json(200, consent()), json(200, consent({ voted: 41 })), json(200, consent({ voted: 42 }))],
      'GET /api/v1/projects': json(200, { items: [project] }),
    })
    const { wrapper } = await mountStaff('/projects/2')
    expect(wrapper.get('[data-testid=tally-voted]').text()).toBe('40')
    vi.advanceTimersByTime(10_000)
    await flushPromises()
    expect(wrapper.get('[data-testid=tally-voted]').text()).toBe('41')
    await wrapper.get('[data-testid=tally-refresh]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid=tally-voted]').text()).toBe('42')
    expect(calls.filter((c) => c.path.endsWith('/consent'))).toHaveLength(3)
    wrapper.unmount()
  })

  it('says when no plan has been published yet', async () => {
    signIn()
    mockFetch({
      'GET /api/v1/projects/2/consent': apiError(404, 'no_published_plan', 'No plan.'),
      'GET /api/v1/projects': json(200, { items: [project] }),
    })
    const { wrapper } = await mountStaff('/projects/2')
    expect(wrapper.get('[data-testid=no-published-plan]').text()).toContain('还没有公布方案')
    expect(wrapper.find('[data-testid=tally-eligible]').exists()).toBe(false)
  })

  it('goes back to sign-in when the staff session has expired', async () => {
    signIn()
    mockFetch({
      'GET /api/v1/projects/2/consent': apiError(401, 'session_expired', 'Expired.'),
      'GET /api/v1/projects': apiError(401, 'session_expired', 'Expired.'),
    })
    const { router } = await mountStaff('/projects/2')
    expect(staffSession.value).toBeNull()
    expect(router.currentRoute.value.name).toBe('login')
  })
})
