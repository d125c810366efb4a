// The rating after acceptance (overall + four dimensions, optional item scores,
// a comment), the links from the plan, and the progress timeline.
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { me, plan } from '../test/fixtures'
import { project, rating, resetFeedbackState, update } from '../test/feedbackFixtures'
import { mountResident, resetResident, signedIn } from '../test/mountApp'
import { checkRating, editable, emptyRating, ratingRequest } from './rating'

beforeEach(() => {
  resetResident()
  resetFeedbackState()
  signedIn()
})

describe('rating rules', () => {
  it('needs all five scores, 1 to 5', () => {
    const d = emptyRating()
    expect(checkRating(d)).toEqual({ kind: 'missing', dimensions: ['overall', 'quality', 'civilised', 'timeliness', 'communication'] })
    d.scores = { overall: 5, quality: 4, civilised: 3, timeliness: 2, communication: 0 }
    expect(checkRating(d)).toEqual({ kind: 'missing', dimensions: ['communication'] })
    d.scores.communication = 1
    expect(checkRating(d)).toBeNull()
    d.comment = '好'.repeat(1001)
    expect(checkRating(d)).toMatchObject({ kind: 'commentTooLong', n: 1001 })
  })

  it('sends item scores only for the items rated, and the comment only when written', () => {
    const d = emptyRating()
    d.scores = { overall: 5, quality: 4, civilised: 3, timeliness: 2, communication: 1 }
    d.items = { '01': 4, '05': 0 }
    d.comment = '  '
    expect(ratingRequest(d)).toEqual({ overall: 5, quality: 4, civilised: 3, timeliness: 2, communication: 1, items: [{ catalog_code: '01', score: 4 }] })
  })

  it('is changeable until editable_until', () => {
    expect(editable(null)).toBe(true)
    expect(editable({ editable_until: new Date(Date.now() + 1000).toISOString() })).toBe(true)
    expect(editable({ editable_until: new Date(Date.now() - 1000).toISOString() })).toBe(false)
  })
})

const stars = async (w: VueWrapper, name: string, n: number) => {
  await w.get(`[data-testid=rate-${name}]`).findAll('input[type=radio]')[n - 1]!.setValue(true)
}

const base = (p = project({ stage: 'handed_over', accepted_on: '2024-06-30', rating_open: true })) => ({
  'GET /api/v1/me/plan': json(200, plan()),
  'GET /api/v1/me': json(200, me()),
  'GET /api/v1/me/project': json(200, p),
})

