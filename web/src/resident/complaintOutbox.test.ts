// A complaint written without a connection is kept (with its photos) in
// IndexedDB under its Idempotency-Key, shown as waiting, and sent later with
// the same key — also after the page was closed and opened again.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { apiError, json, mockFetch, type Call } from '../test/fetchMock'
import { fakeIndexedDB } from '../test/fakeIndexedDB'
import { complaint, resetFeedbackState } from '../test/feedbackFixtures'
import { mountResident, resetResident, signedIn } from '../test/mountApp'
import type { ComplaintFields } from './complaintQueue'
import {
  complaintOutbox,
  discardQueued,
  flushComplaints,
  loadQueue,
  queuedComplaints,
  setComplaintStore,
  submitComplaint,
} from './complaintOutbox'
import { idbStore } from './complaintQueue'
import { installSendTriggers } from './sendTriggers'
import { feedback } from './feedback'
import { startSession } from './session'

const fields: ComplaintFields = { category: 'disturbance', description: '晚上十点以后还在打钻，太吵了', floor: '6' }
const photo = () => new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])], 'p.jpg', { type: 'image/jpeg' })
const POST = 'POST /api/v1/me/complaints'

function form(c: Call): FormData {
  expect(c.body).toBeInstanceOf(FormData)
  return c.body as FormData
}

let idb: ReturnType<typeof fakeIndexedDB>

beforeEach(() => {
  resetResident()
  resetFeedbackState()
  signedIn()
  idb = fakeIndexedDB()
  vi.stubGlobal('indexedDB', idb.factory)
  setComplaintStore(null) // the app's own choice: IndexedDB, since it is there
})

describe('complaint outbox', () => {
  it('keeps a complaint that could not be sent in IndexedDB, with its key and photos', async () => {
    mockFetch({ [POST]: 'offline' })
    const res = await submitComplaint(fields, [photo(), photo()], 'key-1')
    expect(res.kind).toBe('queued')
    const kept = [...idb.stores.get('complaint-outbox')!.data.values()] as { key: string; householdId: number; photos: unknown[] }[]
    expect(kept).toHaveLength(1)
    expect(kept[0]).toMatchObject({ key: 'key-1', householdId: 12, fields })
    expect(kept[0]!.photos).toHaveLength(2)
    expect(queuedComplaints.value.map((q) => q.key)).toEqual(['key-1'])
  })

  it('sends it again with the same Idempotency-Key when the phone is back online', async () => {
    const { calls } = mockFetch({ [POST]: ['offline', json(201, complaint({ id: 40 }))] })
    await submitComplaint(fields, [photo()], 'key-2')
    const remove = installSendTriggers(complaintOutbox)
    window.dispatchEvent(new Event('online'))
    await vi.waitFor(() => expect(queuedComplaints.value).toHaveLength(0))
    remove()
    const posts = calls.filter((c) => c.method === 'POST')
    expect(posts).toHaveLength(2)
    expect(posts.map((c) => c.headers['Idempotency-Key'])).toEqual(['key-2', 'key-2'])
    const sent = form(posts[1]!)
    expect(sent.get('category')).toBe('disturbance')
    expect(sent.get('description')).toBe(fields.description)
    expect(sent.get('floor')).toBe('6')
    expect(sent.getAll('photos')).toHaveLength(1)
    expect(idb.stores.get('complaint-outbox')!.data.size).toBe(0)
    expect(feedback.complaints?.[0]?.id).toBe(40)
  })

  it('survives closing the page and is sent at the next start with the same key', async () => {
    mockFetch({ [POST]: 'offline' })
    await submitComplaint(fields, [photo(), photo(), photo()], 'key-3')

    // A new page: nothing in memory, the same IndexedDB.
    setComplaintStore(idbStore(idb.factory))
    expect(queuedComplaints.value).toHaveLength(0)
    expect((await loadQueue()).map((q) => q.key)).toEqual(['key-3'])

    const { calls } = mockFetch({ [POST]: json(200, complaint({ id: 41 })) })
    const results = await flushComplaints()
    expect(results.map((r) => r.kind)).toEqual(['sent'])
    expect(calls[0]!.headers['Idempotency-Key']).toBe('key-3')
    expect(form(calls[0]!).getAll('photos')).toHaveLength(3)
    expect((form(calls[0]!).getAll('photos')[0] as File).type).toBe('image/jpeg')
    expect(await loadQueue()).toEqual([])
  })

  it('keeps one the server refuses later with the reason, sends it no more, and lets the resident delete it', async () => {
    mockFetch({ [POST]: 'offline' })
    await submitComplaint({ ...fields, warranty: true }, [], 'key-4')
    const { calls } = mockFetch({ [POST]: apiError(409, 'warranty_expired', 'The warranty ended on 2026-01-01.') })
    expect((await flushComplaints()).map((r) => r.kind)).toEqual(['rejected'])
    expect(queuedComplaints.value[0]!.error).toMatchObject({ status: 409, code: 'warranty_expired' })
    await flushComplaints()
    expect(calls).toHaveLength(1)
    await discardQueued('key-4')
    expect(queuedComplaints.value).toEqual([])
  })

  it('does not keep a complaint refused on the first try: the form is still there to correct', async () => {
    mockFetch({ [POST]: apiError(409, 'no_project', 'No project.') })
    const res = await submitComplaint(fields, [], 'key-5')
    expect(res.kind).toBe('rejected')
    expect(await loadQueue()).toEqual([])
  })

  it("never sends one household's kept complaint for another household", async () => {
    mockFetch({ [POST]: 'offline' })
    await submitComplaint(fields, [], 'key-6')
    startSession({ token: 'other', expires_at: new Date(Date.now() + 864e5).toISOString(), household: { id: 99, room: '502', entrance: '', building_id: 3 } }, 'tok-abc123')
    const { calls } = mockFetch({})
    expect(await flushComplaints()).toEqual([])
    expect(calls).toHaveLength(0)
  })

  it('shows a complaint sent offline as waiting, and sends it on "send now"', async () => {
    mockFetch({
      [POST]: 'offline',
      'GET /api/v1/me/complaints': 'offline',
      'GET /api/v1/complaints/meta': 'offline',
    })
    await submitComplaint(fields, [photo()], 'key-7')
    const { wrapper } = await mountResident('/complaints')
    await flushPromises()
    expect(wrapper.get('[data-testid=complaint-pending-notice]').text()).toContain('等待发送')
    const card = wrapper.get('[data-testid=queued-complaint]')
    expect(card.text()).toContain('扰民')
    expect(card.text()).toContain('1 张照片')

    mockFetch({
      [POST]: json(201, complaint({ id: 42, category: 'disturbance', description: fields.description })),
      'GET /api/v1/me/complaints': 'offline',
      'GET /api/v1/complaints/meta': 'offline',
    })
    await wrapper.get('[data-testid=complaint-send-now]').trigger('click')
    await vi.waitFor(() => expect(wrapper.find('[data-testid=queued-complaint]').exists()).toBe(false))
    expect(wrapper.findAll('[data-testid=complaint-card]')).toHaveLength(1)
    wrapper.unmount()
  })
})
