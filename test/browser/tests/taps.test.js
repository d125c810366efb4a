// The shortest journey (issue 11): on a 320×640 phone inside WeChat, from the
// typed household code to a receipt takes at most 4 taps (sign in, two
// answers, submit) and one drag (the signature), with the sign-in form and
// the first question on the first screen, no scrolling needed to find them.
// Then the same household, at 180 CSS px (a 360 px phone at 200 % zoom) in
// large text, changes its vote confirming with the household code instead of
// drawing: no screen of that journey reaches past the screen's edge, the code
// screen has no axe violation, the receipt and the committee's tally say the
// vote was confirmed by code.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { WECHAT_UA, overflow, violations } from '../lib/a11y.js'
import { staffAPI } from '../lib/api.js'
import { PHONE, TIMEOUT, launchChromium, see, shotsIn, signWithFinger } from '../lib/browser.js'
import { startServer } from '../lib/server.js'

let server
let browser
const shot = shotsIn('taps')

before(async () => {
  server = await startServer()
  browser = await launchChromium()
})

after(async () => {
  await browser?.close().catch(() => {})
  await server?.stop()
})

/** Where an element is against the first screen (the viewport before any scrolling). */
function onFirstScreen(page, testid) {
  return page.getByTestId(testid).first().evaluate((el) => {
    const r = el.getBoundingClientRect()
    return { top: Math.round(r.top + scrollY), bottom: Math.round(r.bottom + scrollY), height: innerHeight }
  })
}

async function assertReflows(page, where) {
  await page.waitForLoadState('networkidle')
  const o = await overflow(page)
  assert.ok(o.scrollWidth <= o.width && o.past.length === 0, `${where}: scrolls sideways (${o.scrollWidth} px on ${o.width}); past the edge:\n${o.past.slice(0, 8).join('\n')}`)
}

describe('from the typed code to a receipt', () => {
  test('at most 4 taps and one drag at 320 px, with nothing to scroll for to find how to vote', async () => {
    const ctx = await browser.newContext({ ...PHONE, viewport: { width: 320, height: 640 }, userAgent: WECHAT_UA })
    try {
      const page = await ctx.newPage()
      let taps = 0
      const tap = async (testid) => {
        taps += 1
        await page.getByTestId(testid).first().tap()
      }
      await page.goto(server.demo.residentLink)
      await page.getByTestId('room-input').waitFor()
      for (const id of ['room-input', 'code-input']) {
        const at = await onFirstScreen(page, id)
        assert.ok(at.bottom <= at.height, `the sign-in form's ${id} is on the first screen (ends at ${at.bottom} px of ${at.height})`)
      }
      await page.getByTestId('room-input').fill(server.demo.room)
      await page.getByTestId('code-input').fill(server.demo.code)
      await shot(page, 'landing-320')

      await tap('login-submit')
      await page.waitForURL('**/vote', { timeout: TIMEOUT })
      await page.getByTestId('vote-plan-agree').waitFor()
      const first = await onFirstScreen(page, 'vote-plan-agree')
      assert.ok(first.top < first.height, `the first question starts on the first screen (at ${first.top} px of ${first.height})`)
      await shot(page, 'vote-320', { fullPage: false })

      await tap('vote-plan-agree')
      await tap('vote-mgmt-agree')
      await signWithFinger(page)
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/me/ballot') && r.request().method() === 'PUT', { timeout: TIMEOUT }),
        tap('vote-submit'),
      ])
      assert.equal(res.status(), 200, `the vote was accepted (${await res.text()})`)
      await page.waitForURL('**/receipt')
      await see(page, 'receipt', '您的投票已记录')
      await see(page, 'receipt-evidence', '手写签名')
      await shot(page, 'receipt-320')
      console.log(`taps from the typed code to the receipt: ${taps} (and one drag to sign)`)
      assert.ok(taps <= 4, `${taps} taps from the typed code to the receipt; at most 4`)
    } finally {
      await ctx.close()
    }
  })

  test('at 180 CSS px in large text, changing the vote with the household code: every screen reflows', async () => {
    const ctx = await browser.newContext({ ...PHONE, viewport: { width: 180, height: 370 }, userAgent: WECHAT_UA })
    try {
      await ctx.addInitScript(() => localStorage.setItem('anju.largeText', '1'))
      const page = await ctx.newPage()
      await page.goto(server.demo.residentLink)
      await page.getByTestId('room-input').waitFor()
      await assertReflows(page, 'landing')
      await page.getByTestId('room-input').fill(server.demo.room)
      await page.getByTestId('code-input').fill(server.demo.code)
      await page.getByTestId('login-submit').tap()
      // Voted already (the test above): the plan, with the receipt a tap away.
      await page.waitForURL('**/plan')
      await assertReflows(page, 'plan')
      await page.getByTestId('change-vote').tap()
      await page.waitForURL('**/vote')
      await page.getByTestId('vote-plan-disagree').waitFor()
      await assertReflows(page, 'vote')
      await page.getByTestId('vote-plan-disagree').tap()
      await page.getByTestId('vote-mgmt-agree').tap()
      await page.getByTestId('vote-use-code').tap()
      const field = page.getByTestId('vote-code-input')
      await field.fill(`${server.demo.code.slice(0, 4)}-${server.demo.code.slice(4)}`)
      const fits = await field.evaluate((el) => el.scrollWidth <= el.clientWidth)
      assert.ok(fits, 'the code field shows the whole code at 180 px')
      await assertReflows(page, 'vote, confirming by code')
      await shot(page, 'vote-by-code-180-large')
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/me/ballot') && r.request().method() === 'PUT', { timeout: TIMEOUT }),
        page.getByTestId('vote-submit').tap(),
      ])
      assert.equal(res.status(), 200, `the vote was accepted (${await res.text()})`)
      const receipt = await res.json()
      assert.equal(receipt.evidence, 'household_code')
      await page.waitForURL('**/receipt')
      await see(page, 'receipt-evidence', '输入户码确认（没有手写签名）')
      await assertReflows(page, 'receipt')
      await shot(page, 'receipt-by-code-180-large')

      const staff = staffAPI(server.baseURL)
      await staff.login(server.demo.staffUser, server.demo.staffPassword)
      const tally = await staff.consent(server.demo.projectId)
      const listed = tally.confirmed_by_code.find((h) => h.household_id === receipt.household_id)
      assert.ok(listed, 'the committee sees the household among those who confirmed by code')
      assert.ok(tally.by_code >= 1)
    } finally {
      await ctx.close()
    }
  })

  test('the code screen has no axe violation at 320 px', async () => {
    const ctx = await browser.newContext({ ...PHONE, viewport: { width: 320, height: 640 }, userAgent: WECHAT_UA })
    try {
      const page = await ctx.newPage()
      await page.goto(server.demo.residentLink)
      await page.getByTestId('room-input').fill(server.demo.room)
      await page.getByTestId('code-input').fill(server.demo.code)
      await page.getByTestId('login-submit').tap()
      await page.waitForURL('**/plan')
      await page.getByTestId('change-vote').tap()
      await page.getByTestId('vote-use-code').tap()
      await page.getByTestId('vote-code-input').waitFor()
      await page.waitForLoadState('networkidle')
      const v = await violations(page)
      assert.deepEqual(v, [], `axe found\n${v.join('\n')}`)
    } finally {
      await ctx.close()
    }
  })
})
