// The pipeline in the console (issue 5): ledger registration, the five start
// criteria, issues to fix after acceptance, the districts' targets, the
// dashboard with every figure linking to its projects, the filtered project
// list and the monthly report.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import type { Dashboard, Project, StartCriteria } from '../api/contract'
import { apiError, blob, json, mockFetch } from '../test/fetchMock'
import { mountStaff, project, signInStaff } from '../test/mountStaff'
import { PNG } from '../test/staffFixtures'
import { endStaffSession } from './session'
import { todayInBeijing } from './lib/beijingTime'

vi.mock('./ui/confirm', () => ({ confirmAction: vi.fn(async () => true) }))

beforeEach(() => endStaffSession())

const district = { 'GET /api/v1/districts/1': json(200, { id: 1, name: '驿城区' }) }
const committee = { 'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }) }

function setNumber(wrapper: VueWrapper, id: string, value: number | null, within?: string) {
  const c = wrapper
    .findAllComponents({ name: 'ElInputNumber' })
    .find((x) => (within ? x.element.closest(within) !== null && x.attributes('data-testid') === id : x.find(`#${id}`).exists()))
  if (!c) throw new Error(`no number input ${id}`)
  c.vm.$emit('update:modelValue', value)
}

async function pickFile(wrapper: VueWrapper, selector: string, file: File) {
  const input = wrapper.get(selector)
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  await input.trigger('change')
}

describe('ledger registration (台账登记)', () => {
  it('refuses funding that does not add up and asks for a reason when the community is built after 2000', async () => {
    signInStaff('district')
    const registered = { ...project(), stage: 'survey', kind: 'new', registered_at: '2024-03-01T02:00:00Z', ledger_households: 72 } as Project
    const { calls } = mockFetch({
      ...district,
      'GET /api/v1/projects/2': json(200, project()),
      'PUT /api/v1/projects/2/ledger': [
        apiError(409, 'built_after_cutoff', '建设街小区 was built in 2003; the programme covers communities built before 2000. Give built_year_reason to register it anyway.', {
          built_year: 2003,
        }),
        json(200, registered),
      ],
    })
    const { wrapper } = await mountStaff('/projects/2/ledger')
    expect(wrapper.get('[data-testid=ledger-registered]').text()).toBe('尚未登记')
    await wrapper.get('[data-testid=ledger-kind-continuing] input').setValue(true)
    setNumber(wrapper, 'ledger-households', 72)
    setNumber(wrapper, 'ledger-buildings', 3)
    setNumber(wrapper, 'ledger-area', 5230.5)
    setNumber(wrapper, 'ledger-investment', 1280000)
    setNumber(wrapper, 'funding-central', 800000)
    await flushPromises()
    // Refused live: the sources fall short of the investment.
    expect(wrapper.get('[data-testid=funding-balance]').attributes('data-balanced')).toBe('false')
    expect(wrapper.get('[data-testid=ledger-problems]').text()).toContain('各项资金来源加起来必须等于估算总投资')
    await wrapper.get('input[data-testid=ledger-person]').setValue('王建国')
    await wrapper.get('[data-testid=ledger-form]').trigger('submit')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0)

    setNumber(wrapper, 'funding-residents', 480000)
    await flushPromises()
    expect(wrapper.find('[data-testid=ledger-problems]').exists()).toBe(false)
    await wrapper.get('input[data-testid=ledger-construction_unit]').setValue('宏达建设')
    await wrapper.get('[data-testid=ledger-form]').trigger('submit')
    await flushPromises()
    const first = calls.filter((c) => c.method === 'PUT')[0]!.body
    expect(first).toEqual({
      kind: 'continuing',
      households: 72,
      buildings: 3,
      floor_area_m2: 5230.5,
      investment_yuan: 1280000,
      funding: [
        { source: 'central', amount_yuan: 800000 },
        { source: 'residents', amount_yuan: 480000 },
      ],
      responsible_person: '王建国',
      construction_unit: '宏达建设',
    })
    // 409 built_after_cutoff: the server's sentence, and a reason is asked for.
    const cutoff = wrapper.get('[data-testid=ledger-cutoff]')
    expect(cutoff.text()).toContain('这个小区建于 2003 年，不在改造范围内')
    await wrapper.get('[data-testid=ledger-form]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid=ledger-cutoff]').text()).toContain('请写明纳入理由')
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1)
    await wrapper.get('textarea[data-testid=ledger-reason]').setValue('1998年主体竣工，2003年补办产权')
    await wrapper.get('[data-testid=ledger-form]').trigger('submit')
    await flushPromises()
    const second = calls.filter((c) => c.method === 'PUT')[1]!.body as Record<string, unknown>
    expect(second.built_year_reason).toBe('1998年主体竣工，2003年补办产权')
    expect(wrapper.get('[data-testid=ledger-registered]').text()).toContain('已登记')
    expect(wrapper.get('[data-testid=project-kind]').text()).toBe('新开工')
    wrapper.unmount()
  })
})

