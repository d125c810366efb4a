// Running the vote: a paper ballot is refused without both choices and a
// photo, goes out as multipart with the vote it replaces, and a vote cast
// meanwhile (409 stale_ballot) is shown and asked again; closing the vote.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { apiError, json, mockFetch, type Answer } from '../test/fetchMock'
import { mountStaff, project, signInStaff } from '../test/mountStaff'
import { consent, household } from '../test/staffFixtures'
import { endStaffSession } from './session'
import { confirmAction } from './ui/confirm'

vi.mock('./ui/confirm', () => ({ confirmAction: vi.fn(async () => true) }))

beforeEach(() => {
  endStaffSession()
  vi.mocked(confirmAction).mockClear()
})

const hh = [household({ id: 12, room: '301' }), household({ id: 13, room: '302', owner_masked: '李*' })]
const onlineVote = {
  id: 55,
  plan_id: 7,
  revision: 1,
  plan_choice: 'disagree',
  management_choice: 'agree',
  channel: 'online',
  recorded_by: null,
  replaces: null,
  recorded_at: '2024-05-03T02:00:00Z',
}

function routes(extra: Record<string, Answer | Answer[]> = {}) {
  return {
    'GET /api/v1/projects/2': json(200, project()),
    'GET /api/v1/projects/2/consent': json(200, consent()),
    'GET /api/v1/projects/2/consent/events': apiError(404, 'not_found', 'Not found.'),
    'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
    'GET /api/v1/buildings/1/households': json(200, { items: hh }),
    'GET /api/v1/households/12/ballots': json(200, { items: [{ ...onlineVote, plan_id: 6, id: 40 }, onlineVote] }),
    ...extra,
  }
}

async function pickHousehold(wrapper: VueWrapper) {
  const form = wrapper.get('[data-testid=paper-form]')
  const selects = wrapper.findAllComponents({ name: 'ElSelect' }).filter((s) => form.element.contains(s.element))
  selects[0]!.vm.$emit('update:modelValue', 1)
  await flushPromises()
  selects[1]!.vm.$emit('update:modelValue', 12)
  await flushPromises()
}

async function attachPhoto(wrapper: VueWrapper) {
  const input = wrapper.get('[data-testid=paper-photo]')
  const file = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'ballot.jpg', { type: 'image/jpeg' })
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  await input.trigger('change')
}

