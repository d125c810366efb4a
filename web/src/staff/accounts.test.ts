// Staff accounts (issue 9): managers list, create, disable, enable and reset
// the accounts of their scope, each after the checks a person would expect;
// everyone changes their own password with the current one and keeps this
// session on a fresh token; committee staff see no accounts page.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { mountStaff, project, signInStaff } from '../test/mountStaff'
import { consent } from '../test/staffFixtures'
import { controlledStream, tick } from '../test/stream'
import type { StaffAccount } from '../api/contract'
import { passwordProblem, scopeOf, usernameOk } from './lib/accounts'
import { endStaffSession, staffSession } from './session'
import { confirmAction } from './ui/confirm'

vi.mock('./ui/confirm', () => ({ confirmAction: vi.fn(async () => true) }))

beforeEach(() => {
  endStaffSession()
  vi.mocked(confirmAction).mockClear()
})

function account(over: Partial<StaffAccount> = {}): StaffAccount {
  return {
    id: 7,
    username: 'wang-jianshe',
    role: 'committee',
    district_id: 1,
    district_name: '驿城区',
    community_id: 1,
    community_name: '建设街小区',
    disabled: false,
    created_at: '2024-03-01T02:00:00Z',
    ...over,
  }
}

const cityAccounts = () => [
  account({ id: 1, username: 'jianshe', role: 'city', district_id: null, district_name: '', community_id: null, community_name: '' }),
  account({ id: 3, username: 'li-yicheng', role: 'district', community_id: null, community_name: '' }),
  account(),
]

/** Submits a dialog's form; field errors appear after Element Plus's 100 ms debounce. */
async function submit(wrapper: VueWrapper, testid: string) {
  await wrapper.get(`[data-testid=${testid}]`).trigger('submit')
  await flushPromises()
  await new Promise((r) => setTimeout(r, 150))
  await flushPromises()
}

/** The messages under the fields (dialogs are teleported to <body>). */
const fieldErrors = () => [...document.querySelectorAll('.el-form-item__error')].map((e) => e.textContent?.trim())

async function fill(wrapper: VueWrapper, values: Record<string, string>) {
  for (const [testid, value] of Object.entries(values)) await wrapper.get(`[data-testid=${testid}]`).setValue(value)
}

describe('account rules', () => {
  it('checks a new password as the server does, typed twice', () => {
    expect(passwordProblem('', '')).toBe('empty')
    expect(passwordProblem('123456789', '123456789')).toBe('tooShort')
    expect(passwordProblem('一二三四五六七八九十', '一二三四五六七八九十')).toBeNull() // 10 characters, 30 bytes
    expect(passwordProblem('密'.repeat(67), '密'.repeat(67))).toBe('tooLong') // 201 bytes
    expect(passwordProblem('a'.repeat(200), 'a'.repeat(200))).toBeNull()
    expect(passwordProblem('a-long-password', 'a-long-passwort')).toBe('mismatch')
  })

  it('accepts usernames the server accepts', () => {
    expect(usernameOk('wang.jianshe-2')).toBe(true)
    expect(usernameOk('ab')).toBe(false)
    expect(usernameOk('-wang')).toBe(false)
    expect(usernameOk('王建设')).toBe(false)
    expect(usernameOk('a'.repeat(40))).toBe(true)
    expect(usernameOk('a'.repeat(41))).toBe(false)
  })

  it('names the scope of an account', () => {
    expect(scopeOf(account())).toBe('驿城区 · 建设街小区')
    expect(scopeOf(account({ role: 'district', community_name: '' }))).toBe('驿城区')
    expect(scopeOf(account({ role: 'city', district_name: '', community_name: '' }))).toBe('')
  })
})

