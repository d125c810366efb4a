// The complaint queue and one complaint (issue 4): filters into the query
// string, labels from /complaints/meta, buttons from `allowed`, what each
// action needs before it is sent, and the server's word on a refused step.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import type { StaffComplaint } from '../api/contract'
import { apiError, json, mockFetch, type Answer } from '../test/fetchMock'
import { mountStaff, project, signInStaff } from '../test/mountStaff'
import { endStaffSession } from './session'
import { resetComplaintMeta } from './lib/complaintMeta'
import { emptyFilter, filterFromRoute, queueQuery, routeQuery } from './lib/complaintQuery'
import { actionProblems, actionsFor, transitionBody } from './lib/complaintActions'

vi.mock('./ui/confirm', () => ({ confirmAction: vi.fn(async () => true) }))

beforeEach(() => {
  endStaffSession()
  resetComplaintMeta()
})

const meta = {
  statuses: [
    { code: 'submitted', zh: '已提交，待受理', en: 'Submitted', open: true },
    { code: 'assigned', zh: '已派单', en: 'Assigned', open: true },
    { code: 'in_progress', zh: '处理中', en: 'In progress', open: true },
    { code: 'resolved', zh: '已办结，待确认', en: 'Resolved', open: true },
    { code: 'closed', zh: '已关闭', en: 'Closed', open: false },
  ],
  categories: [
    { code: 'quality', zh: '工程质量', en: 'Quality' },
    { code: 'safety', zh: '安全隐患', en: 'Safety' },
  ],
  unit_kinds: [{ code: 'contractor', zh: '施工单位', en: 'Contractor' }],
  warranty_kinds: [{ code: 'leak', zh: '防水', en: 'Leaks' }],
}

function complaint(over: Partial<StaffComplaint> = {}): StaffComplaint {
  return {
    id: 12,
    project_id: 2,
    category: 'quality',
    catalog_code: '05',
    catalog_name: '屋面防水',
    description: '6楼屋顶下雨漏水，墙皮脱落',
    building_id: 3,
    building_name: '1号楼',
    entrance: '2',
    floor: '6',
    status: 'submitted',
    open: true,
    deadline: '2024-06-04T16:00:00Z',
    overdue: false,
    escalation_level: 0,
    auto_close_at: null,
    unit: null,
    warranty: null,
    photos: [{ url: '/api/v1/photos/p-abc' }],
    merged_into: null,
    created_at: '2024-06-03T02:00:00Z',
    updated_at: '2024-06-03T02:00:00Z',
    allowed: ['assigned', 'resolved', 'rejected', 'merged'],
    events: [{ at: '2024-06-03T02:00:00Z', kind: 'status', to: 'submitted', note: '', actor: '1号楼 602', actor_type: 'household', deadline: '2024-06-04T16:00:00Z' }],
    household: { id: 40, room: '602', building_name: '1号楼', owner_masked: '王*' },
    source: 'resident',
    community_name: '建设街小区',
    district_name: '驿城区',
    ...over,
  }
}

function base(extra: Record<string, Answer | Answer[]> = {}) {
  return mockFetch({
    'GET /api/v1/complaints/meta': json(200, meta),
    'GET /api/v1/projects': json(200, { items: [project()] }),
    'GET /api/v1/districts/1': json(200, { id: 1, name: '驿城区' }),
    'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
    ...extra,
  })
}

function select(wrapper: VueWrapper, testid: string) {
  const s = wrapper.findAllComponents({ name: 'ElSelect' }).find((c) => c.attributes('data-testid') === testid)
  if (!s) throw new Error(`no select ${testid}`)
  return s
}

