// Registering households and printing: the import's row-by-row report, code
// slips (8 per A4 page, code as ABCD-EFGH), the building poster with its
// deadline, new codes and a new QR token only after a warning, and the
// door-to-door sheet.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { json, mockFetch, blob, type Answer } from '../test/fetchMock'
import { mountStaff, project, signInStaff } from '../test/mountStaff'
import { PNG, building, community, consent, household } from '../test/staffFixtures'
import { formatDateTime } from '../shared/format'
import { endStaffSession } from './session'
import { confirmAction } from './ui/confirm'
import { clearSlipBatch } from './lib/printStore'
import { SLIPS_PER_PAGE, formatCode, paginate } from './lib/slips'

vi.mock('./ui/confirm', () => ({ confirmAction: vi.fn(async () => true) }))

beforeEach(() => {
  endStaffSession()
  clearSlipBatch()
  vi.mocked(confirmAction).mockClear()
})

function buildingRoutes(extra: Record<string, Answer | Answer[]> = {}) {
  return {
    'GET /api/v1/communities/1': json(200, community()),
    'GET /api/v1/buildings/3': json(200, building()),
    'GET /api/v1/buildings/3/qr.png': blob(PNG),
    'GET /api/v1/buildings/3/households': json(200, { items: [household(), household({ id: 13, room: '302', owner_masked: '李*' })] }),
    ...extra,
  }
}

async function chooseFile(wrapper: VueWrapper, testid: string, name: string) {
  const input = wrapper.get(`[data-testid=${testid}]`)
  Object.defineProperty(input.element, 'files', { value: [new File(['楼栋,单元,房号\n'], name)], configurable: true })
  await input.trigger('change')
}

