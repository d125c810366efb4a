// The vote on one screen (issue 11): a short summary with the whole plan one
// tap away, both questions, the signature — drawn, or the household code typed
// again — and one PUT with an Idempotency-Key and the receipt it replaces.
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

const NO_BALLOT = { 'GET /api/v1/me/plan': json(200, plan()), 'GET /api/v1/me/ballot': apiError(404, 'ballot_not_found') }

function fillDraft() {
  ensureDraft(12, 7)
  setPlanChoice('agree')
  setMgmtChoice('disagree')
  setSignature(SIGNATURE)
}

describe('the vote screen', () => {
  it('starts with a short summary and keeps the whole plan one tap away', async () => {
    mockFetch(NO_BALLOT)
    const { wrapper, router } = await mountResident('/vote')
    const brief = wrapper.get('[data-testid=vote-brief]')
    expect(brief.text()).toContain(plan().title)
    expect(wrapper.get('[data-testid=vote-summary]').text()).toBe(plan().summary)
    expect(brief.text()).toContain('需 80% 的住户同意才通过')
    // Questions, the signature and the submit button are on this same screen.
    for (const id of ['vote-plan-agree', 'vote-mgmt-agree', 'signature-pad', 'vote-submit']) {
      expect(wrapper.find(`[data-testid=${id}]`).exists(), id).toBe(true)
    }
    await wrapper.get('[data-testid=vote-read-plan]').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/plan'))
  })

  it('says what is missing and sends nothing', async () => {
    const { calls } = mockFetch(NO_BALLOT)
    const { wrapper, router } = await mountResident('/vote')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('请对改造方案选择一项')
    expect(wrapper.text()).toContain('请对物业管理模式选择一项')
    expect(wrapper.get('[data-testid=confirm-error]').text()).toBe('请先在方框里签名，或改用户码确认')
    expect(wrapper.get('[data-testid=vote-error]').text()).toContain('还没选完或没签名')

    await wrapper.get('[data-testid=vote-plan-agree] input').setValue(true)
    await wrapper.get('[data-testid=vote-mgmt-abstain] input').setValue(true)
    expect(wrapper.text()).not.toContain('请对改造方案选择一项')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-testid=confirm-error]').exists()).toBe(true)
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0)
    expect(router.currentRoute.value.path).toBe('/vote')
    expect(draft.planChoice).toBe('agree')
    expect(draft.mgmtChoice).toBe('abstain')
  })

  it('shows voting as closed and offers no choices', async () => {
    mockFetch({ 'GET /api/v1/me/plan': json(200, plan({ voting_status: 'closed' })), 'GET /api/v1/me/ballot': apiError(404, 'ballot_not_found') })
    const { wrapper } = await mountResident('/vote')
    expect(wrapper.find('[data-testid=readonly-notice]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=vote-plan-agree]').exists()).toBe(false)
  })

  it('leads the old step addresses to the one screen', async () => {
    mockFetch(NO_BALLOT)
    for (const old of ['/vote/sign', '/vote/review']) {
      const { router, wrapper } = await mountResident(old)
      expect(router.currentRoute.value.path).toBe('/vote')
      wrapper.unmount()
    }
  })
})