describe('rating screen', () => {
  it('says rating opens after acceptance', async () => {
    mockFetch({ ...base(project()), 'GET /api/v1/me/ratings': apiError(404, 'rating_not_found') })
    const { wrapper } = await mountResident('/rating')
    expect(wrapper.get('[data-testid=rating-not-open]').text()).toBe('工程验收通过后才能评价。')
    expect(wrapper.find('[data-testid=rating-form]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('asks for every dimension, then sends the stars, the item scores and the comment', async () => {
    const { calls } = mockFetch({
      ...base(),
      'GET /api/v1/me/ratings': apiError(404, 'rating_not_found'),
      'POST /api/v1/me/ratings': json(201, rating({ overall: 5, quality: 4, civilised: 3, timeliness: 5, communication: 4 })),
    })
    const { wrapper } = await mountResident('/rating')
    await stars(wrapper, 'overall', 5)
    expect(wrapper.get('[data-testid=rate-overall-value]').text()).toBe('5 颗星')
    await wrapper.get('[data-testid=rating-form]').trigger('submit')
    expect(wrapper.get('[data-testid=rating-error]').text()).toBe('请给这几项打分：工程质量、文明施工、工期进度、沟通服务')
    await stars(wrapper, 'quality', 4)
    await stars(wrapper, 'civilised', 3)
    await stars(wrapper, 'timeliness', 5)
    await stars(wrapper, 'communication', 4)
    await stars(wrapper, 'item-01', 2)
    await wrapper.get('[data-testid=rating-comment]').setValue('施工队很文明')
    await wrapper.get('[data-testid=rating-form]').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.body).toEqual({
      overall: 5, quality: 4, civilised: 3, timeliness: 5, communication: 4,
      comment: '施工队很文明', items: [{ catalog_code: '01', score: 2 }],
    })
    expect(wrapper.get('[data-testid=rating-saved]').text()).toContain('谢谢')
    expect(wrapper.get('[data-testid=rating-editable]').text()).toContain('前可以修改')
    expect(wrapper.get('[data-testid=rating-submit]').text()).toBe('修改评价')
    wrapper.unmount()
  })

  it('shows the saved rating for a change, and the refusal once it is locked', async () => {
    const { calls } = mockFetch({
      ...base(),
      'GET /api/v1/me/ratings': json(200, rating()),
      'POST /api/v1/me/ratings': apiError(409, 'rating_locked', 'locked'),
    })
    const { wrapper } = await mountResident('/rating')
    expect(wrapper.get('[data-testid=rate-civilised-value]').text()).toBe('3 颗星')
    expect(wrapper.get('[data-testid=rate-item-01-value]').text()).toBe('5 颗星')
    expect((wrapper.get('[data-testid=rating-comment]').element as HTMLTextAreaElement).value).toBe('总体不错')
    await wrapper.get('[data-testid=rating-form]').trigger('submit')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1)
    expect(wrapper.get('[data-testid=rating-error]').text()).toBe('评价已过修改期限，不能再改')
    expect(wrapper.find('[data-testid=rating-locked]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=rating-submit]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('is read-only after editable_until', async () => {
    mockFetch({ ...base(), 'GET /api/v1/me/ratings': json(200, rating({ editable_until: new Date(Date.now() - 1000).toISOString() })) })
    const { wrapper } = await mountResident('/rating')
    expect(wrapper.get('[data-testid=rating-locked]').text()).toContain('只能查看')
    expect(wrapper.find('[data-testid=rating-submit]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('links from the plan', () => {
  it('lead to complaints and progress, and to the rating only when it is open', async () => {
    mockFetch({ ...base(project()), 'GET /api/v1/me/ballot': apiError(404, 'ballot_not_found') })
    const closed = await mountResident('/plan')
    expect(closed.wrapper.get('[data-testid=link-complaints]').attributes('href')).toBe('/complaints')
    expect(closed.wrapper.get('[data-testid=link-progress]').attributes('href')).toBe('/progress')
    expect(closed.wrapper.find('[data-testid=link-rating]').exists()).toBe(false)
    closed.wrapper.unmount()

    resetFeedbackState()
    mockFetch({ ...base(), 'GET /api/v1/me/ballot': apiError(404, 'ballot_not_found') })
    const open = await mountResident('/plan')
    expect(open.wrapper.get('[data-testid=link-rating]').attributes('href')).toBe('/rating')
    open.wrapper.unmount()
  })
})

describe('after the vote', () => {
  it('puts complaints, progress and the rating above the plan', async () => {
    const ended = plan()
    ended.voting_status = 'closed'
    ended.voting_closes_at = new Date(Date.now() - 86_400_000).toISOString()
    mockFetch({ ...base(), 'GET /api/v1/me/plan': json(200, ended), 'GET /api/v1/me/ballot': apiError(404, 'ballot_not_found') })
    const { wrapper } = await mountResident('/plan')
    const html = wrapper.html()
    expect(html.indexOf('data-testid="feedback-links"')).toBeGreaterThan(-1)
    expect(html.indexOf('data-testid="feedback-links"')).toBeLessThan(html.indexOf('data-testid="plan-title"'))
    expect(wrapper.findAll('[data-testid=feedback-links]')).toHaveLength(1)
    wrapper.unmount()
  })
})

describe('progress timeline', () => {
  it('shows each post with its date, item, text, author and photos', async () => {
    mockFetch({ 'GET /api/v1/me/updates': json(200, { items: [update(), update({ id: 4, photos: [], catalog_name: undefined, text: '进场施工' })] }) })
    const { wrapper } = await mountResident('/progress')
    const posts = wrapper.findAll('[data-testid=progress-post]')
    expect(posts).toHaveLength(2)
    expect(posts[0]!.text()).toContain('屋面防水')
    expect(posts[0]!.text()).toContain('蓄水试验合格')
    expect(posts[0]!.text()).toContain('豫建集团 发布')
    expect(posts[0]!.findAll('img').map((i) => i.attributes('src'))).toEqual(['/api/v1/photos/pg-1', '/api/v1/photos/pg-2'])
    expect(posts[1]!.findAll('img')).toHaveLength(0)
    await posts[0]!.findAll('[data-testid=photo-thumb]')[1]!.trigger('click')
    await flushPromises()
    expect(document.querySelector('.van-image-preview')).not.toBeNull()
    wrapper.unmount()
  })

  it('keeps the last copy for when there is no connection', async () => {
    mockFetch({ 'GET /api/v1/me/updates': json(200, { items: [update()] }) })
    ;(await mountResident('/progress')).wrapper.unmount()
    resetFeedbackState()
    mockFetch({ 'GET /api/v1/me/updates': 'offline' })
    const { wrapper } = await mountResident('/progress')
    expect(wrapper.find('[data-testid=offline-notice]').exists()).toBe(true)
    expect(wrapper.findAll('[data-testid=progress-post]')).toHaveLength(1)
    wrapper.unmount()
  })
})