describe('households of a building', () => {
  it('lists households with the owner masked', async () => {
    signInStaff()
    mockFetch(buildingRoutes())
    const { wrapper } = await mountStaff('/registry/buildings/3')
    const rows = wrapper.findAll('[data-testid=household-row]')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.get('[data-testid=household-owner]').text()).toBe('张*')
    expect(rows[0]!.text()).toContain('138****1234')
    expect(wrapper.get('[data-testid=building-title]').text()).toBe('建设街小区 1号楼')
    wrapper.unmount()
  })

  it('reports a rejected import row by row and imports nothing', async () => {
    signInStaff()
    const { calls } = mockFetch(
      buildingRoutes({
        'POST /api/v1/buildings/3/households:import': {
          status: 422,
          json: {
            error: { code: 'import_rejected', message: '2 rows are wrong.' },
            created: 0,
            errors: [
              { row: 7, message: '房号为空' },
              { row: 3, message: '面积不是数字：七十' },
            ],
          },
        },
      }),
    )
    const { wrapper } = await mountStaff('/registry/buildings/3')
    await chooseFile(wrapper, 'import-file', 'households.xlsx')
    await wrapper.get('[data-testid=import-upload]').trigger('click')
    await flushPromises()
    const post = calls.find((c) => c.method === 'POST')!
    expect((post.body as FormData).get('file')).toBeInstanceOf(File)
    expect(wrapper.get('[data-testid=import-error]').text()).toContain('表格有错误，一行都没有导入')
    const rows = wrapper.findAll('[data-testid=import-row-error]')
    expect(rows.map((r) => r.text())).toEqual(['第 3 行面积不是数字：七十', '第 7 行房号为空'])
    expect(wrapper.find('[data-testid=import-ok]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('after a good import offers the code slips, 8 to a page with the codes as ABCD-EFGH', async () => {
    signInStaff()
    const codes = Array.from({ length: 10 }, (_, i) => ({
      id: 100 + i,
      entrance: i < 5 ? '1单元' : '2单元',
      floor: (i % 5) + 1,
      room: `${(i % 5) + 1}0${i < 5 ? 1 : 2}`,
      code: `ab2${i}cd4${i}`.toUpperCase().replace(/[01]/g, '9'),
    }))
    mockFetch(buildingRoutes({ 'POST /api/v1/buildings/3/households:import': json(201, { created: 10, errors: [], households: codes }) }))
    const { wrapper, router } = await mountStaff('/registry/buildings/3')
    await chooseFile(wrapper, 'import-file', 'households.csv')
    await wrapper.get('[data-testid=import-upload]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid=import-ok]').text()).toContain('导入成功，共 10 户')
    await wrapper.get('[data-testid=import-print-slips]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('slips')
    const pages = wrapper.findAll('[data-testid=slip-page]')
    expect(pages).toHaveLength(2)
    expect(pages[0]!.findAll('[data-testid=slip]')).toHaveLength(8)
    expect(pages[1]!.findAll('[data-testid=slip]')).toHaveLength(2)
    const first = pages[0]!.get('[data-testid=slip]')
    expect(first.get('[data-testid=slip-code]').text()).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    expect(first.text()).toContain('建设街小区 1号楼')
    expect(first.get('[data-testid=slip-room]').text()).toBe('1单元 · 101 室')
    wrapper.unmount()
  })

  it('issues new codes only after warning that the old ones stop working', async () => {
    signInStaff()
    const { calls } = mockFetch(
      buildingRoutes({
        'POST /api/v1/buildings/3/codes:issue': json(200, {
          items: [{ household_id: 12, entrance: '1单元', floor: 3, room: '301', code: 'K7M2Q9XR' }],
        }),
      }),
    )
    const { wrapper } = await mountStaff('/registry/buildings/3')
    vi.mocked(confirmAction).mockResolvedValueOnce(false)
    await wrapper.get('[data-testid=issue-codes]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST')).toBe(false)
    expect(vi.mocked(confirmAction).mock.calls[0]![0].message).toContain('旧户码会立刻失效')
    await wrapper.get('[data-testid=issue-codes]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ household_ids: [] })
    expect(wrapper.get('[data-testid=slip-code]').text()).toBe('K7M2-Q9XR')
    wrapper.unmount()
  })

  it('replaces the QR token after a warning', async () => {
    signInStaff()
    const { calls } = mockFetch(buildingRoutes({ 'POST /api/v1/buildings/3/token:rotate': json(200, building({ token: 'new-tok' })) }))
    const { wrapper } = await mountStaff('/registry/buildings/3')
    await wrapper.get('[data-testid=rotate-token]').trigger('click')
    await flushPromises()
    expect(vi.mocked(confirmAction).mock.calls[0]![0].message).toContain('旧海报上的二维码会立刻失效')
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/v1/buildings/3/token:rotate')).toBe(true)
    wrapper.unmount()
  })
})

describe('slips', () => {
  it('formats codes with the hyphen in the middle and cuts pages of 8', () => {
    expect(formatCode('ab23cd45')).toBe('AB23-CD45')
    expect(formatCode('AB23-CD45')).toBe('AB23-CD45')
    expect(SLIPS_PER_PAGE).toBe(8)
    expect(paginate([...Array(17).keys()], SLIPS_PER_PAGE).map((p) => p.length)).toEqual([8, 8, 1])
  })

  it('says there is nothing to print without codes', async () => {
    signInStaff()
    mockFetch({ 'GET /api/v1/communities/1': json(200, community()) })
    const { wrapper } = await mountStaff('/print/slips')
    expect(wrapper.find('[data-testid=slips-empty]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=slip-page]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('poster', () => {
  it('shows the QR code, what it is in large Chinese type, the building and the voting deadline', async () => {
    signInStaff()
    const closes = '2024-05-31T10:00:00Z'
    const { calls } = mockFetch(
      buildingRoutes({
        'GET /api/v1/projects': json(200, { items: [project({ id: 2, current_plan_id: 7 })] }),
        'GET /api/v1/plans/7': json(200, { id: 7, voting_opens_at: '2024-05-01T00:00:00Z', voting_closes_at: closes }),
      }),
    )
    const { wrapper } = await mountStaff('/print/buildings/3/poster', 'en')
    await flushPromises()
    const poster = wrapper.get('[data-testid=poster]')
    expect(poster.attributes('lang')).toBe('zh-CN')
    expect(poster.get('[data-testid=poster-headline]').text()).toBe('扫码查看改造方案并投票')
    expect(poster.get('[data-testid=poster-where]').text()).toBe('建设街小区 · 1号楼')
    expect(poster.get('[data-testid=poster-deadline]').text()).toBe(`投票截止：${formatDateTime(closes, 'zh-CN')}`)
    expect(poster.get('[data-testid=poster-deadline]').text()).toContain('2024年5月31日')
    expect(poster.findAll('[data-testid=poster-steps] li')).toHaveLength(3)
    expect(poster.get('img.qr').attributes('src')).toMatch(/^blob:/)
    expect(calls.find((c) => c.path.endsWith('/qr.png'))!.headers.Authorization).toBe('Bearer staff-jwt')
    wrapper.unmount()
  })
})

describe('door-to-door sheet', () => {
  it('lists the households that have not voted by building and entrance, with boxes and a signature line', async () => {
    signInStaff()
    mockFetch({
      'GET /api/v1/communities/1': json(200, community()),
      'GET /api/v1/projects/2': json(200, project()),
      'GET /api/v1/projects/2/consent': json(200, consent()),
    })
    const { wrapper } = await mountStaff('/print/projects/2/door-to-door')
    const sheets = wrapper.findAll('[data-testid=door-building]')
    expect(sheets).toHaveLength(2)
    expect(sheets[0]!.findAll('h3').map((h) => h.text())).toEqual(['1单元', '2单元'])
    expect(sheets[0]!.findAll('[data-testid=door-row]')).toHaveLength(3)
    expect(sheets[0]!.text()).toContain('☐ 已上门')
    expect(sheets[0]!.text()).toContain('入户人员签名')
    expect(sheets[1]!.text()).toContain('2号楼')
    wrapper.unmount()
  })
})
