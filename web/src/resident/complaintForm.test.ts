// The complaint form: its checks (description 5–1000 characters, at most 9
// photos, a kind of problem), the photos with thumbnails that can be removed,
// the warranty box once the works are handed over, and what is sent.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { me, plan } from '../test/fixtures'
import { complaint, project, resetFeedbackState } from '../test/feedbackFixtures'
import { mountResident, resetResident, signedIn } from '../test/mountApp'
import { checkComplaint, photosThatFit } from './complaintRules'

beforeEach(() => {
  resetResident()
  resetFeedbackState()
  signedIn()
})

describe('checkComplaint', () => {
  const ok = { category: 'quality', description: '楼道灯不亮', photos: 0 }

  it('accepts 5 to 1000 characters, counting each Chinese character or emoji as one', () => {
    expect(checkComplaint(ok)).toEqual([])
    expect(checkComplaint({ ...ok, description: '灯不亮了' })).toEqual([{ field: 'description', kind: 'tooShort', min: 5, n: 4 }])
    expect(checkComplaint({ ...ok, description: '  灯坏了😡😡  ' })).toEqual([])
    expect(checkComplaint({ ...ok, description: '漏'.repeat(1000) })).toEqual([])
    expect(checkComplaint({ ...ok, description: '漏'.repeat(1001) })).toEqual([{ field: 'description', kind: 'tooLong', max: 1000, n: 1001 }])
  })

  it('needs a kind of problem and takes at most 9 photos', () => {
    expect(checkComplaint({ ...ok, category: '' })).toEqual([{ field: 'category', kind: 'missing' }])
    expect(checkComplaint({ ...ok, photos: 9 })).toEqual([])
    expect(checkComplaint({ ...ok, photos: 10 })).toEqual([{ field: 'photos', kind: 'tooMany', max: 9, n: 10 }])
  })

  it('lets only as many photos join as still fit', () => {
    expect(photosThatFit(0, 3)).toBe(3)
    expect(photosThatFit(7, 5)).toBe(2)
    expect(photosThatFit(9, 1)).toBe(0)
  })
})

const jpeg = (i: number) => new File([new Uint8Array([0xff, 0xd8, i])], `p${i}.jpg`, { type: 'image/jpeg' })

async function pick(input: { element: Element; trigger: (event: string) => Promise<void> }, files: File[]) {
  Object.defineProperty(input.element, 'files', { value: files, configurable: true })
  await input.trigger('change')
  await flushPromises()
}

function routes(p = project(), post: ReturnType<typeof json> = json(201, complaint({ id: 77 }))) {
  return {
    'GET /api/v1/me/plan': json(200, plan()),
    'GET /api/v1/me': json(200, me()),
    'GET /api/v1/me/project': json(200, p),
    'GET /api/v1/complaints/meta': 'offline' as const,
    'GET /api/v1/me/complaints': json(200, { items: [complaint({ id: 77 })] }),
    'POST /api/v1/me/complaints': post,
  }
}

