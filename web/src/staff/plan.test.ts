// Authoring a plan: the funding must add up to the total before the draft is
// saved (the difference is shown as it is typed), and publishing warns that a
// published plan cannot change and a new version restarts the vote.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { json, mockFetch } from '../test/fetchMock'
import { mountStaff, project, signInStaff } from '../test/mountStaff'
import { plan as publishedPlan } from '../test/fixtures'
import { endStaffSession } from './session'
import { confirmAction } from './ui/confirm'
import { fundingBalance } from './lib/funding'
import { fromBeijingInput, toBeijingInput } from './lib/beijingTime'

vi.mock('./ui/confirm', () => ({ confirmAction: vi.fn(async () => true) }))

beforeEach(() => {
  endStaffSession()
  vi.mocked(confirmAction).mockClear()
})

const catalog = [
  { code: '01', seq: 1, category: 'basic', name_zh: '屋顶', name_en: 'Roof repair', content: '屋顶维修', standard: '不渗漏' },
  { code: '03', seq: 3, category: 'improvement', name_zh: '围墙', name_en: 'Boundary walls', content: '围墙修缮', standard: '完好' },
  { code: '26', seq: 26, category: 'upgrade', name_zh: '加装电梯', name_en: 'Lifts', content: '加装电梯', standard: '验收合格' },
]

function draft(over: Record<string, unknown> = {}) {
  return { ...publishedPlan(), id: 9, version: 1, status: 'draft', published_at: null, attachments: [], ...over }
}

function setNumber(wrapper: VueWrapper, id: string, value: number) {
  const c = wrapper.findAllComponents({ name: 'ElInputNumber' }).find((x) => x.find(`#${id}`).exists())
  if (!c) throw new Error(`no number input #${id}`)
  c.vm.$emit('update:modelValue', value)
}

describe('funding', () => {
  it('adds up in fen, so 0.1 + 0.2 is exactly 0.3', () => {
    expect(fundingBalance(0.3, [0.1, 0.2, null]).balanced).toBe(true)
    expect(fundingBalance(1000, [600, 399.99]).diffFen).toBe(-1)
    expect(fundingBalance(null, [null, null]).balanced).toBe(true)
    expect(fundingBalance(null, [5]).balanced).toBe(false)
    expect(fundingBalance(10, [10.001]).invalid).toBe(true)
  })

  it('reads and writes deadlines in Beijing time', () => {
    expect(toBeijingInput('2024-05-31T16:00:00Z')).toBe('2024-06-01T00:00')
    expect(fromBeijingInput('2024-06-01T00:00')).toBe('2024-05-31T16:00:00.000Z')
  })
})

describe('plan editor', () => {
  it('refuses to save until the funding adds up to the total, showing the difference live', async () => {
    signInStaff()
    const { calls } = mockFetch({
      'GET /api/v1/projects/2': json(200, project({ current_plan_id: null })),
      'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
      'GET /api/v1/catalog': json(200, { items: catalog }),
      'GET /api/v1/projects/2/plans': json(200, { items: [] }),
      'POST /api/v1/projects/2/plans': json(201, draft()),
    })
    const { wrapper } = await mountStaff('/projects/2/plans/new')
    // Grouped basic / improvement / upgrade.
    expect(wrapper.findAll('[data-testid^=catalog-group-]').map((g) => g.find('legend').text())).toEqual(['基础类', '完善类', '提升类'])
    await wrapper.get('[data-testid=plan-title] ').setValue('建设街小区2024年改造方案')
    await wrapper.get('[data-testid=catalog-01] input').setValue(true)
    await wrapper.get('#item-desc-01').setValue('屋顶重做防水')
    setNumber(wrapper, 'item-budget-01', 1000)
    setNumber(wrapper, 'plan-total', 1000)
    setNumber(wrapper, 'funding-central', 600)
    await flushPromises()
    const balance = wrapper.get('[data-testid=funding-balance]')
    expect(balance.attributes('data-balanced')).toBe('false')
    expect(balance.text()).toBe('资金来源比总预算少 400 元')

    await wrapper.get('[data-testid=plan-save]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid=plan-problems]').text()).toContain('资金来源合计必须等于总预算')
    expect(calls.some((c) => c.method === 'POST')).toBe(false)

    setNumber(wrapper, 'funding-residents', 450)
    await flushPromises()
    expect(wrapper.get('[data-testid=funding-balance]').text()).toBe('资金来源比总预算多 50 元')
    setNumber(wrapper, 'funding-residents', 400)
    await flushPromises()
    expect(wrapper.get('[data-testid=funding-balance]').attributes('data-balanced')).toBe('true')
    await wrapper.get('[data-testid=plan-save]').trigger('click')
    await flushPromises()
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.body).toMatchObject({
      title: '建设街小区2024年改造方案',
      budget_total_yuan: 1000,
      funding: [
        { source: 'central', amount_yuan: 600 },
        { source: 'residents', amount_yuan: 400 },
      ],
      items: [{ catalog_code: '01', description: '屋顶重做防水', budget_yuan: 1000 }],
      management_mode: 'professional',
    })
    expect((post.body as { voting_opens_at: string }).voting_opens_at).toMatch(/Z$/)
    wrapper.unmount()
  })

  it('publishes a draft only after saying it cannot change and a new version restarts the vote', async () => {
    signInStaff()
    const d = draft({ budget_total_yuan: 1280000 })
    const { calls } = mockFetch({
      'GET /api/v1/projects/2': json(200, project({ current_plan_id: null })),
      'GET /api/v1/communities/1': json(200, { id: 1, name: '建设街小区' }),
      'GET /api/v1/catalog': json(200, { items: catalog }),
      'GET /api/v1/projects/2/plans': json(200, { items: [d] }),
      'GET /api/v1/plans/9': json(200, d),
      'PUT /api/v1/plans/9': json(200, d),
      'POST /api/v1/plans/9/publish': json(200, { ...d, status: 'published' }),
    })
    const { wrapper } = await mountStaff('/projects/2/plans/9')
    await wrapper.get('[data-testid=plan-publish]').trigger('click')
    await flushPromises()
    const msg = vi.mocked(confirmAction).mock.calls[0]![0].message
    expect(msg).toContain('公布后方案不能再修改')
    expect(msg).toContain('投票会重新开始')
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(expect.arrayContaining(['PUT /api/v1/plans/9', 'POST /api/v1/plans/9/publish']))
    expect(wrapper.get('[data-testid=plan-status]').text()).toBe('已公布')
    expect(wrapper.find('[data-testid=plan-save]').exists()).toBe(false)
    wrapper.unmount()
  })
})