describe('sending', () => {
  it('sends the drawn vote with an Idempotency-Key and the receipt it replaces, then shows the receipt', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/me/plan': json(200, plan()),
      'GET /api/v1/me': json(200, me()),
      'GET /api/v1/me/ballot?plan_id=7': [json(200, receipt({ id: 54 })), json(200, receipt({ id: 55, revision: 2, replaces: 54, plan_choice: 'agree', management_choice: 'disagree' }))],
      'PUT /api/v1/me/ballot': json(200, receipt({ id: 55, revision: 2, replaces: 54, plan_choice: 'agree', management_choice: 'disagree' })),
    })
    fillDraft()
    const { wrapper, router } = await mountResident('/vote')
    // A signature kept from before is shown, not asked for again.
    expect(wrapper.get('[data-testid=kept-signature]').attributes('src')).toBe(SIGNATURE)
    expect(wrapper.text()).toContain('您正在修改投票，上次的投票号是 54')
    await wrapper.get('form').trigger('submit')
    await vi.waitFor(() => expect(wrapper.find('[data-testid=receipt-id]').exists()).toBe(true))

    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
    expect(put.body).toEqual({
      plan_id: 7,
      plan_choice: 'agree',
      management_choice: 'disagree',
      evidence: 'signature',
      signature: SIGNATURE,
      replaces: 54,
    })
    expect(router.currentRoute.value.path).toBe('/receipt')
    expect(wrapper.get('[data-testid=receipt-id]').text()).toBe('55')
    expect(wrapper.get('[data-testid=receipt-evidence]').text()).toBe('手写签名')
    expect(outbox.value).toBeNull()
  })

  it('lets a resident who cannot draw confirm with the household code, which is never kept', async () => {
    const byCode = receipt({ evidence: 'household_code' })
    const { calls } = mockFetch({
      'GET /api/v1/me/plan': json(200, plan()),
      'GET /api/v1/me': json(200, me()),
      'GET /api/v1/me/ballot?plan_id=7': [apiError(404, 'ballot_not_found'), json(200, byCode)],
      'PUT /api/v1/me/ballot': [apiError(422, 'wrong_household_code', 'wrong', { field: 'household_code' }), json(200, byCode)],
    })
    const { wrapper, router } = await mountResident('/vote')
    await wrapper.get('[data-testid=vote-plan-agree] input').setValue(true)
    await wrapper.get('[data-testid=vote-mgmt-agree] input').setValue(true)
    await wrapper.get('[data-testid=vote-use-code]').trigger('click')
    expect(wrapper.find('[data-testid=signature-pad]').exists()).toBe(false)

    // Seven characters: said at once, nothing sent.
    await wrapper.get('[data-testid=vote-code-input]').setValue('abcd efg')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('户码是 8 位')
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0)

    // A wrong code: the server records nothing and says so beside the field.
    await wrapper.get('[data-testid=vote-code-input]').setValue('abcd-efgj')
    await wrapper.get('form').trigger('submit')
    await vi.waitFor(() => expect(wrapper.text()).toContain('户码不对，投票没有记录'))
    expect(router.currentRoute.value.path).toBe('/vote')

    await wrapper.get('[data-testid=vote-code-input]').setValue('abcd-efgh')
    await wrapper.get('form').trigger('submit')
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/receipt'))
    const puts = calls.filter((c) => c.method === 'PUT')
    expect(puts.map((p) => p.body)).toEqual([
      { plan_id: 7, plan_choice: 'agree', management_choice: 'agree', evidence: 'household_code', household_code: 'ABCDEFGJ', replaces: null },
      { plan_id: 7, plan_choice: 'agree', management_choice: 'agree', evidence: 'household_code', household_code: 'ABCDEFGH', replaces: null },
    ])
    // The same attempt, the same key: the wrong code recorded nothing.
    expect(puts[1]!.headers['Idempotency-Key']).toBe(puts[0]!.headers['Idempotency-Key'])
    await vi.waitFor(() => expect(wrapper.find('[data-testid=receipt-evidence]').exists()).toBe(true))
    expect(wrapper.get('[data-testid=receipt-evidence]').text()).toBe('输入户码确认（没有手写签名）')
    expect(JSON.stringify(localStorage)).not.toContain('ABCDEFG')
  })

  it('asks again when the vote was changed elsewhere (409 stale_ballot)', async () => {
    const current = receipt({ id: 60, revision: 3, channel: 'paper', evidence: 'paper_form', plan_choice: 'disagree', management_choice: 'agree' })
    mockFetch({
      'GET /api/v1/me/plan': json(200, plan()),
      'GET /api/v1/me/ballot?plan_id=7': json(200, receipt({ id: 54 })),
      'PUT /api/v1/me/ballot': apiError(409, 'stale_ballot', 'A newer vote exists.', { current }),
    })
    fillDraft()
    const { wrapper, router } = await mountResident('/vote')
    await wrapper.get('form').trigger('submit')
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
    const { wrapper } = await mountResident('/vote')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-testid=readonly-notice]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=vote-submit]').exists()).toBe(false)
  })
})
