// Sign-in pauses (issue 9): the committee sees which rooms are paused by wrong
// codes — for everyone or for some addresses — and who sent them, and lifts a
// pause; the building's household list marks the paused rooms.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { json, mockFetch, blob } from '../test/fetchMock'
import { mountStaff, signInStaff } from '../test/mountStaff'
import { PNG, building, community, household } from '../test/staffFixtures'
import { formatDateTime } from '../shared/format'
import type { SignInLockout } from '../api/contract'
import { endStaffSession } from './session'

vi.mock('./ui/confirm', () => ({ confirmAction: vi.fn(async () => true) }))

beforeEach(() => endStaffSession())

const soon = new Date(Date.now() + 20 * 3600_000).toISOString()
const later = new Date(Date.now() + 10 * 60_000).toISOString()
const past = (min: number) => new Date(Date.now() - min * 60_000).toISOString()

function lockout(over: Partial<SignInLockout> = {}): SignInLockout {
  return {
    building_id: 3,
    building_name: '1号楼',
    community_id: 1,
    community_name: '建设街小区',
    room: '301',
    households: [{ id: 12, entrance: '1单元' }],
    locked_until: soon,
    wrong_codes: 300,
    first_at: past(240),
    last_at: past(2),
    sources: [
      { address: '203.0.113.7', wrong_codes: 20, first_at: past(240), last_at: past(60), paused_until: soon },
      { address: '2001:db8:1:2::/64', wrong_codes: 4, first_at: past(10), last_at: past(2), paused_until: null },
    ],
    ...over,
  }
}

function communityRoutes(lockouts: SignInLockout[][]) {
  return {
    'GET /api/v1/communities/1': json(200, community()),
    'GET /api/v1/communities/1/buildings': json(200, { items: [building()] }),
    'GET /api/v1/communities/1/qr.png': blob(PNG),
    'GET /api/v1/projects': json(200, { items: [] }),
    'GET /api/v1/signin-lockouts?community_id=1': lockouts.map((items) => json(200, { items })),
  }
}

describe('sign-in pauses on the community page', () => {
  it('shows which rooms are paused, by which addresses, and lifts a pause', async () => {
    signInStaff()
    const nobody = lockout({ room: '999', households: [], locked_until: null, wrong_codes: 5, sources: [
      { address: '198.51.100.4', wrong_codes: 5, first_at: past(5), last_at: past(1), paused_until: later },
    ] })
    const { calls } = mockFetch({
      ...communityRoutes([[lockout(), nobody], []]),
      'POST /api/v1/households/12/unlock': json(200, household()),
    })
    const { wrapper } = await mountStaff('/registry/communities/1')
    const card = wrapper.get('[data-testid=lockouts]')
    expect(card.text()).toContain('登录暂停')
    expect(card.text()).toContain('已经登录的手机一直有效')
    const rows = card.findAll('[data-testid=lockout-row]')
    expect(rows).toHaveLength(2)
    const [locked, probed] = rows
    expect(locked!.text()).toContain('301')
    expect(locked!.text()).toContain('1单元')
    expect(locked!.get('[data-testid=lockout-status]').text()).toContain(`所有人暂停到 ${formatDateTime(soon, 'zh-CN')}`)
    expect(locked!.get('[data-testid=lockout-status]').text()).toContain('1 个地址被暂停')
    expect(locked!.get('[data-testid=lockout-count]').text()).toContain('300')
    const sources = locked!.findAll('[data-testid=lockout-source]')
    expect(sources.map((s) => s.text().split(' · ')[0])).toEqual(['203.0.113.7', '2001:db8:1:2::/64'])
    expect(sources[0]!.text()).toContain(`暂停到 ${formatDateTime(soon, 'zh-CN')}`)
    expect(sources[1]!.text()).not.toContain('暂停到')
    // A room nobody lives in is shown (someone is probing) but has nothing to lift.
    expect(probed!.get('[data-testid=lockout-nobody]').text()).toContain('没有这个房号的住户')
    expect(probed!.find('button').exists()).toBe(false)

    await locked!.get('[data-testid=lockout-lift-12]').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/api/v1/households/12/unlock'])
    expect(calls.filter((c) => c.path === '/api/v1/signin-lockouts?community_id=1')).toHaveLength(2)
    expect(wrapper.get('[data-testid=lockouts-none]').text()).toBe('目前没有被暂停的房号。')
    wrapper.unmount()
  })

  it('reads in English too', async () => {
    signInStaff()
    mockFetch(communityRoutes([[lockout()]]))
    const { wrapper } = await mountStaff('/registry/communities/1', 'en')
    const card = wrapper.get('[data-testid=lockouts]')
    expect(card.text()).toContain('Sign-in pauses')
    expect(card.get('[data-testid=lockout-status]').text()).toContain('Paused for everyone until')
    expect(card.get('[data-testid=lockout-lift-12]').text()).toBe('Lift the pause')
    wrapper.unmount()
  })
})

describe('sign-in pauses elsewhere', () => {
  it('the district page shows the card only while a room is paused', async () => {
    signInStaff()
    const district = {
      'GET /api/v1/districts/1': json(200, { id: 1, name: '驿城区' }),
      'GET /api/v1/communities?district_id=1': json(200, { items: [community()] }),
    }
    mockFetch({ ...district, 'GET /api/v1/signin-lockouts?district_id=1': json(200, { items: [] }) })
    let { wrapper } = await mountStaff('/registry/districts/1')
    expect(wrapper.find('[data-testid=lockouts]').exists()).toBe(false)
    wrapper.unmount()

    mockFetch({ ...district, 'GET /api/v1/signin-lockouts?district_id=1': json(200, { items: [lockout({ locked_until: null })] }) })
    ;({ wrapper } = await mountStaff('/registry/districts/1'))
    const card = wrapper.get('[data-testid=lockouts]')
    expect(card.text()).toContain('建设街小区')
    expect(card.get('[data-testid=lockout-status]').text()).toBe('1 个地址被暂停')
    wrapper.unmount()
  })

  it("the building's households show their pause and lift it", async () => {
    signInStaff()
    const { calls } = mockFetch({
      'GET /api/v1/communities/1': json(200, community()),
      'GET /api/v1/buildings/3': json(200, building()),
      'GET /api/v1/buildings/3/qr.png': blob(PNG),
      'GET /api/v1/buildings/3/households': [
        json(200, { items: [household({ locked_until: soon, paused_sources: 1 }), household({ id: 13, room: '302', paused_sources: 2 }), household({ id: 14, room: '401', paused_sources: 0 })] }),
        json(200, { items: [household(), household({ id: 13, room: '302', paused_sources: 2 }), household({ id: 14, room: '401' })] }),
      ],
      'POST /api/v1/households/12/unlock': json(200, household()),
    })
    const { wrapper } = await mountStaff('/registry/buildings/3')
    expect(wrapper.get('[data-testid=household-signin-12]').text()).toBe('登录已锁定')
    expect(wrapper.get('[data-testid=household-signin-13]').text()).toBe('2 个地址暂停登录')
    expect(wrapper.get('[data-testid=household-signin-14]').text()).toBe('')
    expect(wrapper.find('[data-testid=household-unlock-14]').exists()).toBe(false)
    await wrapper.get('[data-testid=household-unlock-12]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/v1/households/12/unlock')).toBe(true)
    expect(wrapper.get('[data-testid=household-signin-12]').text()).toBe('')
    expect(wrapper.find('[data-testid=household-unlock-12]').exists()).toBe(false)
    wrapper.unmount()
  })
})
