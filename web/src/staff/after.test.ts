// After the vote and around it: result notices (the final one only when
// allowed, and why not yet), answering objections, the consent roll download,
// the needs-poll ranking and the audit log.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { blob, json, mockFetch } from '../test/fetchMock'
import { mountStaff, project, signInStaff } from '../test/mountStaff'
import { consent } from '../test/staffFixtures'
import { endStaffSession } from './session'

vi.mock('./ui/confirm', () => ({ confirmAction: vi.fn(async () => true) }))
vi.mock('./charts/echarts', () => ({
  init: () => ({ setOption: vi.fn(), resize: vi.fn(), dispose: vi.fn() }),
}))

beforeEach(() => endStaffSession())

const result = {
  rule: 'households-80',
  eligible: 72,
  voted: 66,
  plan: { agree: 60, disagree: 4, abstain: 2, reached: true },
  management: { agree: 55, disagree: 8, abstain: 3, reached: false },
  reached: false,
}
const future = new Date(Date.now() + 3 * 86400_000).toISOString()

describe('result notices and objections', () => {
  it('publishes the preliminary notice, explains why the final one must wait, answers objections', async () => {
    signInStaff()
    const closed = consent({ voting_status: 'closed', closed_at: '2024-05-20T08:00:00Z' })
    const prelim = { id: 1, kind: 'preliminary', published_at: new Date().toISOString(), objection_deadline: future, result }
    const { calls } = mockFetch({
      'GET /api/v1/projects/2': json(200, project()),
      'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
      'GET /api/v1/projects/2/consent': json(200, closed),
      'GET /api/v1/projects/2/consent/notices': json(200, { items: [] }),
      'GET /api/v1/projects/2/objections': json(200, {
        items: [{ id: 31, plan_id: 7, reason: '3号楼没有征求意见就定了方案', created_at: new Date().toISOString(), answer: null, answered_at: null, building_name: '3号楼', room: '502' }],
      }),
      'POST /api/v1/projects/2/consent/notices': json(201, prelim),
      'POST /api/v1/objections/31/answer': json(200, { id: 31, answer: '已入户说明，方案第 3 页有 3 号楼的内容。', answered_at: new Date().toISOString() }),
    })
    const { wrapper } = await mountStaff('/projects/2/results')
    await wrapper.get('[data-testid=publish-preliminary]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ kind: 'preliminary' })
    expect(wrapper.get('[data-testid=notice-preliminary]').text()).toContain('表决结果初步公示')
    expect(wrapper.get('[data-testid=notice-preliminary]').text()).toContain('66 / 72 户参与')
    const blockers = wrapper.get('[data-testid=final-blockers]').text()
    expect(blockers).toContain('异议期到')
    expect(blockers).toContain('还有 1 条异议没有答复')
    expect(wrapper.get('[data-testid=publish-final]').attributes('disabled')).toBeDefined()

    const objection = wrapper.get('[data-testid=objection]')
    expect(objection.text()).toContain('3号楼 502 室')
    await objection.get('textarea').setValue('已入户说明，方案第 3 页有 3 号楼的内容。')
    await objection.get('form').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.path === '/api/v1/objections/31/answer')!.body).toEqual({ answer: '已入户说明，方案第 3 页有 3 号楼的内容。' })
    expect(wrapper.get('[data-testid=final-blockers]').text()).not.toContain('没有答复')
    wrapper.unmount()
  })

  it('downloads the consent roll with the token', async () => {
    signInStaff()
    const created: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      created.push(b as Blob)
      return 'blob:roll'
    })
    const { calls } = mockFetch({
      'GET /api/v1/projects/2': json(200, project()),
      'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
      'GET /api/v1/projects/2/consent': json(200, consent({ voting_status: 'closed' })),
      'GET /api/v1/projects/2/consent/notices': json(200, { items: [] }),
      'GET /api/v1/projects/2/objections': json(200, { items: [] }),
      'GET /api/v1/projects/2/consent/roll.xlsx': blob(new Uint8Array([0x50, 0x4b, 3, 4]), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    })
    const { wrapper } = await mountStaff('/projects/2/results')
    await wrapper.get('[data-testid=roll-download]').trigger('click')
    await flushPromises()
    const call = calls.find((c) => c.path.endsWith('roll.xlsx'))!
    expect(call.headers.Authorization).toBe('Bearer staff-jwt')
    expect(created).toHaveLength(1)
    expect(created[0]!.size).toBe(4)
    wrapper.unmount()
  })
})

describe('needs poll results', () => {
  it('ranks what households want, for the community and per building, with respondents and notes', async () => {
    signInStaff()
    mockFetch({
      'GET /api/v1/projects/2': json(200, project({ current_plan_id: null })),
      'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
      'GET /api/v1/projects/2/needs': json(200, {
        eligible: 72,
        respondents: 30,
        items: [
          { catalog_code: '26', name_zh: '加装电梯', name_en: 'Lifts', category: 'upgrade', count: 21, share: 0.7 },
          { catalog_code: '01', name_zh: '屋顶', name_en: 'Roof repair', category: 'basic', count: 12, share: 0.4 },
        ],
        buildings: [
          { building_id: 1, name: '1号楼', eligible: 24, respondents: 10, items: [{ catalog_code: '01', count: 8 }, { catalog_code: '26', count: 3 }] },
        ],
        notes: [{ building_name: '1号楼', room: '301', note: '楼道灯坏了很久', updated_at: new Date().toISOString() }],
      }),
    })
    const { wrapper } = await mountStaff('/projects/2/needs')
    expect(wrapper.get('[data-testid=needs-respondents]').text()).toContain('30 户参与点单，共 72 户')
    let rows = wrapper.findAll('[data-testid=needs-row]')
    expect(rows[0]!.text()).toContain('加装电梯')
    expect(rows[0]!.text()).toContain('70%')
    expect(wrapper.find('[data-testid=needs-chart]').attributes('role')).toBe('img')
    const select = wrapper.findAllComponents({ name: 'ElSelect' })[0]!
    select.vm.$emit('update:modelValue', 1)
    await flushPromises()
    rows = wrapper.findAll('[data-testid=needs-row]')
    expect(rows[0]!.text()).toContain('屋顶')
    expect(rows[0]!.text()).toContain('80%')
    expect(wrapper.get('[data-testid=needs-respondents]').text()).toContain('10 户参与点单，共 24 户')
    expect(wrapper.get('[data-testid=needs-note]').text()).toContain('楼道灯坏了很久')
    wrapper.unmount()
  })
})

describe('audit log', () => {
  it('lists who did what and when, newest first, with the details readable', async () => {
    signInStaff()
    mockFetch({
      'GET /api/v1/projects/2': json(200, project()),
      'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
      'GET /api/v1/projects/2/audit': json(200, {
        items: [
          { id: 88, at: '2024-05-20T08:00:00Z', actor: 'staff:jianshe', action: 'plan.publish', subject_type: 'plan', subject_id: 7, detail: '{"version":1}' },
        ],
      }),
    })
    const { wrapper } = await mountStaff('/projects/2/audit')
    const row = wrapper.get('[data-testid=audit-row]')
    expect(row.text()).toContain('jianshe')
    expect(row.text()).toContain('公布方案 (plan.publish)')
    expect(row.text()).toContain('version: 1')
    wrapper.unmount()
  })
})
