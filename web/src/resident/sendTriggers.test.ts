// The outboxes do not wait for an `online` event that may never come: while
// something waits they retry on a timer (15 s, then longer after each failed
// try, at most 2 min), sleep while the page is hidden, and stop when the queue
// is empty.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import { json, mockFetch } from '../test/fetchMock'
import { complaint, resetFeedbackState } from '../test/feedbackFixtures'
import { ballotRequest, receipt } from '../test/fixtures'
import { resetResident, signedIn } from '../test/mountApp'
import { complaintOutbox, queuedComplaints, setComplaintStore, submitComplaint } from './complaintOutbox'
import { memoryStore } from './complaintQueue'
import { outbox, submitVote, voteOutbox } from './outbox'
import { RETRY_FIRST_MS, RETRY_MAX_MS, installSendTriggers, retryDelay, type Outbox } from './sendTriggers'
import { state } from './store'

const body = ballotRequest()

/** An outbox whose sends fail until `deliver` is set. */
function fakeOutbox() {
  const queued = ref(0)
  let deliver = false
  const box: Outbox = {
    waiting: () => queued.value > 0,
    send: vi.fn(async () => {
      if (deliver) queued.value = 0
    }),
  }
  return {
    box,
    queued,
    sends: () => (box.send as ReturnType<typeof vi.fn>).mock.calls.length,
    deliverNow: () => (deliver = true),
  }
}

function setVisibility(v: DocumentVisibilityState) {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => v })
  document.dispatchEvent(new Event('visibilitychange'))
}

let uninstall: (() => void) | null = null

beforeEach(() => {
  vi.useFakeTimers()
  resetResident()
  resetFeedbackState()
  signedIn()
})

afterEach(() => {
  uninstall?.()
  uninstall = null
  Reflect.deleteProperty(document, 'visibilityState')
})

describe('retry delay', () => {
  it('starts at 15 s, doubles after each failed try, and stays at 2 min', () => {
    expect([0, 1, 2, 3, 4, 10].map(retryDelay)).toEqual([15_000, 30_000, 60_000, 120_000, 120_000, 120_000])
    expect(retryDelay(0)).toBe(RETRY_FIRST_MS)
    expect(retryDelay(50)).toBe(RETRY_MAX_MS)
  })
})

describe('send triggers', () => {
  it('schedule nothing while the queue is empty', async () => {
    const f = fakeOutbox()
    uninstall = installSendTriggers(f.box)
    await vi.advanceTimersByTimeAsync(10 * RETRY_MAX_MS)
    expect(vi.getTimerCount()).toBe(0)
    expect(f.sends()).toBe(0)
  })

  it('retry on a timer that backs off after each failed try, and stop once the queue is empty', async () => {
    const f = fakeOutbox()
    uninstall = installSendTriggers(f.box)
    f.queued.value = 1
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(1)

    // Tries at 15 s, then 30 s, 60 s, 120 s and 120 s after the one before.
    const gaps = [15_000, 30_000, 60_000, 120_000, 120_000]
    for (const [i, gap] of gaps.entries()) {
      await vi.advanceTimersByTimeAsync(gap - 1)
      expect(f.sends(), `try ${i + 1} not before ${gap} ms`).toBe(i)
      await vi.advanceTimersByTimeAsync(1)
      expect(f.sends(), `try ${i + 1} after ${gap} ms`).toBe(i + 1)
    }

    f.deliverNow()
    await vi.advanceTimersByTimeAsync(RETRY_MAX_MS)
    expect(f.sends()).toBe(6)
    expect(f.queued.value).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('start over at 15 s when the phone is back online', async () => {
    const f = fakeOutbox()
    uninstall = installSendTriggers(f.box)
    f.queued.value = 1
    await vi.advanceTimersByTimeAsync(15_000 + 30_000) // two failed tries: next in 60 s
    expect(f.sends()).toBe(2)
    window.dispatchEvent(new Event('online'))
    await vi.advanceTimersByTimeAsync(0)
    expect(f.sends()).toBe(3)
    await vi.advanceTimersByTimeAsync(30_000) // the failed online try counts: 30 s
    expect(f.sends()).toBe(4)
  })

  it('sleep while the page is hidden and send when it is shown again', async () => {
    const f = fakeOutbox()
    uninstall = installSendTriggers(f.box)
    f.queued.value = 1
    await vi.advanceTimersByTimeAsync(0)
    setVisibility('hidden')
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(10 * RETRY_MAX_MS)
    expect(f.sends()).toBe(0)
    f.deliverNow()
    setVisibility('visible')
    await vi.advanceTimersByTimeAsync(0)
    expect(f.sends()).toBe(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('are removed with their timer', async () => {
    const f = fakeOutbox()
    installSendTriggers(f.box)()
    f.queued.value = 1
    window.dispatchEvent(new Event('online'))
    await vi.advanceTimersByTimeAsync(RETRY_MAX_MS)
    expect(f.sends()).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('the vote outbox on the timer', () => {
  it('sends a kept vote without any online event once the line is back', async () => {
    mockFetch({ 'PUT /api/v1/me/ballot': 'offline' })
    uninstall = installSendTriggers(voteOutbox)
    expect((await submitVote(body, 'key-t')).kind).toBe('queued')
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(1)

    // The line comes back, but no `online` event is fired.
    const { calls } = mockFetch({ 'PUT /api/v1/me/ballot': json(200, receipt({ id: 77 })) })
    await vi.advanceTimersByTimeAsync(RETRY_FIRST_MS)
    expect(calls).toHaveLength(1)
    expect(calls[0]!.headers['Idempotency-Key']).toBe('key-t')
    expect(outbox.value).toBeNull()
    expect(state.receipt?.id).toBe(77)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('schedules nothing for a household with no kept vote', async () => {
    const { calls } = mockFetch({})
    uninstall = installSendTriggers(voteOutbox)
    await vi.advanceTimersByTimeAsync(10 * RETRY_MAX_MS)
    expect(vi.getTimerCount()).toBe(0)
    expect(calls).toHaveLength(0)
  })
})

describe('the complaint outbox on the timer', () => {
  it('sends a kept complaint without any online event once the line is back', async () => {
    setComplaintStore(memoryStore())
    mockFetch({ 'POST /api/v1/me/complaints': 'offline' })
    uninstall = installSendTriggers(complaintOutbox)
    expect((await submitComplaint({ category: 'disturbance', description: '晚上十点以后还在打钻' }, [], 'key-c')).kind).toBe('queued')
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(1)

    const { calls } = mockFetch({ 'POST /api/v1/me/complaints': json(201, complaint({ id: 43 })) })
    await vi.advanceTimersByTimeAsync(RETRY_FIRST_MS)
    expect(calls.map((c) => c.headers['Idempotency-Key'])).toEqual(['key-c'])
    expect(queuedComplaints.value).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })
})