describe('queue filters → query string', () => {
  it('maps every filter to the API and back through the page address', () => {
    expect(queueQuery(emptyFilter())).toBe('open=true&limit=50')
    const f = { ...emptyFilter(), status: ['assigned', 'in_progress'], category: 'safety', projectId: 2, overdue: true, escalated: true, warranty: true, offset: 50 }
    const q = new URLSearchParams(queueQuery(f))
    expect(Object.fromEntries(q)).toEqual({
      status: 'assigned,in_progress',
      category: 'safety',
      project_id: '2',
      overdue: 'true',
      escalated: 'true',
      warranty: 'true',
      limit: '50',
      offset: '50',
    })
    // Chosen statuses say more than "open only", which is then left out.
    expect(q.has('open')).toBe(false)
    expect(queueQuery({ ...emptyFilter(), open: false })).toBe('limit=50')
    expect(queueQuery(emptyFilter(), 500)).toBe('open=true&limit=200')
    const back = filterFromRoute(routeQuery(f) as Record<string, string>)
    expect(back).toEqual(f)
    expect(filterFromRoute({ project_id: 'x', offset: '-3', status: 'a;drop', open: 'false' })).toEqual({ ...emptyFilter(), open: false })
  })

  it('asks the server for the filtered queue and shows labels, deadlines and escalations', async () => {
    signInStaff('district')
    const { calls } = base({
      'GET /api/v1/complaints': json(200, {
        items: [
          complaint({ id: 12, overdue: true, escalation_level: 2, status: 'assigned', unit: { id: 4, name: '宏达建设', kind: 'contractor' } }),
          complaint({ id: 13, category: 'safety', source: 'open311', household: undefined }),
        ],
        total: 2,
      }),
    })
    const { wrapper, router } = await mountStaff('/complaints?status=assigned,in_progress&overdue=true')
    const first = calls.find((c) => c.path.startsWith('/api/v1/complaints?'))!
    expect(Object.fromEntries(new URLSearchParams(first.path.split('?')[1]))).toEqual({ status: 'assigned,in_progress', overdue: 'true', limit: '50' })
    const rows = wrapper.findAll('[data-testid=complaint-row]')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.text()).toContain('#12')
    expect(rows[0]!.text()).toContain('已派单')
    expect(rows[0]!.text()).toContain('宏达建设')
    expect(rows[0]!.text()).toContain('已升级至市')
    expect(rows[0]!.get('[data-testid=deadline]').classes()).toContain('overdue')
    expect(rows[1]!.text()).toContain('安全隐患')
    expect(rows[1]!.text()).toContain('热线/Open311')

    select(wrapper, 'filter-category').vm.$emit('update:modelValue', 'safety')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ status: 'assigned,in_progress', overdue: 'true', category: 'safety' })
    const last = calls.filter((c) => c.path.startsWith('/api/v1/complaints?')).at(-1)!
    expect(new URLSearchParams(last.path.split('?')[1]).get('category')).toBe('safety')
    wrapper.unmount()
  })
})

