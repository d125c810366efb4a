// Every household can use it (issue 11): axe-core (WCAG 2.2 A/AA tags) on
// every resident screen, in normal and large text, and on the public notice
// board — no violation at all; the staff console's main pages — nothing
// serious or critical. And reflow: at 320 px and at 180 CSS px (a 360 px
// phone at 200 % zoom), in both text sizes, no screen scrolls sideways and no
// element reaches past the screen's edge; the household-code field shows the
// whole code. In large text at 320 px every heading is ≥ 30 px, all other
// text ≥ 18 px with a line-height ≥ 1.3, every tap target ≥ 60×60 px
// (measured in the page, not read from the CSS). Two demo households: one voting now (1号楼 601) and one whose
// renovation is finished (rating, complaints, progress).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { WECHAT_UA, overflow, violations } from '../lib/a11y.js'
import { DESKTOP, PHONE, launchChromium, shotsIn } from '../lib/browser.js'
import { staffSignIn } from '../lib/console.js'
import { startServer } from '../lib/server.js'

const SCREENS = ['/plan', '/vote', '/receipt', '/notices', '/complaints', '/complaints/new', '/progress', '/rating', '/needs']

let server
let browser
let households
let board
const shot = shotsIn('a11y')

before(async () => {
  server = await startServer()
  browser = await launchChromium()
  const out = server.log().stdout
  // The demo's banner names two households: "…/b/TOKEN\n  COMMUNITY BUILDING, room 房号 R, household code 户码 C".
  households = [...out.matchAll(/(https?:\/\/\S+\/b\/[A-Za-z0-9_-]+)\s+\S+ \S+, room 房号 (\S+), household code 户码 (\S+)/g)].map(
    (m) => ({ link: m[1], room: m[2], code: m[3] }),
  )
  assert.equal(households.length, 2, `the demo banner names two households:\n${out}`)
  board = out.match(/(https?:\/\/\S+\/c\/[A-Za-z0-9_-]+)/)[1]
})

after(async () => {
  await browser?.close().catch(() => {})
  await server?.stop()
})

async function settle(page) {
  await page.waitForLoadState('networkidle')
  await page.locator('.van-loading').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {})
}

/** In large text: what falls short of the elderly-first sizes (issue 11):
 * headings ≥ 30 px, text ≥ 18 px, line-height ≥ 1.3, tap targets ≥ 60×60 px. */
function largeTextShortfalls(page) {
  return page.evaluate(() => {
    const out = []
    const seen = (el) => {
      const r = el.getBoundingClientRect()
      const cs = getComputedStyle(el)
      return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && !el.closest('.visually-hidden, [aria-hidden="true"]')
    }
    const name = (el) => `<${el.tagName.toLowerCase()}${el.dataset.testid ? ` data-testid=${el.dataset.testid}` : ''}${el.className && typeof el.className === 'string' ? ` class="${el.className}"` : ''}> "${(el.textContent ?? '').trim().slice(0, 20)}"`
    for (const el of document.querySelectorAll('#app h1, #app h2, #app h3, #app legend')) {
      if (!seen(el)) continue
      const px = parseFloat(getComputedStyle(el).fontSize)
      if (px < 29.5) out.push(`heading ${px}px: ${name(el)}`)
    }
    const walker = document.createTreeWalker(document.querySelector('#app'), NodeFilter.SHOW_TEXT)
    const parents = new Set()
    while (walker.nextNode()) if (walker.currentNode.textContent.trim()) parents.add(walker.currentNode.parentElement)
    for (const el of parents) {
      if (!el || !seen(el)) continue
      const cs = getComputedStyle(el)
      const px = parseFloat(cs.fontSize)
      const lh = cs.lineHeight === 'normal' ? 1.2 : parseFloat(cs.lineHeight) / px
      if (px < 17.5) out.push(`text ${px}px: ${name(el)}`)
      if (lh < 1.29 && !el.closest('button, a, .van-button, .van-tag')) out.push(`line-height ${lh.toFixed(2)}: ${name(el)}`)
    }
    for (const el of document.querySelectorAll('#app button, #app a[href], #app input:not([type=hidden]), #app select, #app textarea, #app [role=button], #app label.star')) {
      if (!seen(el) || el.closest('.star') && el.tagName === 'INPUT') continue
      const r = el.getBoundingClientRect()
      if (el.tagName === 'INPUT' && (el.type === 'radio' || el.type === 'checkbox' || el.type === 'file')) continue // their label is the target
      if (r.height < 59.5 || (r.width < 59.5 && el.tagName !== 'INPUT')) out.push(`target ${Math.round(r.width)}×${Math.round(r.height)}: ${name(el)}`)
    }
    return [...new Set(out)]
  })
}