function criteria(over: Partial<StartCriteria> = {}): StartCriteria {
  return {
    project_id: 2,
    started: false,
    started_on: null,
    criteria: [
      { n: 1, name: '改造方案和物业管理模式完成征求群众意见并形成共识（80%以上同意）', met: true, computed: true, detail: 'the plan and the management mode reached the threshold' },
      {
        n: 2,
        name: '完成违章建筑和临时建筑拆除',
        met: true,
        computed: false,
        confirmed_on: '2024-05-20',
        person: '城管局 李',
        note: '拆除3处',
        evidence_url: '/api/v1/projects/2/start-criteria/2/evidence',
        by: 'jianshe',
        at: '2024-05-21T02:00:00Z',
      },
      { n: 3, name: '完成项目设计并在小区内公示', met: false, computed: false },
      { n: 4, name: '已有确定的施工队伍并签订施工合同', met: false, computed: false },
      { n: 5, name: '施工队伍进场且现场有明显的形象进度', met: false, computed: false },
    ],
    ...over,
  }
}

describe('start criteria (开工认定标准)', () => {
  it('computes criterion 1 from the vote and confirms 2–5 with a date, a person and evidence', async () => {
    signInStaff()
    const confirmed = criteria()
    confirmed.criteria[2] = { ...confirmed.criteria[2]!, met: true, confirmed_on: '2024-06-01', person: '设计院 张', by: 'jianshe', evidence_url: '/x' }
    const { calls } = mockFetch({
      ...committee,
      'GET /api/v1/projects/2': json(200, project()),
      'GET /api/v1/projects/2/start-criteria': json(200, criteria()),
      'PUT /api/v1/projects/2/start-criteria/3': json(200, confirmed),
      'GET /api/v1/projects/2/start-criteria/2/evidence': blob(PNG, 'image/png'),
    })
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => 'blob:evidence')
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    const { wrapper } = await mountStaff('/projects/2/criteria')
    expect(wrapper.get('[data-testid=criteria-not-started]').text()).toContain('第 3、4、5 项')
    const one = wrapper.get('[data-testid=criterion-1]')
    expect(one.text()).toContain('方案和物业管理模式都已达到同意门槛')
    expect(one.find('[data-testid=criterion-confirm-1]').exists()).toBe(false)
    expect(one.find('form').exists()).toBe(false)
    const two = wrapper.get('[data-testid=criterion-2]')
    expect(two.get('[data-testid=criterion-date-2]').text()).toBe('2024-05-20')
    expect(two.text()).toContain('城管局 李')
    expect(two.get('[data-testid=criterion-by-2]').text()).toContain('jianshe')

    // The evidence needs the token: fetched as a blob, shown through an object URL.
    await two.get('[data-testid=criterion-evidence-2]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.path.endsWith('/evidence'))!.headers.Authorization).toBe('Bearer staff-jwt')
    expect(document.body.querySelector('[data-testid=evidence-image]')?.getAttribute('src')).toBe('blob:evidence')

    await wrapper.get('[data-testid=criterion-confirm-3]').trigger('click')
    await wrapper.get('[data-testid=criterion-form-3]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid=criterion-problems]').text()).toContain('请上传照片或 PDF 文件作为依据')
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0)
    await wrapper.get('input[data-testid=criterion-date]').setValue('2024-06-01')
    await wrapper.get('input[data-testid=criterion-person]').setValue('设计院 张')
    await pickFile(wrapper, '[data-testid=criterion-file]', new File(['%PDF-1.4'], 'design.pdf', { type: 'application/pdf' }))
    await wrapper.get('[data-testid=criterion-form-3]').trigger('submit')
    await flushPromises()
    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.path).toBe('/api/v1/projects/2/start-criteria/3')
    const body = put.body as FormData
    expect(body).toBeInstanceOf(FormData)
    expect(body.get('confirmed_on')).toBe('2024-06-01')
    expect(body.get('person')).toBe('设计院 张')
    expect((body.get('evidence') as File).name).toBe('design.pdf')
    expect(wrapper.get('[data-testid=criterion-met-3]').text()).toBe('已满足')
    wrapper.unmount()
  })

  it('says clearly when the project has started', async () => {
    signInStaff()
    const all = criteria({ started: true, started_on: '2024-06-10T00:00:00Z' })
    all.criteria = all.criteria.map((c) => ({ ...c, met: true }))
    mockFetch({
      ...committee,
      'GET /api/v1/projects/2': json(200, { ...project(), started_on: '2024-06-10T00:00:00Z' }),
      'GET /api/v1/projects/2/start-criteria': json(200, all),
    })
    const { wrapper } = await mountStaff('/projects/2/criteria')
    expect(wrapper.get('[data-testid=criteria-started]').text()).toBe('已开工（开工日期 2024-06-10）')
    expect(wrapper.get('[data-testid=project-started]').text()).toBe('已开工 2024-06-10')
    wrapper.unmount()
  })
})

