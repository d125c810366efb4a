// A project after the vote (issue 4): its stage and why a step is refused,
// the acceptance, progress posts with photos, follow-up visits,
// satisfaction, and Open311 keys shown once.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import type { Project } from '../api/contract'
import type { ProjectStageFields } from './lib/stages'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { mountStaff, project, signInStaff } from '../test/mountStaff'
import { endStaffSession } from './session'
import { resetComplaintMeta } from './lib/complaintMeta'
import { formatDeadline } from './lib/beijingTime'

vi.mock('./ui/confirm', () => ({ confirmAction: vi.fn(async () => true) }))

beforeEach(() => {
  endStaffSession()
  resetComplaintMeta()
})

const staged = (over: Partial<Project & ProjectStageFields> = {}) => ({ ...project(), stage: 'planning', accepted_on: null, handed_over_at: null, ...over })
const common = {
  'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
  'GET /api/v1/complaints/meta': json(200, { statuses: [], categories: [], unit_kinds: [], warranty_kinds: [] }),
}

describe('project stage', () => {
  it('shows the stage and lists the reasons a step was refused', async () => {
    signInStaff()
    const { calls } = mockFetch({
      ...common,
      'GET /api/v1/projects/2': json(200, staged()),
      'GET /api/v1/projects/2/stages': json(200, { items: [{ from: 'mobilization', to: 'planning', at: '2024-04-01T02:00:00Z', by: 'jianshe', note: '' }] }),
      'POST /api/v1/projects/2/transitions': apiError(409, 'transition_refused', 'The project cannot move to "construction".', {
        reasons: ["the residents' consent has not reached the threshold on the current plan", 'a future reason'],
        reason_codes: ['consent_not_reached', 'some_new_code'],
      }),
    })
    const { wrapper } = await mountStaff('/projects/2/stage')
    expect(wrapper.get('[data-testid=project-stage]').text()).toBe('阶段：制定方案')
    expect(wrapper.get('[data-testid=stage-planning]').attributes('aria-current')).toBe('step')
    expect(wrapper.get('[data-testid=stage-event]').text()).toContain('jianshe')
    await wrapper.get('[data-testid=stage-note]').setValue('施工队已进场')
    await wrapper.get('[data-testid=stage-advance]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ to: 'construction', note: '施工队已进场' })
    const refused = wrapper.get('[data-testid=stage-refused]')
    expect(refused.text()).toContain('不能进入“组织施工”')
    // Known codes in Chinese; a code the console does not know yet keeps the server's sentence.
    expect(refused.findAll('li').map((l) => l.text())).toEqual([
      '居民表决还没有达到门槛（方案和物业管理模式各需达到规定比例）',
      'a future reason',
    ])
    wrapper.unmount()
  })

  it('records a passed acceptance in the acceptance stage', async () => {
    signInStaff()
    let accepted = false
    const { calls } = mockFetch({
      ...common,
      'GET /api/v1/projects/2': () => json(200, staged({ stage: 'acceptance', accepted_on: accepted ? '2024-10-08' : null })),
      'GET /api/v1/projects/2/stages': json(200, { items: [] }),
      'POST /api/v1/projects/2/acceptance': () => {
        accepted = true
        return json(200, { passed: true })
      },
    })
    const { wrapper } = await mountStaff('/projects/2/stage')
    expect(wrapper.get('[data-testid=accepted-on]').text()).toBe('尚未')
    await wrapper.get('[data-testid=acceptance-date]').setValue('2024-10-08')
    await wrapper.get('[data-testid=acceptance-pass] input').setValue(true)
    await wrapper.get('[data-testid=acceptance-note]').setValue('质监站现场验收合格')
    await wrapper.get('[data-testid=acceptance-form]').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ inspected_on: '2024-10-08', passed: true, note: '质监站现场验收合格' })
    expect(wrapper.get('[data-testid=accepted-on]').text()).toBe('2024-10-08')
    wrapper.unmount()
  })
})

describe('progress posts', () => {
  it('sends text, item, author and photos as one multipart form', async () => {
    signInStaff()
    const post = { id: 5, project_id: 2, catalog_code: '05', catalog_name: '屋面防水', text: '1号楼屋面防水完成', author: '宏达建设', photos: [{ url: '/api/v1/photos/x' }], created_at: new Date().toISOString() }
    const { calls } = mockFetch({
      ...common,
      'GET /api/v1/projects/2': json(200, staged({ stage: 'construction' })),
      'GET /api/v1/projects/2/updates': json(200, { items: [] }),
      'GET /api/v1/catalog': json(200, { items: [{ code: '05', category: 'basic', name_zh: '屋面防水', name_en: 'Roof waterproofing', content: '', standard: '' }] }),
      'POST /api/v1/projects/2/updates': json(201, post),
    })
    const { wrapper } = await mountStaff('/projects/2/progress')
    await wrapper.get('[data-testid=progress-form]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid=progress-problems]').text()).toContain('请写明进展情况')
    await wrapper.get('textarea[data-testid=progress-text]').setValue('1号楼屋面防水完成')
    await wrapper.get('input[data-testid=progress-author]').setValue('宏达建设')
    wrapper.findAllComponents({ name: 'ElSelect' }).find((s) => s.attributes('data-testid') === 'progress-item')!.vm.$emit('update:modelValue', '05')
    const upload = wrapper.findComponent({ name: 'ElUpload' })
    const photo = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'roof.jpg', { type: 'image/jpeg' })
    ;(upload.vm as unknown as { handleStart: (f: File) => void }).handleStart(photo)
    await flushPromises()
    await wrapper.get('[data-testid=progress-form]').trigger('submit')
    await flushPromises()
    const body = calls.find((c) => c.method === 'POST')!.body as FormData
    expect(body).toBeInstanceOf(FormData)
    expect(body.get('text')).toBe('1号楼屋面防水完成')
    expect(body.get('catalog_code')).toBe('05')
    expect(body.get('author')).toBe('宏达建设')
    expect(body.getAll('photos')).toHaveLength(1)
    expect(wrapper.get('[data-testid=progress-post]').text()).toContain('1号楼屋面防水完成')
    wrapper.unmount()
  })
})

