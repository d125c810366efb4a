// A vote taken offline is kept with its Idempotency-Key, shown as waiting, and
// sent again with the same key when the phone is back online.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { ballotRequest, plan, receipt, SIGNATURE } from '../test/fixtures'
import { mountResident, resetResident, signedIn } from '../test/mountApp'
import { ensureDraft, setMgmtChoice, setPlanChoice, setSignature } from './draft'
import { flush, outbox, submitVote, voteOutbox } from './outbox'
import { installSendTriggers } from './sendTriggers'
import { startSession } from './session'
import { state } from './store'

const body = ballotRequest()

beforeEach(() => {
  resetResident()
  signedIn()
})

describe('vote outbox', () => {
  it('keeps a vote that could not be sent, in storage, with its key', async () => {
    mockFetch({ 'PUT /api/v1/me/ballot': 'offline' })
    const res = await submitVote(body, 'key-1')
    expect(res.kind).toBe('queued')
    expect(JSON.parse(localStorage.getItem('anju.outbox')!)).toMatchObject({ key: 'key-1', householdId: 12, body })
  })

  it('resends it with the same Idempotency-Key when the phone is back online', async () => {
    const { calls } = mockFetch({ 'PUT /api/v1/me/ballot': ['offline', json(200, receipt({ id: 70 }))] })
    await submitVote(body, 'key-1')
    const remove = installSendTriggers(voteOutbox)
    window.dispatchEvent(new Event('online'))
    await flushPromises()
    remove()
    const puts = calls.filter((c) => c.method === 'PUT')
    expect(puts).toHaveLength(2)
    expect(puts[1]!.headers['Idempotency-Key']).toBe('key-1')
    expect(puts[1]!.body).toEqual(puts[0]!.body)
    expect(outbox.value).toBeNull()
    expect(localStorage.getItem('anju.outbox')).toBeNull()
    expect(state.receipt?.id).toBe(70)
  })

  it('survives an app restart and is sent at start', async () => {
    mockFetch({ 'PUT /api/v1/me/ballot': 'offline' })
    await submitVote(body, 'key-9')
    // What the next app start reads back:
    outbox.value = JSON.parse(localStorage.getItem('anju.outbox')!)
    const { calls } = mockFetch({ 'PUT /api/v1/me/ballot': json(200, receipt({ id: 71 })) })
    expect((await flush()).kind).toBe('sent')
    expect(calls[0]!.headers['Idempotency-Key']).toBe('key-9')
  })

  it('asks again when a late vote meets a newer one (409 stale_ballot)', async () => {
    const current = receipt({ id: 80, plan_choice: 'disagree', channel: 'paper' })
    mockFetch({ 'PUT /api/v1/me/ballot': ['offline', apiError(409, 'stale_ballot', 'newer', { current })] })
    await submitVote({ ...body, replaces: 54 }, 'key-2')
    const res = await flush()
    expect(res).toEqual({ kind: 'stale', current })
    expect(outbox.value).toBeNull()
    expect(state.conflict).toEqual({ planId: 7, current })
    expect(state.receipt?.id).toBe(80)
  })

  it("never sends one household's kept vote for another household", async () => {
    mockFetch({ 'PUT /api/v1/me/ballot': 'offline' })
    await submitVote(body, 'key-3')
    startSession({ token: 'other', expires_at: new Date(Date.now() + 864e5).toISOString(), household: { id: 99, room: '502', entrance: '', building_id: 3 } }, 'tok-abc123')
    const { calls } = mockFetch({})
    expect((await flush()).kind).toBe('nothing')
    expect(calls).toHaveLength(0)
  })

  it('shows a vote submitted offline as waiting to be sent', async () => {
    mockFetch({
      'GET /api/v1/me/plan': json(200, plan()),
      'GET /api/v1/me/ballot?plan_id=7': apiError(404, 'ballot_not_found'),
      'PUT /api/v1/me/ballot': 'offline',
    })
    ensureDraft(12, 7)
    setPlanChoice('agree')
    setMgmtChoice('disagree')
    setSignature(SIGNATURE)
    const { wrapper, router } = await mountResident('/vote')
    await wrapper.get('form').trigger('submit')
    // The receipt screen may be a chunk of its own: wait until it is there.
    await vi.waitFor(() => expect(wrapper.find('[data-testid=pending-notice]').exists()).toBe(true))
    expect(router.currentRoute.value.path).toBe('/receipt')
    expect(wrapper.get('[data-testid=pending-notice]').text()).toContain('等待发送')
    expect(wrapper.get('[data-testid=pending-vote]').text()).toContain('不同意')
    expect(wrapper.find('[data-testid=receipt]').exists()).toBe(false)
  })
})