describe('complaint form', () => {
  it('says what is missing and sends nothing', async () => {
    const { calls } = mockFetch(routes())
    const { wrapper } = await mountResident('/complaints/new')
    await wrapper.get('[data-testid=complaint-description]').setValue('漏水')
    await wrapper.get('[data-testid=complaint-form]').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('请选择问题类型')
    expect(wrapper.get('[data-testid=description-error]').text()).toBe('请至少写 5 个字，您写了 2 字')
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    // Fixing what was missing clears the messages at once.
    await wrapper.get('[data-testid=category-quality] input').setValue(true)
    await wrapper.get('[data-testid=complaint-description]').setValue('顶楼卧室漏水')
    await flushPromises()
    expect(wrapper.text()).not.toContain('请选择问题类型')
    expect(wrapper.find('[data-testid=description-error]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('shows a thumbnail per photo, removes one on request, and stops at 9', async () => {
    mockFetch(routes())
    const { wrapper } = await mountResident('/complaints/new')
    const input = wrapper.get('[data-testid=photo-input]')
    await pick(input, [jpeg(1), jpeg(2), jpeg(3)])
    expect(wrapper.findAll('[data-testid=photo-preview]')).toHaveLength(3)
    await wrapper.findAll('[data-testid=photo-remove]')[1]!.trigger('click')
    expect(wrapper.findAll('[data-testid=photo-preview]')).toHaveLength(2)
    await pick(input, Array.from({ length: 10 }, (_, i) => jpeg(10 + i)))
    expect(wrapper.findAll('[data-testid=photo-preview]')).toHaveLength(9)
    expect(wrapper.get('[data-testid=photo-dropped]').text()).toContain('最多 9 张照片')
    expect(wrapper.get('[data-testid=photo-count]').text()).toBe('已选 9 张，最多 9 张')
    expect(wrapper.get('[data-testid=photo-input]').attributes('disabled')).toBeDefined()
    wrapper.unmount()
  })

  it('sends the complaint as multipart with a key and opens it', async () => {
    const { calls } = mockFetch(routes())
    const { wrapper, router } = await mountResident('/complaints/new')
    expect(wrapper.find('[data-testid=warranty]').exists()).toBe(false)
    await wrapper.get('[data-testid=category-quality] input').setValue(true)
    await wrapper.get('[data-testid=complaint-item]').setValue('01')
    await wrapper.get('[data-testid=complaint-description]').setValue('  顶楼卧室天花板漏水  ')
    await wrapper.get('[data-testid=complaint-entrance]').setValue('2')
    await pick(wrapper.get('[data-testid=photo-input]'), [jpeg(1)])
    await wrapper.get('[data-testid=complaint-form]').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
    const f = post.body as FormData
    expect(f.get('category')).toBe('quality')
    expect(f.get('catalog_code')).toBe('01')
    expect(f.get('description')).toBe('顶楼卧室天花板漏水')
    expect(f.get('entrance')).toBe('2')
    expect(f.get('floor')).toBeNull()
    expect(f.get('warranty')).toBeNull()
    expect(f.getAll('photos')).toHaveLength(1)
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/complaints/77?sent=1'))
    await vi.waitFor(() => expect(wrapper.get('[data-testid=complaint-sent]').text()).toContain('已提交'))
    wrapper.unmount()
  })

  it('sends another building of the community only when the resident picks one', async () => {
    const { calls } = mockFetch(routes({ ...project(), buildings: [{ id: me().building.id, name: '1号楼' }, { id: 999, name: '2号楼' }] }))
    const { wrapper } = await mountResident('/complaints/new')
    const select = wrapper.get('[data-testid=complaint-building]')
    expect((select.element as HTMLSelectElement).value).toBe(String(me().building.id))
    await select.setValue('999')
    await wrapper.get('[data-testid=category-safety] input').setValue(true)
    await wrapper.get('[data-testid=complaint-description]').setValue('2号楼门口的井盖没盖上')
    await wrapper.get('[data-testid=complaint-form]').trigger('submit')
    await flushPromises()
    expect((calls.find((c) => c.method === 'POST')!.body as FormData).get('building_id')).toBe('999')
    wrapper.unmount()
  })

  it('offers the warranty claim once the works are handed over, and says when it ended', async () => {
    const handedOver = project({ stage: 'handed_over', accepted_on: '2021-06-30', handed_over_at: '2021-07-10T02:00:00Z', rating_open: true })
    const { calls } = mockFetch(routes(handedOver, apiError(409, 'warranty_expired', 'Ended.', { expires_on: '2023-06-29' })))
    const { wrapper } = await mountResident('/complaints/new')
    await wrapper.get('[data-testid=warranty-check]').setValue(true)
    await wrapper.get('[data-testid=warranty-kind]').setValue('installation')
    await wrapper.get('[data-testid=category-quality] input').setValue(true)
    await wrapper.get('[data-testid=complaint-description]').setValue('水管接头漏水了')
    await wrapper.get('[data-testid=complaint-form]').trigger('submit')
    await flushPromises()
    const f = calls.find((c) => c.method === 'POST')!.body as FormData
    expect(f.get('warranty')).toBe('true')
    expect(f.get('warranty_kind')).toBe('installation')
    expect(wrapper.get('[data-testid=complaint-error]').text()).toBe('保修期已在 2023年6月29日 结束')
    wrapper.unmount()
  })
})