describe('paper ballot', () => {
  it('refuses to submit without both choices and a photo', async () => {
    signInStaff()
    const { calls } = mockFetch(routes())
    const { wrapper } = await mountStaff('/projects/2')
    await pickHousehold(wrapper)
    expect(wrapper.get('[data-testid=paper-current]').text()).toContain('方案不同意，物业同意')
    await wrapper.get('[data-testid=paper-form]').trigger('submit')
    await flushPromises()
    const problems = wrapper.get('[data-testid=paper-problems]').text()
    expect(problems).toContain('请选择对改造方案的意见')
    expect(problems).toContain('请选择对物业管理模式的意见')
    expect(problems).toContain('请拍下或选择签字表决票的照片')
    // Both choices but no photo: still refused.
    await wrapper.get('[data-testid=paper-plan-agree] input').setValue(true)
    await wrapper.get('[data-testid=paper-mgmt-agree] input').setValue(true)
    await wrapper.get('[data-testid=paper-form]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid=paper-problems]').text()).toBe('请拍下或选择签字表决票的照片')
    expect(calls.some((c) => c.method === 'POST')).toBe(false)
    expect(wrapper.get('#paper-photo').attributes('capture')).toBe('environment')
    wrapper.unmount()
  })

  it('sends the ballot as multipart with the vote it replaces, and shows who recorded it', async () => {
    signInStaff()
    const { calls } = mockFetch(
      routes({
        'POST /api/v1/plans/7/paper-ballots': json(201, {
          ...onlineVote,
          id: 56,
          household_id: 12,
          revision: 2,
          plan_choice: 'agree',
          management_choice: 'abstain',
          channel: 'paper',
          recorded_by: 'jianshe',
          replaces: 55,
          changeable_until: '2024-05-31T00:00:00Z',
        }),
      }),
    )
    const { wrapper } = await mountStaff('/projects/2')
    await pickHousehold(wrapper)
    await wrapper.get('[data-testid=paper-plan-agree] input').setValue(true)
    await wrapper.get('[data-testid=paper-mgmt-abstain] input').setValue(true)
    await attachPhoto(wrapper)
    await wrapper.get('[data-testid=paper-form]').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.path).toBe('/api/v1/plans/7/paper-ballots')
    const form = post.body as FormData
    expect(form.get('household_id')).toBe('12')
    expect(form.get('plan_choice')).toBe('agree')
    expect(form.get('management_choice')).toBe('abstain')
    expect(form.get('replaces')).toBe('55')
    expect((form.get('photo') as File).name).toBe('ballot.jpg')
    expect(post.headers['Content-Type']).toBeUndefined()
    expect(wrapper.get('[data-testid=paper-done]').text()).toContain('回执号 56（录入人 jianshe）')
    wrapper.unmount()
  })

  it('on 409 stale_ballot shows the vote that counts now and asks again', async () => {
    signInStaff()
    const current = { ...onlineVote, id: 57, plan_choice: 'agree', management_choice: 'agree', recorded_at: '2024-05-04T02:00:00Z' }
    const { calls } = mockFetch(
      routes({ 'POST /api/v1/plans/7/paper-ballots': apiError(409, 'stale_ballot', 'Changed.', { current }) }),
    )
    const { wrapper } = await mountStaff('/projects/2')
    await pickHousehold(wrapper)
    await wrapper.get('[data-testid=paper-plan-disagree] input').setValue(true)
    await wrapper.get('[data-testid=paper-mgmt-disagree] input').setValue(true)
    await attachPhoto(wrapper)
    await wrapper.get('[data-testid=paper-form]').trigger('submit')
    await flushPromises()
    const box = wrapper.get('[data-testid=paper-current]')
    expect(box.attributes('role')).toBe('alert')
    expect(box.text()).toContain('这一户的投票已经变了')
    expect(box.text()).toContain('方案同意，物业同意')
    expect((wrapper.get('[data-testid=paper-plan-disagree] input').element as HTMLInputElement).checked).toBe(false)
    // Asked again: the next try names the vote it has now seen.
    await wrapper.get('[data-testid=paper-plan-disagree] input').setValue(true)
    await wrapper.get('[data-testid=paper-mgmt-disagree] input').setValue(true)
    await wrapper.get('[data-testid=paper-form]').trigger('submit')
    await flushPromises()
    const posts = calls.filter((c) => c.method === 'POST')
    expect(posts).toHaveLength(2)
    expect((posts[1]!.body as FormData).get('replaces')).toBe('57')
  })

  it('says "null" when it saw no vote, so a vote cast meanwhile is not overwritten', async () => {
    signInStaff()
    const { calls } = mockFetch(
      routes({
        'GET /api/v1/households/12/ballots': json(200, { items: [] }),
        'POST /api/v1/plans/7/paper-ballots': apiError(409, 'stale_ballot', 'Changed.', { current: null }),
      }),
    )
    const { wrapper } = await mountStaff('/projects/2')
    await pickHousehold(wrapper)
    expect(wrapper.get('[data-testid=paper-current]').text()).toContain('这一户还没有投票')
    await wrapper.get('[data-testid=paper-plan-agree] input').setValue(true)
    await wrapper.get('[data-testid=paper-mgmt-agree] input').setValue(true)
    await attachPhoto(wrapper)
    await wrapper.get('[data-testid=paper-form]').trigger('submit')
    await flushPromises()
    expect((calls.find((c) => c.method === 'POST')!.body as FormData).get('replaces')).toBe('null')
    wrapper.unmount()
  })
})

describe('closing the vote', () => {
  it('asks first, then closes and shows the vote as closed', async () => {
    signInStaff()
    const closed = consent({ voting_status: 'closed', closed_at: '2024-05-20T08:00:00Z' })
    const { calls } = mockFetch(routes({ 'POST /api/v1/projects/2/consent/close': json(200, closed) }))
    const { wrapper } = await mountStaff('/projects/2')
    await wrapper.get('[data-testid=close-vote]').trigger('click')
    await flushPromises()
    expect(confirmAction).toHaveBeenCalledTimes(1)
    expect(vi.mocked(confirmAction).mock.calls[0]![0].message).toContain('40/72')
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/v1/projects/2/consent/close')).toBe(true)
    expect(wrapper.find('[data-testid=close-vote]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=paper-form]').exists()).toBe(false)
    expect(wrapper.get('[data-testid=closed-at]').text()).toContain('投票已于')
    expect(wrapper.find('[data-testid=to-results]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('does nothing when the confirmation is cancelled', async () => {
    signInStaff()
    vi.mocked(confirmAction).mockResolvedValueOnce(false)
    const { calls } = mockFetch(routes())
    const { wrapper } = await mountStaff('/projects/2')
    await wrapper.get('[data-testid=close-vote]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST')).toBe(false)
    wrapper.unmount()
  })
})