describe('acceptance and issues to fix (整改)', () => {
  it('sends the issues with the inspection and closes one only with a note', async () => {
    signInStaff()
    const open = { id: 5, project_id: 2, description: '3号楼雨水管破损', deadline: '2099-10-20T00:00:00Z', closed_at: null, close_note: '' }
    const fresh = { id: 6, project_id: 2, description: '路面修补不平', deadline: '2024-10-22T00:00:00Z', closed_at: null, close_note: '' }
    const { calls } = mockFetch({
      ...committee,
      'GET /api/v1/projects/2': json(200, { ...project(), stage: 'acceptance' }),
      'GET /api/v1/projects/2/stages': json(200, { items: [] }),
      'GET /api/v1/projects/2/rectifications': [json(200, { items: [open] }), json(200, { items: [open, fresh] })],
      'POST /api/v1/projects/2/acceptance': json(201, { id: 1, passed: true }),
      'POST /api/v1/rectifications/5/close': (call) => json(200, { ...open, closed_at: '2024-10-18T02:00:00Z', close_note: (call.body as { note: string }).note }),
    })
    const { wrapper } = await mountStaff('/projects/2/stage')
    expect(wrapper.get('[data-testid=rectification-state]').text()).toBe('待整改')
    await wrapper.get('[data-testid=rect-add]').trigger('click')
    await wrapper.get('[data-testid=rect-add]').trigger('click')
    expect(wrapper.findAll('[data-testid=rectification-row]')).toHaveLength(2)
    await wrapper.findAll('[data-testid=rect-remove]')[1]!.trigger('click')
    expect(wrapper.findAll('[data-testid=rectification-row]')).toHaveLength(1)
    await wrapper.get('input[data-testid=acceptance-date]').setValue('2024-10-08')
    await wrapper.get('[data-testid=acceptance-pass] input').setValue(true)
    await wrapper.get('[data-testid=acceptance-form]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid=acceptance-problems]').text()).toContain('第 1 条问题：请写明要整改什么')
    await wrapper.get('input[data-testid=rect-description]').setValue('路面修补不平')
    await wrapper.get('input[data-testid=rect-deadline]').setValue('2024-10-22')
    await wrapper.get('[data-testid=acceptance-form]').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.path.endsWith('/acceptance'))!.body).toEqual({
      inspected_on: '2024-10-08',
      passed: true,
      note: '',
      rectifications: [{ description: '路面修补不平', deadline: '2024-10-22' }],
    })
    expect(wrapper.findAll('[data-testid=rectification]')).toHaveLength(2)
    expect(wrapper.get('[data-testid=rectifications-open]').text()).toContain('还有 2 项待整改')

    await wrapper.get('[data-testid=rectification-close]').trigger('click')
    await wrapper.get('[data-testid=rectification-close-form]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid=rectification-note-error]').text()).toBe('请写明整改情况')
    expect(calls.filter((c) => c.path.includes('/rectifications/5/close'))).toHaveLength(0)
    await wrapper.get('textarea[data-testid=rectification-note]').setValue('已更换雨水管并复查合格')
    await wrapper.get('[data-testid=rectification-close-form]').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.path === '/api/v1/rectifications/5/close')!.body).toEqual({ note: '已更换雨水管并复查合格' })
    expect(wrapper.findAll('[data-testid=rectification-state]').map((s) => s.text())).toEqual(['已整改', '待整改'])
    wrapper.unmount()
  })

  it('translates the refusals that name a criterion or count the open issues', async () => {
    signInStaff()
    mockFetch({
      ...committee,
      'GET /api/v1/projects/2': json(200, { ...project(), stage: 'planning' }),
      'GET /api/v1/projects/2/stages': json(200, { items: [] }),
      'POST /api/v1/projects/2/transitions': apiError(409, 'transition_refused', 'refused', {
        reasons: ['start criterion 3 (完成项目设计并在小区内公示) has not been confirmed', 'criterion four is missing', '2 issue(s) found at acceptance are still to be rectified'],
        reason_codes: ['criterion_missing', 'criterion_missing', 'rectifications_open'],
      }),
    })
    const { wrapper } = await mountStaff('/projects/2/stage')
    expect(wrapper.get('[data-testid=stage-criteria-link]').attributes('href')).toBe('/staff/projects/2/criteria')
    await wrapper.get('[data-testid=stage-advance]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid=stage-refused]').findAll('li').map((l) => l.text())).toEqual([
      '开工认定标准第 3 项“完成项目设计并在小区内公示”尚未确认',
      'criterion four is missing',
      '验收发现的问题还有 2 项没有整改完成',
    ])
    wrapper.unmount()
  })
})

