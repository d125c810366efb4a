import { beforeEach, describe, expect, it, vi } from 'vitest'
import { json, apiError, mockFetch } from '../test/fetchMock'
import { BUILDING_TOKEN, publicBuilding } from '../test/fixtures'
import { mountResident, resetResident } from '../test/mountApp'
import {
  BODY_REM,
  CONTROL_LINE_HEIGHT,
  H1_REM,
  H2_REM,
  HEADING_MIN_REM,
  LINE_HEIGHT,
  ROOT_PERCENT,
  TARGET_PX,
  applyTextSize,
  largeText,
  restoreTextSize,
  setLargeText,
  textSizeUnchosen,
} from './textSize'

const BROWSER_DEFAULT_PX = 16

describe('large-text mode', () => {
  it('meets the elderly-friendly sizes: body ≥ 18 px, headings ≥ 30 px, line height ≥ 1.3, targets ≥ 60 px', () => {
    const root = (ROOT_PERCENT.large / 100) * BROWSER_DEFAULT_PX
    expect(root * BODY_REM).toBeGreaterThanOrEqual(18)
    expect(root * H1_REM).toBeGreaterThanOrEqual(30)
    expect(root * H2_REM).toBeGreaterThanOrEqual(30)
    // h3, legends, card and dialog titles: at least this (theme.css max()).
    expect(root * HEADING_MIN_REM.large).toBeGreaterThanOrEqual(30)
    expect(LINE_HEIGHT).toBeGreaterThanOrEqual(1.3)
    expect(CONTROL_LINE_HEIGHT.large).toBeGreaterThanOrEqual(1.3)
    expect(TARGET_PX.large).toBeGreaterThanOrEqual(60)
    expect(TARGET_PX.normal).toBeGreaterThanOrEqual(44)
  })

  it('leaves the normal mode as it was: no heading floor, Vant\'s button line height', () => {
    expect(HEADING_MIN_REM.normal).toBe(0)
    expect(CONTROL_LINE_HEIGHT.normal).toBe(1.2)
  })

  it('sets the root sizes on <html>', () => {
    const html = document.documentElement
    applyTextSize(true)
    expect(html.style.fontSize).toBe('125%')
    expect(html.classList.contains('anju-large')).toBe(true)
    expect(html.style.getPropertyValue('--anju-target')).toBe('60px')
    expect(html.style.getPropertyValue('--anju-body')).toBe(`${BODY_REM}rem`)
    expect(html.style.getPropertyValue('--anju-heading-min')).toBe('1.5rem')
    expect(html.style.getPropertyValue('--anju-control-line')).toBe('1.3')
    applyTextSize(false)
    expect(html.style.fontSize).toBe('100%')
    expect(html.style.getPropertyValue('--anju-target')).toBe('44px')
    expect(html.style.getPropertyValue('--anju-heading-min')).toBe('0rem')
    expect(html.style.getPropertyValue('--anju-control-line')).toBe('1.2')
  })

  it('is one tap away on the screen and remembered', async () => {
    resetResident()
    setLargeText(false)
    mockFetch({ [`GET /api/v1/public/buildings/${BUILDING_TOKEN}`]: json(200, publicBuilding()) })
    const { wrapper } = await mountResident(`/b/${BUILDING_TOKEN}`)
    const toggle = wrapper.get('[data-testid=large-text-toggle]')
    expect(toggle.attributes('aria-pressed')).toBe('false')
    await toggle.trigger('click')
    expect(largeText.value).toBe(true)
    expect(toggle.attributes('aria-pressed')).toBe('true')
    expect(document.documentElement.style.fontSize).toBe('125%')
    expect(localStorage.getItem('anju.largeText')).toBe('1')
    await toggle.trigger('click')
    expect(localStorage.getItem('anju.largeText')).toBe('0')
  })
})

describe('first-visit offer of large text', () => {
  const building = { [`GET /api/v1/public/buildings/${BUILDING_TOKEN}`]: json(200, publicBuilding()) }

  beforeEach(() => {
    resetResident()
    restoreTextSize() // storage is empty: a first visit
  })

  it('is shown on the building page, above the sign-in form, when no size was ever chosen', async () => {
    mockFetch(building)
    const { wrapper } = await mountResident(`/b/${BUILDING_TOKEN}`)
    const prompt = wrapper.get('[data-testid=text-size-prompt]')
    expect(prompt.get('[data-testid=text-size-large]').text()).toContain('字太小？点这里放大')
    const html = wrapper.html()
    expect(html.indexOf('data-testid="text-size-prompt"')).toBeLessThan(html.indexOf('data-testid="room-input"'))
    wrapper.unmount()
  })

  it('switches to large text in one tap, remembers it, and does not come back', async () => {
    mockFetch(building)
    const { wrapper } = await mountResident(`/b/${BUILDING_TOKEN}`)
    await wrapper.get('[data-testid=text-size-large]').trigger('click')
    expect(largeText.value).toBe(true)
    expect(document.documentElement.style.fontSize).toBe('125%')
    expect(localStorage.getItem('anju.largeText')).toBe('1')
    expect(wrapper.find('[data-testid=text-size-prompt]').exists()).toBe(false)
    wrapper.unmount()

    // The next visit reads the choice back.
    restoreTextSize()
    expect(document.documentElement.style.fontSize).toBe('125%')
    const again = await mountResident('/')
    expect(again.wrapper.find('[data-testid=text-size-prompt]').exists()).toBe(false)
    again.wrapper.unmount()
  })

  it('takes "no" for an answer and remembers that too', async () => {
    const { wrapper } = await mountResident('/')
    expect(textSizeUnchosen.value).toBe(true)
    await wrapper.get('[data-testid=text-size-normal]').trigger('click')
    expect(largeText.value).toBe(false)
    expect(document.documentElement.style.fontSize).toBe('100%')
    expect(localStorage.getItem('anju.largeText')).toBe('0')
    expect(wrapper.find('[data-testid=text-size-prompt]').exists()).toBe(false)
    wrapper.unmount()

    restoreTextSize()
    expect(textSizeUnchosen.value).toBe(false)
    const again = await mountResident('/')
    expect(again.wrapper.find('[data-testid=text-size-prompt]').exists()).toBe(false)
    again.wrapper.unmount()
  })

  it('is not shown once the top bar toggle was used', async () => {
    const { wrapper } = await mountResident('/')
    expect(wrapper.find('[data-testid=text-size-prompt]').exists()).toBe(true)
    await wrapper.get('[data-testid=large-text-toggle]').trigger('click')
    expect(wrapper.find('[data-testid=text-size-prompt]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('language toggle', () => {
  it('switches the screen to English and back, and sets <html lang>', async () => {
    resetResident()
    mockFetch({ [`GET /api/v1/public/buildings/${BUILDING_TOKEN}`]: apiError(410, 'token_retired') })
    const { wrapper } = await mountResident(`/b/${BUILDING_TOKEN}`)
    expect(wrapper.text()).toContain('这个二维码已经失效')
    await wrapper.get('[data-testid=lang-toggle]').trigger('click')
    // English is fetched on the first switch.
    await vi.waitFor(() => expect(wrapper.text()).toContain('This QR code is no longer valid'))
    expect(document.documentElement.lang).toBe('en')
    expect(localStorage.getItem('anju.locale')).toBe('en')
    await wrapper.get('[data-testid=lang-toggle]').trigger('click')
    expect(document.documentElement.lang).toBe('zh-CN')
  })
})
