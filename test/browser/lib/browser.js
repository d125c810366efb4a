// Browser helpers: Debian's Chromium through playwright-core (no downloaded
// browsers), waits that say what a person would have seen, screenshots.
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
export const ARTIFACTS = resolve(here, '../artifacts')
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** Generous: the CI machine has 2 cores and sign-in hashes with argon2. */
export const TIMEOUT = 20_000

export async function launchChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), or set CHROMIUM_PATH.`)
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 60_000,
  })
}

export const PHONE = {
  viewport: { width: 360, height: 740 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
  serviceWorkers: 'allow',
}

export const DESKTOP = {
  viewport: { width: 1280, height: 800 },
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
}

let shotNo = 0
/**
 * Saves artifacts/NN-name.png and returns its path: the whole page, or only
 * what is on the screen with { fullPage: false }. A whole-page screenshot of a
 * mobile page briefly resizes the window (Chromium reports 4×4 px), and Vant's
 * signature pad redraws itself on a width change, losing the stroke: take the
 * signature page with { fullPage: false }.
 */
export async function shot(page, name, { fullPage = true } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true })
  shotNo += 1
  const file = join(ARTIFACTS, `${String(shotNo).padStart(2, '0')}-${name}.png`)
  await page.screenshot({ path: file, fullPage })
  return file
}

/**
 * shot() for another test file: artifacts/<subdir>/NN-name.png, numbered on
 * its own, so two files' screenshots neither collide nor interleave.
 */
export function shotsIn(subdir) {
  const dir = join(ARTIFACTS, subdir)
  let n = 0
  return async function shotIn(page, name, { fullPage = true } = {}) {
    mkdirSync(dir, { recursive: true })
    n += 1
    const file = join(dir, `${String(n).padStart(2, '0')}-${name}.png`)
    await page.screenshot({ path: file, fullPage })
    return file
  }
}

/**
 * Waits until the element with this data-testid is visible and its text
 * matches `text` (a substring or a RegExp). Fails with what was shown instead.
 */
export async function see(page, testid, text, { timeout = TIMEOUT, nth = 0 } = {}) {
  const all = page.getByTestId(testid)
  const wanted = text === undefined ? all.nth(nth) : all.filter({ hasText: text }).first()
  try {
    await wanted.waitFor({ state: 'visible', timeout })
  } catch {
    const shown = await all.allInnerTexts().catch(() => [])
    throw new Error(
      `expected [data-testid=${testid}]${text === undefined ? '' : ` showing ${text}`} on ${page.url()}, ` +
        `but it shows ${shown.length ? JSON.stringify(shown) : 'nothing (not on the page)'}`,
    )
  }
  return (await wanted.innerText()).trim()
}

/** The text of the first visible [data-testid=…]. */
export async function textOf(page, testid, opts) {
  return see(page, testid, undefined, opts)
}

/**
 * Which installed fonts Chromium really used to draw the text of `selector`
 * (DevTools CSS.getPlatformFontsForNode): [{ familyName, glyphCount }].
 * document.fonts.check() cannot tell: it answers true for a missing system font.
 */
export async function platformFonts(page, selector) {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('DOM.enable')
    await cdp.send('CSS.enable')
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 })
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector })
    if (!nodeId) throw new Error(`no element ${selector}`)
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId })
    return fonts
  } finally {
    await cdp.detach().catch(() => {})
  }
}

const CJK_FONT = /Noto (Sans|Serif)( Mono)? CJK|Source Han|WenQuanYi|Droid Sans Fallback|AR PL|Unifont/i

/** Fails unless every Chinese character of `selector` is drawn with a CJK font (no tofu boxes). */
export async function assertChineseRenders(page, selector) {
  const text = await page.locator(selector).first().innerText()
  const han = [...text].filter((c) => /\p{Script=Han}/u.test(c)).length
  if (han === 0) throw new Error(`${selector} has no Chinese text to check: ${JSON.stringify(text)}`)
  const fonts = await platformFonts(page, selector)
  const cjkGlyphs = fonts.filter((f) => CJK_FONT.test(f.familyName)).reduce((n, f) => n + f.glyphCount, 0)
  if (cjkGlyphs < han) {
    throw new Error(
      `Chinese text "${text}" is not drawn with a Chinese font (fonts used: ${JSON.stringify(fonts)}); ` +
        'it would show as empty boxes. Install the CJK fonts: apt-get install fonts-noto-cjk',
    )
  }
  return fonts
}

/** A wavy stroke across most of the canvas, as [x, y] viewport points. */
function strokePoints(box, phase = 0) {
  const pts = []
  for (let i = 0; i <= 40; i += 1) {
    const f = i / 40
    const x = box.x + box.width * (0.1 + 0.8 * f)
    const y = box.y + box.height * (0.5 + 0.3 * Math.sin(f * Math.PI * 4 + phase))
    pts.push([Math.round(x), Math.round(y)])
  }
  return pts
}

async function padCanvas(page) {
  const canvas = page.locator('[data-testid=signature-pad] canvas')
  await canvas.waitFor({ state: 'visible', timeout: TIMEOUT })
  await canvas.scrollIntoViewIfNeeded()
  const box = await canvas.boundingBox()
  if (!box || box.width < 100 || box.height < 50) throw new Error(`signature pad too small to sign: ${JSON.stringify(box)}`)
  return box
}

/** Signs with a finger: real touch events (DevTools Input.dispatchTouchEvent). */
export async function signWithFinger(page) {
  const box = await padCanvas(page)
  const pts = strokePoints(box)
  const cdp = await page.context().newCDPSession(page)
  try {
    const at = ([x, y]) => [{ x, y, id: 1, radiusX: 2, radiusY: 2, force: 1 }]
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(pts[0]) })
    for (const p of pts.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(p) })
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  } finally {
    await cdp.detach().catch(() => {})
  }
}

/** Signs with the mouse (the app bridges mouse strokes to the touch pad). */
export async function signWithMouse(page) {
  const box = await padCanvas(page)
  const pts = strokePoints(box, Math.PI / 2)
  await page.mouse.move(...pts[0])
  await page.mouse.down()
  for (const p of pts.slice(1)) await page.mouse.move(...p, { steps: 2 })
  await page.mouse.up()
}

/** How many pixels of the signature canvas carry ink (not the white background). */
export function inkPixels(page) {
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid=signature-pad] canvas')
    if (!c) return 0
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height)
    let n = 0
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] + data[i + 1] + data[i + 2] < 300) n += 1
    return n
  })
}

/** Computed font size, in px, of the first element matching `selector`. */
export function fontSizePx(page, selector) {
  return page.locator(selector).first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize))
}
