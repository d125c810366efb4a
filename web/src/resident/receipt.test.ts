import { beforeEach, describe, expect, it, vi } from 'vitest'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { past, plan, receipt } from '../test/fixtures'
import { mountResident, resetResident, signedIn } from '../test/mountApp'
import { formatDateTime } from '../shared/format'
import { submitVote } from './outbox'

beforeEach(() => {
  resetResident()
  signedIn()
})

describe('receipt screen', () => {
  it('shows the time, both choices in words, the receipt number and until when it can be changed', async () => {
    const r = receipt({ id: 55, revision: 2, plan_choice: 'agree', management_choice: 'abstain' })
    mockFetch({ 'GET /api/v1/me/plan': json(200, plan()), 'GET /api/v1/me/ballot?plan_id=7': json(200, r) })
    const { wrapper } = await mountResident('/receipt')
    const box = wrapper.get('[data-testid=receipt]')
    expect(box.get('[data-testid=receipt-id]').text()).toBe('55')
    expect(box.get('[data-testid=summary-plan]').text()).toBe('同意')
    expect(box.get('[data-testid=summary-mgmt]').text()).toBe('弃权')
    expect(box.get('[data-testid=receipt-recorded]').text()).toBe(formatDateTime(r.recorded_at, 'zh-CN'))
    expect(wrapper.get('[data-testid=changeable-until]').text()).toBe(`${formatDateTime(r.changeable_until, 'zh-CN')} 前可以修改`)
    expect(wrapper.find('[data-testid=change-vote]').exists()).toBe(true)
  })

  it('says "You can change this until" in English', async () => {
    mockFetch({ 'GET /api/v1/me/plan': json(200, plan()), 'GET /api/v1/me/ballot?plan_id=7': json(200, receipt()) })
    const { wrapper } = await mountResident('/receipt', 'en')
    expect(wrapper.get('[data-testid=changeable-until]').text()).toMatch(/^You can change this until /)
  })

  it('offers no change once voting has closed', async () => {
    mockFetch({
      'GET /api/v1/me/plan': json(200, plan({ voting_status: 'closed', voting_closes_at: past(1) })),
      'GET /api/v1/me/ballot?plan_id=7': json(200, receipt()),
    })
    const { wrapper } = await mountResident('/receipt')
    expect(wrapper.find('[data-testid=readonly-notice]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=change-vote]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=changeable-until]').exists()).toBe(false)
    expect(wrapper.get('[data-testid=receipt-id]').text()).toBe('55')
  })

  it('says the household has not voted yet', async () => {
    mockFetch({ 'GET /api/v1/me/plan': json(200, plan()), 'GET /api/v1/me/ballot?plan_id=7': apiError(404, 'ballot_not_found') })
    const { wrapper } = await mountResident('/receipt')
    expect(wrapper.text()).toContain('您家还没有投票')
    expect(wrapper.find('[data-testid=vote-start]').exists()).toBe(true)
  })

  it('shows only the vote waiting to be sent, not the older receipt, until the server has recorded it', async () => {
    const old = receipt({ id: 55, plan_choice: 'agree', management_choice: 'abstain' })
    mockFetch({
      'GET /api/v1/me/plan': json(200, plan()),
      'GET /api/v1/me/ballot?plan_id=7': json(200, old),
      'PUT /api/v1/me/ballot': 'offline',
    })
    const changed = { plan_id: 7, plan_choice: 'disagree', management_choice: 'disagree', signature: 'data:image/png;base64,iVBORw0KGgo=', replaces: 55 } as const
    expect((await submitVote(changed, 'key-r')).kind).toBe('queued')
    const { wrapper } = await mountResident('/receipt')
    expect(wrapper.get('[data-testid=pending-vote]').text()).toContain('不同意')
    // The old green "recorded" card, its 查验 and its deadline stay away.
    expect(wrapper.find('[data-testid=receipt]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=vote-check]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=changeable-until]').exists()).toBe(false)
    expect(wrapper.text()).not.toContain('您的投票已记录')

    const recorded = receipt({ id: 56, revision: 2, plan_choice: 'disagree', management_choice: 'disagree', replaces: 55 })
    mockFetch({
      'GET /api/v1/me/plan': json(200, plan()),
      'GET /api/v1/me/ballot?plan_id=7': json(200, recorded),
      'PUT /api/v1/me/ballot': json(200, recorded),
    })
    await wrapper.get('[data-testid=send-now]').trigger('click')
    await vi.waitFor(() => expect(wrapper.find('[data-testid=receipt]').exists()).toBe(true))
    expect(wrapper.get('[data-testid=receipt-id]').text()).toBe('56')
    expect(wrapper.find('[data-testid=pending-vote]').exists()).toBe(false)
    wrapper.unmount()
  })
})
