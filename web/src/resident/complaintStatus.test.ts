// How a household follows its complaints: status with colour, overdue and
// deadline; the timeline; "fixed"/"not fixed" only when resolved; who rejected
// it and why; a merged complaint following the one it joined.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { complaint, META, resetFeedbackState, resolved } from '../test/feedbackFixtures'
import { mountResident, resetResident, signedIn } from '../test/mountApp'
import type { Complaint } from '../api/contract'
import { metaLabel, normalizeMeta, residentActions, statusTone } from './complaintRules'
import { dayEndingAt } from './labels'

beforeEach(() => {
  resetResident()
  resetFeedbackState()
  signedIn()
})

const list = (...items: Complaint[]) => ({
  'GET /api/v1/me/complaints': json(200, { items }),
  'GET /api/v1/complaints/meta': json(200, META),
})

describe('status rules', () => {
  it('offers confirm and reopen only on a resolved complaint, as far as the server allows', () => {
    expect(residentActions({ status: 'resolved', allowed: ['confirm', 'reopen'] })).toEqual(['confirm', 'reopen'])
    expect(residentActions({ status: 'resolved', allowed: ['reopen'] })).toEqual(['reopen'])
    // A copy saved from a server older than `allowed`:
    expect(residentActions({ status: 'resolved' } as Pick<Complaint, 'status' | 'allowed'>)).toEqual(['confirm', 'reopen'])
    for (const s of ['submitted', 'assigned', 'in_progress', 'reopened', 'closed', 'rejected', 'merged']) {
      expect(residentActions({ status: s, allowed: ['confirm', 'reopen'] }), s).toEqual([])
    }
  })

  it('colours waiting orange, in hand blue, resolved green, refused red, finished grey', () => {
    expect(['submitted', 'assigned', 'in_progress', 'resolved', 'reopened', 'rejected', 'closed', 'merged'].map(statusTone)).toEqual([
      'warning', 'primary', 'primary', 'success', 'danger', 'danger', 'default', 'default',
    ])
  })

  it('reads a deadline at midnight China time as the end of the day before', () => {
    expect(dayEndingAt('2024-06-05T16:00:00Z')).toBe('2024-06-05T15:59:59.999Z')
    expect(dayEndingAt('2024-06-05T08:30:00Z')).toBeNull()
    expect(dayEndingAt(null)).toBeNull()
  })

  it('reads the labels of GET /complaints/meta in both languages', () => {
    const meta = normalizeMeta(META)
    expect(metaLabel(meta, 'statuses', 'resolved', 'zh-CN')).toBe('已办结，待确认')
    expect(metaLabel(meta, 'statuses', 'resolved', 'en')).toBe('Resolved, awaiting your confirmation')
    expect(metaLabel(meta, 'statuses', 'unknown', 'en')).toBeNull()
    expect(normalizeMeta({ categories: [{ code: 'other', name_zh: '其他', name_en: 'Other' }] })?.categories[0]).toEqual({ code: 'other', zh: '其他', en: 'Other' })
    expect(normalizeMeta('nonsense')).toBeNull()
  })
})