describe('targets (任务目标)', () => {
  it('lets city staff set a district’s households for the year', async () => {
    signInStaff('city')
    const year = Number(todayInBeijing().slice(0, 4))
    const { calls } = mockFetch({
      'GET /api/v1/districts': json(200, { items: [{ id: 1, name: '驿城区' }, { id: 2, name: '遂平县' }] }),
      [`GET /api/v1/districts/1/targets/${year}`]: json(200, { district_id: 1, year, start_households: 4804, complete_households: 3363, continuing_households: 962 }),
      [`GET /api/v1/districts/2/targets/${year}`]: apiError(404, 'target_not_found', 'no target'),
      [`PUT /api/v1/districts/2/targets/${year}`]: (call) => json(200, { district_id: 2, year, ...(call.body as object) }),
    })
    const { wrapper } = await mountStaff('/targets')
    expect(wrapper.get('[data-testid=target-row-2]').text()).toContain('未设定')
    expect(wrapper.get('[data-testid=target-total-start_households]').text()).toBe('4804')
    setNumber(wrapper, 'target-start_households', 475, '[data-testid=target-row-2]')
    setNumber(wrapper, 'target-complete_households', 333, '[data-testid=target-row-2]')
    await flushPromises()
    await wrapper.get('[data-testid=target-row-2] [data-testid=target-save]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid=target-row-2]').text()).toContain('三项都要填写')
    setNumber(wrapper, 'target-continuing_households', 328, '[data-testid=target-row-2]')
    await flushPromises()
    await wrapper.get('[data-testid=target-row-2] [data-testid=target-save]').trigger('click')
    await flushPromises()
    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.path).toBe(`/api/v1/districts/2/targets/${year}`)
    expect(put.body).toEqual({ start_households: 475, complete_households: 333, continuing_households: 328 })
    expect(wrapper.get('[data-testid=target-total-start_households]').text()).toBe('5279')
    wrapper.unmount()
  })
})