describe('accounts page', () => {
  it('lists the city’s accounts; disabling asks first and ends the account’s sessions', async () => {
    signInStaff('city')
    const { calls } = mockFetch({
      'GET /api/v1/staff-users': json(200, { items: cityAccounts() }),
      'POST /api/v1/staff-users/7/disable': json(200, account({ disabled: true })),
      'POST /api/v1/staff-users/7/enable': json(200, account()),
    })
    const { wrapper } = await mountStaff('/')
    await wrapper.get('[data-testid=nav-accounts]').trigger('click')
    await flushPromises()
    const rows = wrapper.findAll('[data-testid=account-row]')
    expect(rows.map((r) => r.attributes('data-account'))).toEqual(['jianshe', 'li-yicheng', 'wang-jianshe'])
    expect(rows[0]!.text()).toContain('本人')
    expect(rows[0]!.text()).toContain('全市')
    expect(rows[0]!.find('[data-testid=account-disable-1]').exists()).toBe(false) // not oneself
    expect(rows[2]!.text()).toContain('社区居委会')
    expect(rows[2]!.text()).toContain('驿城区 · 建设街小区')
    expect(rows[2]!.get('[data-testid=account-status]').text()).toBe('启用中')

    await wrapper.get('[data-testid=account-disable-7]').trigger('click')
    await flushPromises()
    expect(vi.mocked(confirmAction).mock.calls[0]![0].title).toBe('停用账号 wang-jianshe？')
    expect(vi.mocked(confirmAction).mock.calls[0]![0].message).toContain('实时计票也会断开')
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/v1/staff-users/7/disable')).toBe(true)
    expect(wrapper.findAll('[data-testid=account-row]')[2]!.get('[data-testid=account-status]').text()).toBe('已停用')

    await wrapper.get('[data-testid=account-enable-7]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/v1/staff-users/7/enable')).toBe(true)
    expect(wrapper.findAll('[data-testid=account-row]')[2]!.get('[data-testid=account-status]').text()).toBe('启用中')
    wrapper.unmount()
  })

  it('does nothing when the disabling is cancelled', async () => {
    signInStaff('city')
    vi.mocked(confirmAction).mockResolvedValueOnce(false)
    const { calls } = mockFetch({ 'GET /api/v1/staff-users': json(200, { items: cityAccounts() }) })
    const { wrapper } = await mountStaff('/accounts')
    await wrapper.get('[data-testid=account-disable-7]').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    wrapper.unmount()
  })

  it('resets a password only when typed twice alike, and shows the history', async () => {
    signInStaff('city')
    const { calls } = mockFetch({
      'GET /api/v1/staff-users': json(200, { items: cityAccounts() }),
      'POST /api/v1/staff-users/7/password': json(200, account()),
      'GET /api/v1/staff-users/7/audit': json(200, {
        items: [
          { id: 9, at: '2024-03-02T02:00:00Z', actor: 'staff:jianshe', action: 'staff.password_reset', subject_type: 'staff_user', subject_id: 7, detail: '{}' },
          { id: 4, at: '2024-03-01T02:00:00Z', actor: 'command-line', action: 'staff.create', subject_type: 'staff_user', subject_id: 7, detail: '{}' },
        ],
      }),
    })
    const { wrapper } = await mountStaff('/accounts')
    await wrapper.get('[data-testid=account-reset-7]').trigger('click')
    await flushPromises()
    await fill(wrapper, { 'reset-new': 'a-new-long-one', 'reset-repeat': 'a-new-long-two' })
    await submit(wrapper, 'reset-form')
    expect(fieldErrors()).toEqual(['两次输入的新密码不一样'])
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    await fill(wrapper, { 'reset-repeat': 'a-new-long-one' })
    await submit(wrapper, 'reset-form')
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ password: 'a-new-long-one' })

    await wrapper.get('[data-testid=account-history-7]').trigger('click')
    await flushPromises()
    const events = wrapper.findAll('[data-testid=account-event]')
    expect(events.map((e) => e.findAll('td').slice(1).map((c) => c.text()))).toEqual([
      ['重置密码', 'jianshe'],
      ['新建账号', '命令行'],
    ])
    wrapper.unmount()
  })

  it('lets a district create committee accounts of its communities only', async () => {
    signInStaff('district')
    const { calls } = mockFetch({
      'GET /api/v1/staff-users': [json(200, { items: [] }), json(200, { items: [account({ username: 'zhao-jianshe' })] })],
      'GET /api/v1/communities': json(200, { items: [{ id: 1, district_id: 1, name: '建设街小区' }, { id: 2, district_id: 1, name: '人民路小区' }] }),
      'GET /api/v1/districts/1': json(200, { id: 1, name: '驿城区' }),
      'POST /api/v1/staff-users': json(201, { id: 8, username: 'zhao-jianshe', role: 'committee', district_id: 1, community_id: 2 }),
    })
    const { wrapper } = await mountStaff('/accounts')
    expect(wrapper.text()).toContain('本县区各社区居委会的账号')
    expect(wrapper.text()).toContain('还没有可以管理的账号')
    await wrapper.get('[data-testid=account-new]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid=account-role-district]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=account-role-city]').exists()).toBe(false)
    await fill(wrapper, { 'account-username': 'zhao-jianshe', 'account-password': 'first-password', 'account-repeat': 'first-password' })
    await submit(wrapper, 'account-form')
    expect(fieldErrors()).toEqual(['请选择小区'])
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    wrapper.findAllComponents({ name: 'ElSelect' }).find((s) => s.attributes('data-testid') === 'account-community')!.vm.$emit('update:modelValue', 2)
    await flushPromises()
    await submit(wrapper, 'account-form')
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      username: 'zhao-jianshe',
      password: 'first-password',
      role: 'committee',
      community_id: 2,
    })
    expect(wrapper.findAll('[data-testid=account-row]').map((r) => r.attributes('data-account'))).toEqual(['zhao-jianshe'])
    wrapper.unmount()
  })

  it('is not there for committee staff', async () => {
    signInStaff('committee')
    mockFetch({ 'GET /api/v1/projects': json(200, { items: [] }), 'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }) })
    const { wrapper, router } = await mountStaff('/accounts')
    expect(router.currentRoute.value.name).toBe('projects')
    expect(wrapper.find('[data-testid=nav-accounts]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('changing one’s own password', () => {
  async function openDialog() {
    signInStaff('committee')
    const mock = mockFetch({
      'GET /api/v1/projects': json(200, { items: [] }),
      'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
      'PUT /api/v1/auth/password': [
        apiError(422, 'wrong_password', 'The current password is wrong.'),
        json(200, {
          token: 'fresh-jwt',
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
          user: { id: 1, username: 'jianshe', role: 'committee', district_id: 1, community_id: 1 },
        }),
      ],
    })
    const { wrapper } = await mountStaff('/')
    await wrapper.get('[data-testid=change-password]').trigger('click')
    await flushPromises()
    return { wrapper, ...mock }
  }

  it('needs the current password and the new one twice, then keeps this session on a fresh token', async () => {
    const { wrapper, calls } = await openDialog()
    await fill(wrapper, { 'pw-new': 'short', 'pw-repeat': 'short' })
    await submit(wrapper, 'password-form')
    expect(fieldErrors()).toEqual(['请填写当前密码', '新密码至少要 10 个字符'])
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0)

    await fill(wrapper, { 'pw-current': 'not-mine', 'pw-new': 'a-new-long-password', 'pw-repeat': 'a-new-long-password' })
    await submit(wrapper, 'password-form')
    expect(fieldErrors()).toEqual(['当前密码不对'])
    expect(staffSession.value?.token).toBe('staff-jwt') // a refused change signs nobody out

    await fill(wrapper, { 'pw-current': 'my-old-password' })
    await submit(wrapper, 'password-form')
    const put = calls.filter((c) => c.method === 'PUT')
    expect(put[1]!.body).toEqual({ current_password: 'my-old-password', new_password: 'a-new-long-password' })
    expect(put[1]!.headers.Authorization).toBe('Bearer staff-jwt')
    expect(staffSession.value?.token).toBe('fresh-jwt')
    expect(JSON.parse(localStorage.getItem('anju.staff.session')!).token).toBe('fresh-jwt')
    wrapper.unmount()
  })
})

describe('a live tally of an account that is disabled meanwhile', () => {
  it('ends with the server’s error event and the console returns to sign-in', async () => {
    signInStaff('committee')
    const events = controlledStream()
    mockFetch({
      'GET /api/v1/projects/2': json(200, project()),
      'GET /api/v1/projects/2/consent': json(200, consent()),
      'GET /api/v1/projects/2/consent/events': [
        { raw: events.stream, headers: { 'Content-Type': 'text/event-stream' } },
        apiError(401, 'account_disabled', 'This staff account has been disabled.'),
      ],
      'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
    })
    const { wrapper, router } = await mountStaff('/projects/2')
    await tick()
    expect(wrapper.get('[data-testid=live-status]').attributes('data-status')).toBe('live')
    events.push('event: error\ndata: {"error":{"code":"account_disabled","message":"disabled"}}\n\n')
    events.end()
    // The stream reconnects after a second and is refused.
    for (let waited = 0; staffSession.value !== null && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50))
    await flushPromises()
    expect(staffSession.value).toBeNull()
    expect(router.currentRoute.value.name).toBe('login')
    wrapper.unmount()
  })
})
