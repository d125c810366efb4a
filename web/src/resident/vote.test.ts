// The vote: both choices and a signature are required, the review sends one
// PUT with an Idempotency-Key and the receipt it replaces.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { me, plan, receipt, SIGNATURE } from '../test/fixtures'
import { mountResident, resetResident, signedIn } from '../test/mountApp'
import { draft, ensureDraft, setMgmtChoice, setPlanChoice, setSignature } from './draft'
import { outbox } from './outbox'
import { state } from './store'


beforeEach(() => {
  resetResident()
  signedIn()
})

function fillDraft() {
  ensureDraft(12, 7)
  setPlanChoice('agree')
  setMgmtChoice('disagree')
  setSignature(SIGNATURE)
}

describe('choosing', () => {
  it('refuses to go on without an answer to both questions', async () => {
    mockFetch({ 'GET /api/v1/me/plan': json(200, plan()), 'GET /api/v1/me/ballot': apiError(404, 'ballot_not_found') })
    const { wrapper, router } = await mountResident('/vote')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('请对改造方案选择一项')
    expect(wrapper.text()).toContain('请对物业管理模式选择一项')
    expect(router.currentRoute.value.path).toBe('/vote')

    await wrapper.get('[data-testid=vote-plan-agree] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).not.toContain('请对改造方案选择一项')
    expect(wrapper.text()).toContain('请对物业管理模式选择一项')
    expect(router.currentRoute.value.path).toBe('/vote')

    await wrapper.get('[data-testid=vote-mgmt-abstain] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    // The next screen may be a chunk of its own: wait until it is there.
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/vote/sign'))
    expect(draft.planChoice).toBe('agree')
    expect(draft.mgmtChoice).toBe('abstain')
  })

  it('shows voting as closed and offers no choices', async () => {
    mockFetch({ 'GET /api/v1/me/plan': json(200, plan({ voting_status: 'closed' })), 'GET /api/v1/me/ballot': apiError(404, 'ballot_not_found') })
    const { wrapper } = await mountResident('/vote')
    expect(wrapper.find('[data-testid=readonly-notice]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=vote-plan-agree]').exists()).toBe(false)
  })
})

describe('signing', () => {
  it('refuses to go on without a signature', async () => {
    mockFetch({ 'GET /api/v1/me/plan': json(200, plan()), 'GET /api/v1/me/ballot': apiError(404, 'ballot_not_found') })
    ensureDraft(12, 7)
    setPlanChoice('agree')
    setMgmtChoice('agree')
    const { wrapper, router } = await mountResident('/vote/sign')
    expect(wrapper.find('[data-testid=signature-pad]').exists()).toBe(true)
    await wrapper.get('[data-testid=signature-confirm]').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('请先在方框里签名')
    expect(router.currentRoute.value.path).toBe('/vote/sign')
  })

  it('sends someone who has not chosen yet back to step 1', async () => {
    mockFetch({ 'GET /api/v1/me/plan': json(200, plan()), 'GET /api/v1/me/ballot': apiError(404, 'ballot_not_found') })
    const { router } = await mountResident('/vote/sign')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/vote')
  })
})

describe('review and submit', () => {
  it('does not submit without a signature', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/me/plan': json(200, plan()), 'GET /api/v1/me/ballot': apiError(404, 'ballot_not_found') })
    ensureDraft(12, 7)
    setPlanChoice('agree')
    setMgmtChoice('agree')
    const { wrapper } = await mountResident('/vote/review')
    await wrapper.get('[data-testid=vote-review-submit]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid=vote-error]').text()).toContain('还没选完或没签名')
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0)
  })

  it('sends the vote with an Idempotency-Key and the receipt it replaces, then shows the receipt', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/me/plan': json(200, plan()),
      'GET /api/v1/me': json(200, me()),
      'GET /api/v1/me/ballot?plan_id=7': [json(200, receipt({ id: 54 })), json(200, receipt({ id: 55, revision: 2, replaces: 54, plan_choice: 'agree', management_choice: 'disagree' }))],
      'PUT /api/v1/me/ballot': json(200, receipt({ id: 55, revision: 2, replaces: 54, plan_choice: 'agree', management_choice: 'disagree' })),
    })
    fillDraft()
    const { wrapper, router } = await mountResident('/vote/review')
    expect(wrapper.get('[data-testid=summary-plan]').text()).toBe('同意')
    expect(wrapper.get('[data-testid=summary-mgmt]').text()).toBe('不同意')
    await wrapper.get('[data-testid=vote-review-submit]').trigger('click')
    await vi.waitFor(() => expect(wrapper.find('[data-testid=receipt-id]').exists()).toBe(true))

    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
    expect(put.body).toEqual({ plan_id: 7, plan_choice: 'agree', management_choice: 'disagree', signature: SIGNATURE, replaces: 54 })
    expect(router.currentRoute.value.path).toBe('/receipt')
    expect(wrapper.get('[data-testid=receipt-id]').text()).toBe('55')
    expect(outbox.value).toBeNull()
  })

  it('asks again when the vote was changed elsewhere (409 stale_ballot)', async () => {
    const current = receipt({ id: 60, revision: 3, channel: 'paper', plan_choice: 'disagree', management_choice: 'agree' })
    mockFetch({
      'GET /api/v1/me/plan': json(200, plan()),
      'GET /api/v1/me/ballot?plan_id=7': json(200, receipt({ id: 54 })),
      'PUT /api/v1/me/ballot': apiError(409, 'stale_ballot', 'A newer vote exists.', { current }),
    })
    fillDraft()
    const { wrapper, router } = await mountResident('/vote/review')
    await wrapper.get('[data-testid=vote-review-submit]').trigger('click')
    await vi.waitFor(() => expect(wrapper.find('[data-testid=stale-notice]').exists()).toBe(true))
    expect(router.currentRoute.value.path).toBe('/vote')
    const notice = wrapper.get('[data-testid=stale-notice]')
    expect(notice.text()).toContain('您的投票已在别处改过')
    expect(notice.get('[data-testid=summary-plan]').text()).toBe('不同意')
    expect(state.receipt?.id).toBe(60)
    expect(draft.planChoice).toBeNull()
  })

  it('makes everything read-only when the server says voting has closed', async () => {
    mockFetch({
      'GET /api/v1/me/plan': json(200, plan()),
      'GET /api/v1/me/ballot?plan_id=7': apiError(404, 'ballot_not_found'),
      'PUT /api/v1/me/ballot': apiError(409, 'voting_closed', 'Voting has closed.'),
    })
    fillDraft()
    const { wrapper } = await mountResident('/vote/review')
    await wrapper.get('[data-testid=vote-review-submit]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid=readonly-notice]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=vote-review-submit]').exists()).toBe(false)
  })
})