function dashboard(year: number): Dashboard {
  const progress = (id: number, name: string, rank: number, start: number, started: number) => ({
    district_id: id,
    district_name: name,
    year,
    as_of: `${year}-07-15`,
    rank,
    target: { district_id: id, year, start_households: start, complete_households: Math.round(start * 0.7), continuing_households: 100, updated_at: `${year}-01-10T02:00:00Z` },
    started_households: started,
    completed_households: 50,
    continuing: { households: 100, done_households: 100, projects: 1, done_projects: 1 },
    rates: { start: started / start, complete: 0.1, continuing: 1 },
    milestones: [
      { code: 'jun30', date: `${year}-06-30`, label: '6月底前', status: rank === 1 ? 'met' : 'missed', required: start / 2, actual: started },
      { code: 'oct31', date: `${year}-10-31`, label: '10月底前', status: rank === 1 ? 'on_track' : 'at_risk', required: start, actual: started },
      { code: 'dec31', date: `${year}-12-31`, label: '12月底前', status: 'on_track', required: start * 0.7, actual: 50 },
    ],
  })
  return {
    year,
    as_of: `${year}-07-15`,
    districts: [progress(2, '遂平县', 2, 475, 100), progress(1, '驿城区', 1, 4804, 3000)],
    months: Array.from({ length: 12 }, (_, k) => ({
      month: `${year}-${String(k + 1).padStart(2, '0')}`,
      started_households: k === 4 ? 3100 : 0,
      completed_households: 0,
      started_households_to_date: k >= 4 ? 3100 : 0,
      completed_households_to_date: 0,
    })),
    stages: { survey: 1, mobilization: 0, planning: 2, construction: 4, acceptance: 1, handed_over: 0 },
    consent: { projects: 8, plan_published: 6, voting: 1, reached: 5 },
    complaints: { opened: 30, closed: 20, open: 10, overdue: 2 },
    satisfaction: { ratings: 40, rate: 0.85 },
  }
}