async function check(page, where, { axe = true, large = false } = {}) {
  await settle(page)
  if (large) {
    const short = await largeTextShortfalls(page)
    assert.deepEqual(short, [], `${where}: large text falls short:\n${short.slice(0, 12).join('\n')}`)
  }
  const o = await overflow(page)
  assert.ok(o.scrollWidth <= o.width && o.past.length === 0, `${where}: scrolls sideways (${o.scrollWidth} px on ${o.width}); past the edge:\n${o.past.slice(0, 8).join('\n')}`)
  if (axe) {
    const v = await violations(page)
    assert.deepEqual(v, [], `${where}: axe found\n${v.join('\n')}`)
  }
}

for (const width of [320, 180]) {
  for (const large of [false, true]) {
    const mode = `${width} px, ${large ? 'large' : 'normal'} text`
    describe(`resident screens at ${mode}`, () => {
      for (const [i, who] of [0, 1].entries()) {
        test(`household ${i + 1}: the landing page, sign-in and every screen`, async () => {
          const h = households[who]
          const ctx = await browser.newContext({ ...PHONE, viewport: { width, height: 640 }, userAgent: WECHAT_UA })
          try {
            await ctx.addInitScript((big) => localStorage.setItem('anju.largeText', big ? '1' : '0'), large)
            const page = await ctx.newPage()
            await page.goto(h.link)
            await page.getByTestId('room-input').waitFor()
            // axe at 320 px; at 180 px reflow only (the same markup).
            const axe = width === 320
            await check(page, `${mode} landing`, { axe, large: large && width === 320 })
            const code = page.getByTestId('code-input')
            await code.fill(`${h.code.slice(0, 4)}-${h.code.slice(4)}`)
            const field = await code.evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }))
            assert.ok(field.scroll <= field.client, `${mode}: the code field hides part of the code (${field.scroll} px in ${field.client})`)
            await page.getByTestId('room-input').fill(h.room)
            await page.getByTestId('login-submit').click()
            await page.waitForURL((u) => !u.pathname.startsWith('/b/'))
            for (const path of SCREENS) {
              await page.goto(new URL(path, h.link).href)
              await check(page, `${mode} ${path} (household ${i + 1})`, { axe, large: large && width === 320 })
            }
            if (i === 0 && width === 180) await shot(page, `needs-${large ? 'large' : 'normal'}-180`)
          } finally {
            await ctx.close()
          }
        })
      }
      test('the public notice board', async () => {
        const ctx = await browser.newContext({ ...PHONE, viewport: { width, height: 640 }, userAgent: WECHAT_UA })
        try {
          await ctx.addInitScript((big) => localStorage.setItem('anju.largeText', big ? '1' : '0'), large)
          const page = await ctx.newPage()
          await page.goto(board)
          await page.getByTestId('board-community').waitFor()
          await check(page, `${mode} board`, { axe: width === 320, large: large && width === 320 })
        } finally {
          await ctx.close()
        }
      })
    })
  }
}

describe('the staff console (1280×800)', () => {
  test('its main pages have nothing serious or critical for axe', async () => {
    const ctx = await browser.newContext(DESKTOP)
    try {
      const page = await ctx.newPage()
      await staffSignIn(page, server.baseURL, server.demo.staffUser, server.demo.staffPassword)
      const pages = ['/staff/', '/staff/dashboard', '/staff/registry', `/staff/projects/${server.demo.projectId}`,
        `/staff/projects/${server.demo.projectId}/plans`, '/staff/complaints', '/staff/satisfaction', '/staff/targets']
      const found = []
      for (const p of pages) {
        await page.goto(new URL(p, server.baseURL).href)
        // Not networkidle: the tally's live updates keep a connection open.
        await page.waitForLoadState('load')
        await page.locator('main, .el-main, #app > *').first().waitFor()
        await page.locator('.el-loading-mask').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {})
        await page.waitForTimeout(500)
        for (const v of await violations(page, { impacts: ['serious', 'critical'] })) found.push(`${p}: ${v}`)
      }
      assert.deepEqual(found, [], found.join('\n'))
    } finally {
      await ctx.close()
    }
  })
})