describe('what staff may do with a complaint', () => {
  it('shows one button per allowed transition, and always a reply', () => {
    expect(actionsFor({ allowed: ['assigned', 'rejected', 'merged'] })).toEqual(['assigned', 'rejected', 'merged', 'reply'])
    expect(actionsFor({ allowed: ['in_progress', 'assigned', 'resolved', 'rejected', 'merged'] })).toEqual(['assigned', 'in_progress', 'resolved', 'rejected', 'merged', 'reply'])
    // Household moves are not staff buttons.
    expect(actionsFor({ allowed: ['confirm', 'reopen'] })).toEqual(['reply'])
    expect(actionsFor({ allowed: [] })).toEqual(['reply'])
  })

  it('checks what each action needs', () => {
    const none = { note: '  ', unitId: null, into: null }
    expect(actionProblems('assigned', none)).toEqual(['unit'])
    expect(actionProblems('resolved', none)).toEqual(['resolveNote'])
    expect(actionProblems('rejected', none)).toEqual(['rejectNote'])
    expect(actionProblems('merged', none)).toEqual(['into'])
    expect(actionProblems('in_progress', none)).toEqual([])
    expect(transitionBody('assigned', { note: ' 尽快 ', unitId: 4, into: null })).toEqual({ to: 'assigned', unit_id: 4, note: '尽快' })
    expect(transitionBody('merged', { note: '', unitId: 4, into: 9 })).toEqual({ to: 'merged', into: 9 })
  })

  it('draws the buttons from `allowed` on the complaint page', async () => {
    signInStaff()
    base({ 'GET /api/v1/complaints/12': json(200, complaint({ allowed: ['in_progress', 'resolved'], status: 'assigned' })) })
    const { wrapper } = await mountStaff('/complaints/12')
    const buttons = wrapper.findAll('[data-testid^=action-]').map((b) => b.attributes('data-testid'))
    expect(buttons).toEqual(['action-in_progress', 'action-resolved', 'action-reply'])
    expect(wrapper.get('[data-testid=complaint-household]').text()).toBe('1号楼 · 602 室 · 王*')
    expect(wrapper.get('[data-testid=complaint-description]').text()).toContain('屋顶下雨漏水')
    const images = wrapper.findAllComponents({ name: 'ElImage' })
    expect(images.map((i) => i.props('src'))).toEqual(['/api/v1/photos/p-abc'])
    expect(images[0]!.props('previewSrcList')).toEqual(['/api/v1/photos/p-abc'])
    expect(wrapper.get('[data-testid=timeline]').text()).toContain('提交（已提交，待受理）')
    wrapper.unmount()
  })

  it('offers only a reply on a closed complaint', async () => {
    signInStaff()
    base({ 'GET /api/v1/complaints/12': json(200, complaint({ allowed: [], status: 'closed', open: false })) })
    const { wrapper } = await mountStaff('/complaints/12')
    expect(wrapper.findAll('[data-testid^=action-]').map((b) => b.attributes('data-testid'))).toEqual(['action-reply'])
    expect(wrapper.find('[data-testid=complaint-finished]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('assigns only with a unit, then shows the deadline the server computed', async () => {
    signInStaff()
    const assigned = complaint({
      status: 'assigned',
      unit: { id: 4, name: '宏达建设', kind: 'contractor' },
      deadline: '2024-06-11T16:00:00Z',
      allowed: ['in_progress', 'assigned', 'resolved', 'rejected', 'merged'],
    })
    const { calls } = base({
      'GET /api/v1/complaints/12': json(200, complaint()),
      'GET /api/v1/units': json(200, { items: [{ id: 4, name: '宏达建设', kind: 'contractor', phone: '0396-1234567' }] }),
      'POST /api/v1/complaints/12/transitions': json(200, assigned),
    })
    const { wrapper } = await mountStaff('/complaints/12')
    await wrapper.get('[data-testid=action-assigned]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid=form-assigned]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid=action-problems]').text()).toContain('请选择责任单位')
    expect(calls.some((c) => c.method === 'POST')).toBe(false)

    select(wrapper, 'unit-select').vm.$emit('update:modelValue', 4)
    await flushPromises()
    await wrapper.get('[data-testid=form-assigned]').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ to: 'assigned', unit_id: 4 })
    const done = wrapper.get('[data-testid=action-done]').text()
    expect(done).toContain('已派单给宏达建设')
    expect(done).toContain('2024年6月11日 24:00')
    expect(wrapper.get('[data-testid=action-assigned]').text()).toBe('改派')
    wrapper.unmount()
  })

  it('resolves and rejects only with a note', async () => {
    signInStaff()
    const { calls } = base({
      'GET /api/v1/complaints/12': json(200, complaint()),
      'POST /api/v1/complaints/12/transitions': [
        json(200, complaint({ status: 'resolved', allowed: [] })),
        json(200, complaint({ status: 'rejected', open: false, allowed: [] })),
      ],
    })
    const { wrapper } = await mountStaff('/complaints/12')
    await wrapper.get('[data-testid=action-resolved]').trigger('click')
    await wrapper.get('[data-testid=form-resolved]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid=action-problems]').text()).toContain('请写明办理结果')
    await wrapper.get('[data-testid=action-rejected]').trigger('click')
    await wrapper.get('[data-testid=form-rejected]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid=action-problems]').text()).toContain('请写明不予受理的理由')
    expect(calls.some((c) => c.method === 'POST')).toBe(false)

    await wrapper.get('textarea[data-testid=action-note]').setValue('不属于本次改造范围，已转物业')
    await wrapper.get('[data-testid=form-rejected]').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ to: 'rejected', note: '不属于本次改造范围，已转物业' })
    expect(wrapper.get('[data-testid=action-done]').text()).toBe('已不予受理')
    wrapper.unmount()
  })

  it('shows the server’s message when the step is no longer allowed', async () => {
    signInStaff()
    base({
      'GET /api/v1/complaints/12': json(200, complaint()),
      'POST /api/v1/complaints/12/replies': json(200, complaint()),
      'POST /api/v1/complaints/12/transitions': apiError(409, 'transition_not_allowed', '投诉已被住户确认关闭，不能再办结。', {
        from: 'closed',
        to: 'resolved',
        allowed: [],
      }),
    })
    const { wrapper } = await mountStaff('/complaints/12')
    await wrapper.get('[data-testid=action-resolved]').trigger('click')
    await wrapper.get('textarea[data-testid=action-note]').setValue('已更换防水卷材')
    await wrapper.get('[data-testid=form-resolved]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid=action-error]').text()).toContain('投诉已被住户确认关闭，不能再办结。')
    wrapper.unmount()
  })
})
