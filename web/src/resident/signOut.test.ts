// Signing out asks first — getting back in needs the household code from the
// paper slip — and the plan screen and the building page ask the same way.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { apiError, json, mockFetch } from '../test/fetchMock'
import { BUILDING_TOKEN, me, plan, publicBuilding } from '../test/fixtures'
import { mountResident, resetResident, signedIn } from '../test/mountApp'
import { session } from './session'
import { state } from './store'

beforeEach(() => {
  resetResident()
  signedIn()
})

const planRoutes = {
  'GET /api/v1/me/plan': json(200, plan()),
  'GET /api/v1/me': json(200, me()),
  'GET /api/v1/me/ballot': apiError(404, 'ballot_not_found'),
  [`GET /api/v1/public/buildings/${BUILDING_TOKEN}`]: json(200, publicBuilding()),
}

describe('signing out', () => {
  it('on the plan screen asks first, naming the household code, and cancel keeps the household signed in', async () => {
    mockFetch(planRoutes)
    const { wrapper, router } = await mountResident('/plan')
    expect(wrapper.find('[data-testid=sign-out-ask]').exists()).toBe(false)
    await wrapper.get('[data-testid=sign-out]').trigger('click')
    const ask = wrapper.get('[data-testid=sign-out-ask]')
    expect(ask.text()).toContain('确定要退出登录吗')
    expect(ask.text()).toContain('户码')
    expect(ask.text()).toContain('8 位')
    expect(document.activeElement?.id).toBe('sign-out-question')

    await wrapper.get('[data-testid=sign-out-cancel]').trigger('click')
    expect(session.value?.household.id).toBe(12)
    expect(localStorage.getItem('anju.session')).not.toBeNull()
    expect(router.currentRoute.value.path).toBe('/plan')
    expect(wrapper.find('[data-testid=sign-out-ask]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=sign-out]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('on the plan screen signs out on confirm, forgets the household and goes back to sign-in', async () => {
    mockFetch(planRoutes)
    const { wrapper, router } = await mountResident('/plan')
    expect(state.plan?.id).toBe(7)
    await wrapper.get('[data-testid=sign-out]').trigger('click')
    await wrapper.get('[data-testid=sign-out-confirm]').trigger('click')
    expect(session.value).toBeNull()
    expect(localStorage.getItem('anju.session')).toBeNull()
    expect(state.plan).toBeNull()
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe(`/b/${BUILDING_TOKEN}`))
    wrapper.unmount()
  })

  it('keeps the sign-out away from the vote buttons', async () => {
    mockFetch(planRoutes)
    const { wrapper } = await mountResident('/plan')
    const out = wrapper.get('[data-testid=sign-out]')
    // Not among the main actions (the vote buttons), and not a filled button.
    expect(out.element.closest('.actions')).toBeNull()
    expect(out.classes()).not.toContain('van-button--primary')
    wrapper.unmount()
  })

  it('on the building page ("sign in as another household") asks the same way', async () => {
    mockFetch(planRoutes)
    const { wrapper } = await mountResident(`/b/${BUILDING_TOKEN}`)
    const out = wrapper.get('[data-testid=sign-out]')
    expect(out.text()).toBe('换一户登录')
    await out.trigger('click')
    expect(wrapper.get('[data-testid=sign-out-ask]').text()).toContain('户码')
    await wrapper.get('[data-testid=sign-out-cancel]').trigger('click')
    expect(session.value).not.toBeNull()

    await wrapper.get('[data-testid=sign-out]').trigger('click')
    await wrapper.get('[data-testid=sign-out-confirm]').trigger('click')
    expect(session.value).toBeNull()
    // The sign-in form takes the card's place.
    await vi.waitFor(() => expect(wrapper.find('[data-testid=sign-out]').exists()).toBe(false))
    expect(wrapper.text()).toContain('登录投票')
    wrapper.unmount()
  })
})