describe('my complaints', () => {
  it('lists each with its status, the overdue marker and the deadline', async () => {
    mockFetch(list(complaint({ id: 1, overdue: true, escalation_level: 1 }), resolved({ id: 2 }), complaint({ id: 3, status: 'closed', open: false })))
    const { wrapper } = await mountResident('/complaints')
    const cards = wrapper.findAll('[data-testid=complaint-card]')
    expect(cards).toHaveLength(3)
    expect(cards[0]!.get('[data-testid=complaint-status]').text()).toBe('已提交，待受理')
    expect(cards[0]!.get('[data-testid=complaint-status]').html()).toContain('van-tag--warning')
    expect(cards[0]!.get('[data-testid=complaint-overdue]').text()).toBe('已超期')
    expect(cards[0]!.get('[data-testid=complaint-escalated]').text()).toBe('已上报县区')
    expect(cards[0]!.find('[data-testid=complaint-deadline]').exists()).toBe(true)
    expect(cards[1]!.get('[data-testid=complaint-status]').html()).toContain('van-tag--success')
    expect(cards[2]!.find('[data-testid=complaint-deadline]').exists()).toBe(false)
    expect(cards[2]!.find('[data-testid=complaint-overdue]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('one complaint', () => {
  it('shows no buttons while staff handle it, only the timeline', async () => {
    mockFetch(list(complaint({ status: 'assigned', allowed: [], deadline: '2024-06-05T16:00:00Z', unit: { id: 1, name: '豫建集团', kind: 'contractor' } })))
    const { wrapper } = await mountResident('/complaints/12')
    expect(wrapper.get('[data-testid=complaint-unit]').text()).toContain('豫建集团')
    expect(wrapper.get('[data-testid=complaint-unit]').text()).toContain('施工单位')
    expect(wrapper.get('[data-testid=complaint-deadline]').text()).toBe('2024年6月5日 24:00 前')
    expect(wrapper.find('[data-testid=complaint-actions]').exists()).toBe(false)
    expect(wrapper.findAll('[data-testid=complaint-event]')).toHaveLength(1)
    wrapper.unmount()
  })

  it('shows every step with who and when, and confirms a resolved complaint', async () => {
    const { calls } = mockFetch({
      ...list(resolved()),
      'POST /api/v1/me/complaints/12/confirm': json(200, resolved({ status: 'closed', open: false, allowed: [] })),
    })
    const { wrapper } = await mountResident('/complaints/12')
    const events = wrapper.findAll('[data-testid=complaint-event]')
    expect(events.map((e) => e.find('.what').text())).toEqual(['已提交，待受理', '已派单', '回复', '已办结，待确认'])
    expect(events[0]!.text()).toContain('您')
    expect(events[1]!.text()).toContain('社区 王')
    expect(events[1]!.text()).toContain('派给：豫建集团')
    expect(events[3]!.text()).toContain('已重做防水层')
    expect(wrapper.get('[data-testid=complaint-actions]').text()).toContain('自动关闭')
    await wrapper.get('[data-testid=complaint-confirm]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/v1/me/complaints/12/confirm')).toBe(true)
    expect(wrapper.get('[data-testid=complaint-done]').text()).toContain('已关闭')
    expect(wrapper.get('[data-testid=complaint-status]').text()).toBe('已关闭')
    expect(wrapper.find('[data-testid=complaint-actions]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('reopens with a reason of at least 5 characters', async () => {
    const { calls } = mockFetch({
      ...list(resolved()),
      'POST /api/v1/me/complaints/12/reopen': json(200, resolved({ status: 'reopened', allowed: [] })),
    })
    const { wrapper } = await mountResident('/complaints/12')
    await wrapper.get('[data-testid=complaint-reopen]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid=reopen-reason]').setValue('还漏')
    await wrapper.get('[data-testid=reopen-form]').trigger('submit')
    expect(wrapper.get('[data-testid=reopen-error]').text()).toBe('请至少写 5 个字')
    expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/reopen'))).toBe(false)
    await wrapper.get('[data-testid=reopen-reason]').setValue('下雨还是漏水，没修好')
    await wrapper.get('[data-testid=reopen-form]').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.path.endsWith('/reopen'))!
    expect(post.body).toEqual({ reason: '下雨还是漏水，没修好' })
    expect(wrapper.get('[data-testid=complaint-done]').text()).toContain('重新打开')
    expect(wrapper.get('[data-testid=complaint-status]').text()).toBe('已重新打开')
    wrapper.unmount()
  })

  it('shows where it stands now when the state moved on meanwhile (409)', async () => {
    mockFetch({
      'GET /api/v1/me/complaints': [json(200, { items: [resolved()] }), json(200, { items: [resolved({ status: 'closed', open: false, allowed: [] })] })],
      'GET /api/v1/complaints/meta': json(200, META),
      'POST /api/v1/me/complaints/12/confirm': apiError(409, 'transition_not_allowed', 'closed', { from: 'closed', to: 'closed', allowed: [] }),
    })
    const { wrapper } = await mountResident('/complaints/12')
    await wrapper.get('[data-testid=complaint-confirm]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid=complaint-action-error]').text()).toContain('状态已经变了')
    expect(wrapper.get('[data-testid=complaint-status]').text()).toBe('已关闭')
    wrapper.unmount()
  })

  it('says who rejected it, when and why', async () => {
    const c = complaint({
      status: 'rejected',
      open: false,
      events: [
        { at: '2024-06-03T02:00:00Z', kind: 'status', to: 'submitted', note: '', actor: '', actor_type: 'household' },
        { at: '2024-06-04T02:00:00Z', kind: 'status', from: 'submitted', to: 'rejected', note: '不属于改造范围，请联系物业', actor: '社区 李', actor_type: 'staff' },
      ],
    })
    mockFetch(list(c))
    const { wrapper } = await mountResident('/complaints/12')
    const box = wrapper.get('[data-testid=complaint-rejected]').text()
    expect(box).toContain('社区 李 在 2024年6月4日 10:00 决定不予受理')
    expect(box).toContain('理由：不属于改造范围，请联系物业')
    expect(wrapper.find('[data-testid=complaint-actions]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('follows the complaint it was merged into', async () => {
    const c = complaint({
      status: 'merged',
      open: false,
      merged_into: 9,
      primary: {
        id: 9,
        status: 'in_progress',
        open: true,
        deadline: new Date(Date.now() - 3600_000).toISOString(),
        overdue: true,
        events: [{ at: new Date(Date.now() - 7200_000).toISOString(), kind: 'status', from: 'assigned', to: 'in_progress', note: '', actor: '豫建集团', actor_type: 'staff' }],
      },
    })
    mockFetch(list(c))
    const { wrapper } = await mountResident('/complaints/12')
    expect(wrapper.get('[data-testid=complaint-merged]').text()).toContain('合并到第 9 号')
    expect(wrapper.get('[data-testid=complaint-status]').text()).toBe('处理中')
    expect(wrapper.find('[data-testid=complaint-overdue]').exists()).toBe(true)
    const events = wrapper.findAll('[data-testid=complaint-event]')
    expect(events.at(-1)!.text()).toContain('豫建集团')
    wrapper.unmount()
  })

  it('shows the English labels', async () => {
    mockFetch(list(resolved()))
    const { wrapper } = await mountResident('/complaints/12', 'en')
    expect(wrapper.get('[data-testid=complaint-status]').text()).toBe('Resolved, awaiting your confirmation')
    expect(wrapper.get('[data-testid=complaint-confirm]').text()).toBe('Yes, it is fixed')
    await vi.waitFor(() => expect(wrapper.text()).toContain('Quality of the work'))
    wrapper.unmount()
  })
})
