// The console's front door and its live tally: sign-in with role and scope,
// the project list, the tally as server-sent events bring it, and an expired
// session.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { mountStaff, project, signInStaff } from '../test/mountStaff'
import { consent } from '../test/staffFixtures'
import { controlledStream, tick } from '../test/stream'
import { endStaffSession, staffSession } from './session'

vi.mock('./ui/confirm', () => ({ confirmAction: vi.fn(async () => true) }))

beforeEach(() => endStaffSession())

describe('staff sign-in', () => {
  it('signs in, shows the role and scope, and lists the projects with their rule', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/auth/login': json(200, {
        token: 'staff-jwt',
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        user: { id: 1, username: 'jianshe', role: 'committee', district_id: 1, community_id: 1 },
      }),
      'GET /api/v1/projects': json(200, { items: [project()] }),
      'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
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
    expect(rows[0]!.text()).toContain('全体住户 80%')
    expect(wrapper.find('[data-testid=project-open-2]').exists()).toBe(true)
    expect(wrapper.get('[data-testid=staff-user]').text()).toContain('jianshe（社区居委会）')
    expect(wrapper.get('[data-testid=staff-scope]').text()).toContain('建设街小区')
    expect(calls.find((c) => c.path === '/api/v1/projects')!.headers.Authorization).toBe('Bearer staff-jwt')
    wrapper.unmount()
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
    wrapper.unmount()
  })

  it('says "whole city" for the city office', async () => {
    signInStaff('city')
    mockFetch({ 'GET /api/v1/projects': json(200, { items: [] }) })
    const { wrapper } = await mountStaff('/')
    expect(wrapper.get('[data-testid=staff-scope]').text()).toContain('全市')
    expect(wrapper.text()).toContain('没有可查看的项目')
    wrapper.unmount()
  })
})

describe('live tally', () => {
  it('shows the tally, then follows the server-sent events and says it is live', async () => {
    signInStaff()
    const events = controlledStream()
    const { calls } = mockFetch({
      'GET /api/v1/projects/2': json(200, project()),
      'GET /api/v1/projects/2/consent': json(200, consent()),
      'GET /api/v1/projects/2/consent/events': { raw: events.stream, headers: { 'Content-Type': 'text/event-stream' } },
      'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
    })
    const { wrapper } = await mountStaff('/projects/2')
    await tick()
    expect(wrapper.get('[data-testid=tally-eligible]').text()).toBe('72')
    expect(wrapper.get('[data-testid=tally-voted]').text()).toBe('40')
    expect(wrapper.get('[data-testid=tally-plan-agree]').text()).toBe('35')
    expect(wrapper.get('[data-testid=tally-plan-reached]').attributes('data-reached')).toBe('false')
    expect(wrapper.text()).toContain('还需 23 户同意')
    expect(wrapper.text()).toContain('门槛 80%')
    expect(Number(wrapper.get('[role=progressbar]').attributes('aria-valuenow'))).toBeCloseTo(48.6, 1)
    expect(wrapper.findAll('[data-testid=building-row]')).toHaveLength(2)
    expect(wrapper.get('[data-testid=building-row]').text()).toContain('方案还需 8 户')
    const rows = wrapper.findAll('[data-testid=non-voter-row]')
    expect(rows).toHaveLength(4)
    expect(rows[0]!.findAll('td').map((c) => c.text())).toEqual(['1号楼', '1单元', '2', '201', '张*'])
    // The committee is told who confirmed without drawing, to follow up on paper if it wants.
    expect(wrapper.get('[data-testid=by-code]').text()).toContain('以户码确认、没有手写签名的住户（1 户）')
    expect(wrapper.get('[data-testid=by-code-row]').findAll('td').map((c) => c.text())).toEqual(['1号楼', '1单元', '4', '401', '孙*'])
    expect(wrapper.text()).toContain('建设街小区 · 2024')
    expect(wrapper.get('[data-testid=live-status]').attributes('data-status')).toBe('live')
    expect(wrapper.get('[data-testid=live-status]').text()).toContain('实时更新中')
    const ev = calls.find((c) => c.path.endsWith('/consent/events'))!
    expect(ev.headers.Authorization).toBe('Bearer staff-jwt')
    expect(ev.headers.Accept).toBe('text/event-stream')

    // A resident votes: the event arrives in two pieces.
    const next = JSON.stringify(consent({ voted: 41, plan: { agree: 36, disagree: 3, abstain: 2, rate: 0.5, reached: false, needed: 22 } }))
    events.push(`event: tally\ndata: ${next.slice(0, 30)}`)
    events.push(`${next.slice(30)}\n\n`)
    await tick()
    expect(wrapper.get('[data-testid=tally-voted]').text()).toBe('41')
    expect(wrapper.text()).toContain('还需 22 户同意')
    wrapper.unmount()
  })

  it('says it is reconnecting when the stream drops', async () => {
    signInStaff()
    const first = controlledStream()
    mockFetch({
      'GET /api/v1/projects/2': json(200, project()),
      'GET /api/v1/projects/2/consent': json(200, consent()),
      'GET /api/v1/projects/2/consent/events': [{ raw: first.stream }, 'offline'],
      'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
    })
    const { wrapper } = await mountStaff('/projects/2')
    await tick()
    expect(wrapper.get('[data-testid=live-status]').attributes('data-status')).toBe('live')
    first.fail()
    await tick()
    expect(wrapper.get('[data-testid=live-status]').attributes('data-status')).toBe('reconnecting')
    expect(wrapper.get('[data-testid=live-status]').text()).toContain('正在重连')
    wrapper.unmount()
  })

  it('falls back to asking every 10 seconds when the events route is not there', async () => {
    signInStaff()
    mockFetch({
      'GET /api/v1/projects/2': json(200, project()),
      'GET /api/v1/projects/2/consent': [json(200, consent()), json(200, consent({ voted: 45 }))],
      'GET /api/v1/projects/2/consent/events': apiError(404, 'not_found', 'Not found.'),
      'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
    })
    const { wrapper } = await mountStaff('/projects/2')
    await tick()
    expect(wrapper.get('[data-testid=live-status]').attributes('data-status')).toBe('polling')
    await wrapper.get('[data-testid=tally-refresh]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid=tally-voted]').text()).toBe('45')
    wrapper.unmount()
  })

  it('says when no plan has been published yet', async () => {
    signInStaff()
    mockFetch({
      'GET /api/v1/projects/2': json(200, project({ current_plan_id: null, current_plan_title: null })),
      'GET /api/v1/projects/2/consent': apiError(404, 'no_published_plan', 'No plan.'),
      'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
    })
    const { wrapper } = await mountStaff('/projects/2')
    expect(wrapper.get('[data-testid=no-published-plan]').text()).toContain('还没有公布方案')
    expect(wrapper.find('[data-testid=tally-eligible]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('goes back to sign-in when the staff session has expired', async () => {
    signInStaff()
    mockFetch({
      'GET /api/v1/projects/2': apiError(401, 'session_expired', 'Expired.'),
      'GET /api/v1/projects/2/consent': apiError(401, 'session_expired', 'Expired.'),
      'GET /api/v1/communities/1': apiError(401, 'session_expired', 'Expired.'),
    })
    const { router, wrapper } = await mountStaff('/projects/2')
    expect(staffSession.value).toBeNull()
    expect(router.currentRoute.value.name).toBe('login')
    wrapper.unmount()
  })
})