describe('dashboard (看板)', () => {
  it('ranks the districts with their milestones and opens the projects behind a figure', async () => {
    signInStaff('city')
    const year = Number(todayInBeijing().slice(0, 4))
    const { calls } = mockFetch({
      'GET /api/v1/dashboard': json(200, dashboard(year)),
      'GET /api/v1/districts': json(200, { items: [{ id: 1, name: '驿城区' }, { id: 2, name: '遂平县' }] }),
      'GET /api/v1/projects': json(200, { items: [{ ...project(), stage: 'construction' }] }),
    })
    const { wrapper, router } = await mountStaff('/dashboard')
    expect(calls.find((c) => c.path.startsWith('/api/v1/dashboard'))!.path).toBe(`/api/v1/dashboard?year=${year}`)
    const rows = wrapper.findAll('[data-testid=ranking] tbody tr')
    expect(rows.map((r) => r.get('[data-testid=rank]').text())).toEqual(['1', '2'])
    expect(rows[0]!.text()).toContain('驿城区')
    const tags = (r: number) => rows[r]!.findAll('[data-status]').map((t) => t.attributes('data-status'))
    expect(tags(0)).toEqual(['met', 'on_track', 'on_track'])
    expect(tags(1)).toEqual(['missed', 'at_risk', 'on_track'])
    expect(rows[0]!.get('[data-testid=milestone-jun30]').classes()).toContain('el-tag--success')
    expect(rows[1]!.get('[data-testid=milestone-jun30]').classes()).toContain('el-tag--danger')
    expect(rows[1]!.get('[data-testid=milestone-oct31]').classes()).toContain('el-tag--warning')
    expect(rows[0]!.get('[data-testid=milestone-oct31]').text()).toContain('10月31日 进度正常')
    expect(wrapper.get('[data-testid=fig-stage-construction]').text()).toContain('4')
    expect(wrapper.get('[data-testid=fig-complaints-overdue]').text()).toBe('2')

    await wrapper.get('[data-testid=fig-started-1]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('projects')
    expect(router.currentRoute.value.query).toEqual({ year: String(year), district_id: '1', kind: 'new', started: 'true' })
    expect(calls.at(-1)!.path).toBe(`/api/v1/projects?year=${year}&district_id=1&kind=new&started=true`)
    expect(wrapper.get('[data-testid=project-filters]').text()).toContain('已开工')
    wrapper.unmount()
  })

  it('downloads the monthly report with the token', async () => {
    signInStaff('district')
    const year = Number(todayInBeijing().slice(0, 4))
    const created: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      created.push(b as Blob)
      return 'blob:report'
    })
    const { calls } = mockFetch({
      ...district,
      'GET /api/v1/dashboard': json(200, { ...dashboard(year), districts: [dashboard(year).districts[1]!] }),
      'GET /api/v1/reports/monthly.xlsx': blob(new Uint8Array([0x50, 0x4b, 3, 4]), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    })
    const { wrapper } = await mountStaff('/dashboard')
    await wrapper.get('input[data-testid=monthly-month]').setValue(`${year}-01`)
    await wrapper.get('[data-testid=monthly-report]').trigger('submit')
    await flushPromises()
    const call = calls.find((c) => c.path.startsWith('/api/v1/reports/'))!
    expect(call.path).toBe(`/api/v1/reports/monthly.xlsx?district_id=1&month=${year}-01`)
    expect(call.headers.Authorization).toBe('Bearer staff-jwt')
    expect(created).toHaveLength(1)
    wrapper.unmount()
  })

  it('is not offered to committee staff', async () => {
    signInStaff('committee')
    mockFetch({ ...committee, 'GET /api/v1/projects': json(200, { items: [] }) })
    const { wrapper, router } = await mountStaff('/dashboard')
    expect(router.currentRoute.value.name).toBe('projects')
    expect(wrapper.find('[data-testid=nav-dashboard]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('project list filters', () => {
  it('reads the filters from the address, shows them and clears them', async () => {
    signInStaff('city')
    const { calls } = mockFetch({
      'GET /api/v1/projects': json(200, { items: [{ ...project(), stage: 'construction' }] }),
    })
    const { wrapper, router } = await mountStaff('/?year=2022&district_id=1&stage=construction&completed=false&bogus=1')
    expect(calls[0]!.path).toBe('/api/v1/projects?year=2022&district_id=1&stage=construction&completed=false')
    const chips = wrapper.get('[data-testid=project-filters]').text()
    expect(chips).toContain('2022 年')
    expect(chips).toContain('县区：驿城区')
    expect(chips).toContain('阶段：组织施工')
    expect(chips).toContain('未完成改造')
    await wrapper.get('[data-testid=project-filters-clear]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({})
    expect(calls.at(-1)!.path).toBe('/api/v1/projects')
    expect(wrapper.find('[data-testid=project-filters]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('annual plan adjustment (年度计划调整)', () => {
  it('shows original and current totals and sends the swap with who approved it', async () => {
    signInStaff('city')
    const year = new Date().getFullYear()
    const totals = { communities: 2, buildings: 4, households: 500, floor_area_m2: 3600, investment_yuan: 5000000 }
    let adjusted = false
    const { calls } = mockFetch({
      ...district,
      'GET /api/v1/communities?district_id=1': json(200, { items: [] }),
      [`GET /api/v1/districts/1/annual-plan/${year}`]: () =>
        json(200, {
          district_id: 1,
          year,
          original: totals,
          current: adjusted ? { ...totals, households: 560 } : totals,
          open_until: `${year + 1}-03-31`, // still open whatever day the test runs
          adjustments: adjusted
            ? [{ id: 1, district_id: 1, year, withdrawn: [11], added: [13], reason: '居民意见不一致', approved_by: '驿城区人民政府', approval_ref: '', by: 'chief', created_at: '2026-03-02T02:00:00Z', totals: { original: totals, before: totals, after: totals } }]
            : [],
        }),
      [`GET /api/v1/projects?year=${year}&district_id=1`]: json(200, {
        items: [
          project({ id: 11, community_name: '乙小区', registered_at: '2026-01-05T00:00:00Z', plan_status: 'planned' }),
          project({ id: 13, community_name: '丁小区', registered_at: '2026-01-05T00:00:00Z', plan_status: 'reserve' }),
        ],
      }),
      'POST /api/v1/districts/1/adjustments': () => {
        adjusted = true
        return json(201, { id: 1 })
      },
    })
    const { wrapper } = await mountStaff('/registry/districts/1')
    await flushPromises()
    const plan = wrapper.get('[data-testid=annual-plan]')
    expect(plan.get('[data-testid=annual-totals]').text()).toContain('500')
    await plan.get('[data-testid=annual-form]').trigger('submit')
    expect(plan.get('[data-testid=annual-error]').text()).toBe('请至少选择一个撤出或换入的项目')
    const selects = plan.findAllComponents({ name: 'ElSelect' })
    selects[1]!.vm.$emit('update:modelValue', [11])
    selects[2]!.vm.$emit('update:modelValue', [13])
    await plan.get('input[data-testid=annual-reason], [data-testid=annual-reason] input').setValue('居民意见不一致')
    await plan.get('[data-testid=annual-form]').trigger('submit')
    expect(plan.get('[data-testid=annual-error]').text()).toBe('请填写调整原因和批准单位')
    await plan.get('input[data-testid=annual-approved-by], [data-testid=annual-approved-by] input').setValue('驿城区人民政府')
    await plan.get('[data-testid=annual-form]').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ year, withdraw: [11], add: [13], reason: '居民意见不一致', approved_by: '驿城区人民政府' })
    expect(wrapper.get('[data-testid=annual-adjustment]').text()).toContain('撤出：乙小区')
    expect(wrapper.get('[data-testid=annual-adjustment]').text()).toContain('换入：丁小区')
    wrapper.unmount()
  })

  it('offers no form once 31 March has passed', async () => {
    signInStaff('city')
    const year = new Date().getFullYear()
    const totals = { communities: 1, buildings: 1, households: 10, floor_area_m2: 1, investment_yuan: 1 }
    mockFetch({
      ...district,
      'GET /api/v1/communities?district_id=1': json(200, { items: [] }),
      [`GET /api/v1/districts/1/annual-plan/${year}`]: json(200, { district_id: 1, year, original: totals, current: totals, open_until: '2000-03-31', adjustments: [] }),
      [`GET /api/v1/projects?year=${year}&district_id=1`]: json(200, { items: [] }),
    })
    const { wrapper } = await mountStaff('/registry/districts/1')
    await flushPromises()
    expect(wrapper.get('[data-testid=annual-closed]').text()).toContain('2000-03-31')
    expect(wrapper.find('[data-testid=annual-form]').exists()).toBe(false)
    wrapper.unmount()
  })
})
