import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { json, apiError, mockFetch } from '../test/fetchMock'
import { BUILDING_TOKEN, publicBuilding } from '../test/fixtures'
import { mountResident, resetResident } from '../test/mountApp'
import { BODY_REM, H1_REM, H2_REM, LINE_HEIGHT, ROOT_PERCENT, TARGET_PX, applyTextSize, largeText, setLargeText } from './textSize'

const BROWSER_DEFAULT_PX = 16

describe('large-text mode', () => {
  it('meets the elderly-friendly sizes: body ≥ 18 px, headings ≥ 30 px, line height ≥ 1.3, targets ≥ 60 px', () => {
    const root = (ROOT_PERCENT.large / 100) * BROWSER_DEFAULT_PX
    expect(root * BODY_REM).toBeGreaterThanOrEqual(18)
    expect(root * H1_REM).toBeGreaterThanOrEqual(30)
    expect(root * H2_REM).toBeGreaterThanOrEqual(30)
    expect(LINE_HEIGHT).toBeGreaterThanOrEqual(1.3)
    expect(TARGET_PX.large).toBeGreaterThanOrEqual(60)
    expect(TARGET_PX.normal).toBeGreaterThanOrEqual(44)
  })

  it('sets the root sizes on <html>', () => {
    const html = document.documentElement
    applyTextSize(true)
    expect(html.style.fontSize).toBe('125%')
    expect(html.classList.contains('anju-large')).toBe(true)
    expect(html.style.getPropertyValue('--anju-target')).toBe('60px')
    expect(html.style.getPropertyValue('--anju-body')).toBe(`${BODY_REM}rem`)
    applyTextSize(false)
    expect(html.style.fontSize).toBe('100%')
    expect(html.style.getPropertyValue('--anju-target')).toBe('44px')
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

describe('language toggle', () => {
  it('switches the screen to English and back, and sets <html lang>', async () => {
    resetResident()
    mockFetch({ [`GET /api/v1/public/buildings/${BUILDING_TOKEN}`]: apiError(410, 'token_retired') })
    const { wrapper } = await mountResident(`/b/${BUILDING_TOKEN}`)
    expect(wrapper.text()).toContain('这个二维码已经失效')
    await wrapper.get('[data-testid=lang-toggle]').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('This QR code is no longer valid')
    expect(document.documentElement.lang).toBe('en')
    expect(localStorage.getItem('anju.locale')).toBe('en')
    await wrapper.get('[data-testid=lang-toggle]').trigger('click')
    expect(document.documentElement.lang).toBe('zh-CN')
  })
})