describe('follow-up visits and satisfaction', () => {
  it('records a visit with only what was given', async () => {
    signInStaff()
    const { calls } = mockFetch({
      ...common,
      'GET /api/v1/projects/2': json(200, staged({ stage: 'handed_over' })),
      'GET /api/v1/projects/2/visits': json(200, { items: [] }),
      'GET /api/v1/complaints': json(200, { items: [], total: 0 }),
      'POST /api/v1/projects/2/visits': (call) => json(201, { id: 1, project_id: 2, by: 'jianshe', ...(call.body as object), visited_on: '2024-11-02T00:00:00Z' }),
    })
    const { wrapper } = await mountStaff('/projects/2/visits')
    await wrapper.get('input[data-testid=visit-date]').setValue('2024-11-02')
    await wrapper.get('textarea[data-testid=visit-note]').setValue('楼道灯已修好，住户满意')
    await wrapper.get('[data-testid=visit-satisfied] input[value=yes]').setValue(true)
    await wrapper.get('[data-testid=visit-form]').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ visited_on: '2024-11-02', method: 'door', satisfied: true, note: '楼道灯已修好，住户满意' })
    expect(calls.find((c) => c.path.startsWith('/api/v1/complaints?'))!.path).toBe('/api/v1/complaints?project_id=2&limit=200')
    const row = wrapper.get('[data-testid=visit-row]').text()
    expect(row).toContain('2024-11-02')
    expect(row).toContain('入户')
    expect(row).toContain('jianshe')
    wrapper.unmount()
  })

  it('shows the share of 4 and 5 per project, per aspect and per item', async () => {
    signInStaff()
    mockFetch({
      ...common,
      'GET /api/v1/projects/2': json(200, staged({ stage: 'handed_over' })),
      'GET /api/v1/projects/2/satisfaction': json(200, {
        ratings: 40,
        households: 72,
        rate: 0.85,
        average: 4.31,
        dimensions: { overall: { count: 40, rate: 0.85, average: 4.31 }, quality: { count: 40, rate: 0.8, average: 4.1 } },
        items: [{ catalog_code: '05', name: '屋面防水', count: 12, rate: null, average: null }],
        comments: [{ at: '2024-11-01T02:00:00Z', overall: 5, comment: '不漏水了' }],
      }),
    })
    const { wrapper } = await mountStaff('/projects/2/satisfaction')
    expect(wrapper.get('[data-testid=satisfaction-headline]').text()).toBe('40 户评价（共 72 户），满意率 85%，平均 4.31 分')
    const dims = wrapper.findAll('[data-testid=dimension-row]')
    expect(dims.map((d) => d.get('th').text())).toEqual(['总体', '工程质量'])
    expect(dims[1]!.text()).toContain('80%')
    expect(wrapper.get('[data-testid=item-row]').text()).toContain('—')
    expect(wrapper.get('[data-testid=rating-comment]').text()).toContain('不漏水了')
    wrapper.unmount()
  })
})

describe('Open311 keys', () => {
  it('shows a new key once with a copy button; committee staff do not see the page', async () => {
    signInStaff('district')
    const writeText = vi.fn(async () => {})
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const { calls } = mockFetch({
      'GET /api/v1/districts/1': json(200, { id: 1, name: '驿城区' }),
      'GET /api/v1/api-keys': json(200, { items: [] }),
      'POST /api/v1/api-keys': json(201, { id: 3, name: '12345热线', key: 'o311_SECRET', district_id: 1, created_at: new Date().toISOString() }),
    })
    const { wrapper } = await mountStaff('/api-keys')
    await wrapper.get('input[data-testid=apikey-name]').setValue('12345热线')
    await wrapper.get('[data-testid=apikey-form]').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ name: '12345热线' })
    expect(wrapper.get('[data-testid=apikey-value]').text()).toBe('o311_SECRET')
    expect(wrapper.get('[data-testid=apikey-fresh]').text()).toContain('只显示这一次')
    await wrapper.get('[data-testid=apikey-copy]').trigger('click')
    expect(writeText).toHaveBeenCalledWith('o311_SECRET')
    expect(wrapper.get('[data-testid=apikey-row]').text()).not.toContain('o311_SECRET')
    wrapper.unmount()

    endStaffSession()
    signInStaff('committee')
    mockFetch({ 'GET /api/v1/projects': json(200, { items: [] }), 'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }) })
    const second = await mountStaff('/api-keys')
    expect(second.router.currentRoute.value.name).toBe('projects')
    expect(second.wrapper.find('[data-testid=nav-api-keys]').exists()).toBe(false)
    second.wrapper.unmount()
  })
})

describe('deadlines', () => {
  it('reads the end of a working day as 24:00 of that day, in Beijing time', () => {
    expect(formatDeadline('2024-06-04T16:00:00Z', 'zh-CN')).toBe('2024年6月4日 24:00')
    expect(formatDeadline('2024-06-04T08:30:00Z', 'zh-CN')).toContain('16:30')
  })
})
