// Anju end to end, in a real Chromium against the real server with the demo
// dataset: a resident of 1号楼 601 opens the building's QR link on a phone,
// signs in, reads the plan, votes, changes the vote, uses the language and
// large-text toggles and reads the plan offline; then the city office sees the
// tally on the staff page. On the way the phone checks its vote in the plan's
// public record (查验), and a later visit to a rolled-back or rewritten log
// (simulated with page.route) shows the loud warning. Screenshots of every
// step go to artifacts/.
import assert from 'node:assert/strict'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { isNonVoter, staffAPI } from '../lib/api.js'
import {
  ARTIFACTS,
  DESKTOP,
  PHONE,
  TIMEOUT,
  assertChineseRenders,
  fontSizePx,
  inkPixels,
  launchChromium,
  see,
  shot,
  signWithFinger,
  signWithMouse,
  textOf,
} from '../lib/browser.js'
import { journey, recordConsole as record } from '../lib/journey.js'
import { startServer } from '../lib/server.js'

const COMMUNITY = '纺织厂家属院'
const BUILDING = '1号楼'
const PLAN_TITLE = '纺织厂家属院老旧小区改造方案'
const ELIGIBLE = 72
const VOTED_BEFORE = 48
const STEP_TIMEOUT = 120_000

let server
let browser
let staff
let baseline // the tally before the resident votes
const consoleLog = []

before(async () => {
  rmSync(ARTIFACTS, { recursive: true, force: true })
  mkdirSync(ARTIFACTS, { recursive: true })
  server = await startServer({ logFile: join(ARTIFACTS, 'server.log') })
  browser = await launchChromium()
  staff = staffAPI(server.baseURL)
  await staff.login(server.demo.staffUser, server.demo.staffPassword)
  baseline = await staff.consent(server.demo.projectId)
})

after(async () => {
  writeFileSync(join(ARTIFACTS, 'browser-console.log'), consoleLog.join('\n') + '\n')
  await browser?.close().catch(() => {})
  await server?.stop()
})

const recordConsole = (page, who) => record(consoleLog, page, who)

/** The deadline's date as the app shows it in Chinese: 2026年7月5日 (Beijing time). */
function chineseDate(iso) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  )
  return `${parts.year}年${parts.month}月${parts.day}日`
}

/** The household code as a person might type it: lower case, a hyphen in the middle. */
function sloppy(code) {
  return `${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase()
}

/** A well-formed code that is not this household's. */
function wrongCode(code) {
  const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
  const other = alphabet[(alphabet.indexOf(code[0]) + 7) % alphabet.length]
  return other + code.slice(1)
}


let voteRecorded = false

const KEPT = 'anju.record.checkpoints'

/** The checkpoint the phone keeps for a plan (src/resident/record.ts). */
function keptOf(page, planId) {
  return page.evaluate(([k, id]) => JSON.parse(localStorage.getItem(k) ?? '{}')[id] ?? null, [KEPT, planId])
}

/** The page fits the screen: nothing to scroll sideways. */
async function assertNoSidewaysScroll(page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }))
  assert.ok(scroll <= width, `the page is ${scroll}px wide on a ${width}px screen`)
}

describe('resident on a phone (360×740)', () => {
  let context
  let page
  let afterFirstVote // tally after step 6
  let firstReceipt
  const step = journey(() => ({ phone: page }), shot, STEP_TIMEOUT)

  before(async () => {
    context = await browser.newContext(PHONE)
    context.setDefaultTimeout(TIMEOUT)
    page = await context.newPage()
    recordConsole(page, 'phone')
  })
  after(async () => {
    await context?.close().catch(() => {})
  })

  step('1. the QR link shows the community, the building and the plan, in Chinese characters', async () => {
    await page.goto(server.demo.residentLink)
    await see(page, 'community-name', COMMUNITY)
    await see(page, 'building-name', BUILDING)
    await see(page, 'plan-title', PLAN_TITLE)
    await assertChineseRenders(page, '[data-testid=community-name]')
    await assertChineseRenders(page, '[data-testid=plan-title]')
    await shot(page, 'building-landing')
  })

  step('2. a wrong code is refused with a message; the right code, typed sloppily, signs in', async () => {
    await page.getByTestId('room-input').fill(server.demo.room)
    await page.getByTestId('code-input').pressSequentially(sloppy(wrongCode(server.demo.code)))
    await page.getByTestId('login-submit').click()
    await see(page, 'login-error', '房号或户码不对')
    assert.match(page.url(), /\/b\//, 'a wrong code must not leave the sign-in page')
    await shot(page, 'sign-in-wrong-code')

    const typed = sloppy(server.demo.code)
    assert.match(typed, /^[a-z0-9]{4}-[a-z0-9]{4}$/)
    await page.getByTestId('code-input').fill('')
    await page.getByTestId('code-input').pressSequentially(typed)
    await page.getByTestId('login-submit').click()
    // Voting is open and 601 has not voted: sign-in leads straight to the vote.
    await page.waitForURL('**/vote')
    await see(page, 'vote-brief', PLAN_TITLE)
  })

  step('3. the whole plan is one tap from the vote: the 7 items, the budget, the management mode and the deadline', async () => {
    await page.getByTestId('vote-read-plan').click()
    await page.waitForURL('**/plan')
    await see(page, 'household', `${BUILDING} ${server.demo.room} 室`)
    await page.getByTestId('plan-item').nth(6).waitFor()
    assert.equal(await page.getByTestId('plan-item').count(), 7, 'the plan has 7 catalogue items')
    await see(page, 'budget-total', '1,280,000 元')
    await see(page, 'management-mode', '专业化物业服务企业')
    await see(page, 'plan-deadline', chineseDate(baseline.voting_closes_at))
    await see(page, 'plan-threshold', '80%')
    await shot(page, 'plan')
  })

  step('4. vote: agree with the plan, disagree with the management mode, sign with a finger, submit', async () => {
    assert.ok(isNonVoter(baseline, BUILDING, server.demo.room), `${BUILDING} ${server.demo.room} has not voted yet`)
    await page.getByTestId('vote-start').click()
    await page.waitForURL('**/vote')
    await page.getByTestId('vote-plan-agree').click()
    await page.getByTestId('vote-mgmt-disagree').click()
    assert.ok(await page.getByTestId('vote-plan-agree').locator('input').isChecked())
    assert.ok(await page.getByTestId('vote-mgmt-disagree').locator('input').isChecked())
    await shot(page, 'vote-choose')

    await signWithFinger(page)
    await shot(page, 'vote-signed', { fullPage: false })
    assert.ok((await inkPixels(page)) > 200, 'the finger stroke leaves ink on the pad')
    // The stroke is kept as it is drawn: a reload shows it instead of an empty pad.
    await page.waitForFunction(() => (JSON.parse(localStorage.getItem('anju.draft') ?? '{}').signature ?? '').startsWith('data:image/png'))
    await page.reload()
    const sig = page.getByTestId('kept-signature')
    await sig.waitFor()
    assert.ok(await sig.evaluate((img) => img.complete && img.naturalWidth > 100), 'the kept signature is shown after a reload')
    assert.ok(await page.getByTestId('vote-plan-agree').locator('input').isChecked(), 'the answers survive the reload')
    await shot(page, 'vote-kept')

    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/me/ballot') && r.request().method() === 'PUT', { timeout: TIMEOUT }),
      page.getByTestId('vote-submit').click(),
    ])
    assert.equal(res.status(), 200, `the vote was accepted (${await res.text()})`)
    firstReceipt = await res.json()
    await page.waitForURL('**/receipt')
  })

  step('5. the receipt shows its number and until when the vote can be changed', async () => {
    await see(page, 'receipt', '您的投票已记录')
    await see(page, 'receipt-id', String(firstReceipt.id))
    await see(page, 'summary-plan', '同意')
    await see(page, 'summary-mgmt', '不同意')
    const until = await see(page, 'changeable-until', '前可以修改')
    assert.ok(until.includes(chineseDate(baseline.voting_closes_at)), `"${until}" names the deadline`)
    await shot(page, 'receipt')
  })

  step('5b. 查验: the phone proves its vote is in the signed public record, as the receipt says', async () => {
    const code = await see(page, 'vote-code', /^[0-9A-F]{4} [0-9A-F]{4}$/)
    assert.equal(code.replace(' ', ''), firstReceipt.hash.slice(0, 8).toUpperCase(), 'the vote code is the start of the leaf hash')
    // Just after the vote the proof may answer 202 (being written): the phone asks again.
    const proofAnswer = page.waitForResponse((r) => r.url().includes('/api/v1/me/ballot/proof') && r.status() === 200, { timeout: TIMEOUT })
    await page.getByRole('button', { name: '查验我的投票' }).click()
    const proof = await (await proofAnswer).json()
    assert.ok(proof.leaf_index >= VOTED_BEFORE, `our vote comes after the demo's ${VOTED_BEFORE} (leaf ${proof.leaf_index})`)
    await see(page, 'vote-check-ok', `您的投票已写入公开记录（第 ${proof.leaf_index + 1} 条，共 ${proof.tree_size} 条）`)
    const kept = await keptOf(page, firstReceipt.plan_id)
    assert.ok(kept && kept.size >= proof.tree_size, 'the phone keeps the verified checkpoint')
    assert.equal(kept.origin, proof.checkpoint.origin)
    assert.equal(await page.getByTestId('record-alert').count(), 0)
    await assertChineseRenders(page, '[data-testid=vote-check-ok]')
    await shot(page, 'receipt-checked')
  })

  step('6. the tally counts the vote: 49 of 72 voted, 601 is no longer a non-voter', async () => {
    assert.equal(baseline.eligible, ELIGIBLE)
    assert.equal(baseline.voted, VOTED_BEFORE)
    afterFirstVote = await staff.consent(server.demo.projectId)
    voteRecorded = true
    assert.equal(afterFirstVote.eligible, ELIGIBLE)
    assert.equal(afterFirstVote.voted, VOTED_BEFORE + 1)
    assert.equal(afterFirstVote.plan.agree, baseline.plan.agree + 1, 'one more household agrees with the plan')
    assert.equal(afterFirstVote.management.disagree, baseline.management.disagree + 1, 'one more disagrees with the management mode')
    assert.ok(!isNonVoter(afterFirstVote, BUILDING, server.demo.room), `${BUILDING} ${server.demo.room} is not a non-voter any more`)
    assert.equal(afterFirstVote.non_voters.length, ELIGIBLE - VOTED_BEFORE - 1)
  })

  step('7. change the vote: disagree with the plan, agree with the management mode; a new receipt', async () => {
    await page.getByTestId('change-vote').click()
    await page.waitForURL('**/vote')
    await page.getByText(`上次的投票号是 ${firstReceipt.id}`).waitFor()
    await page.getByTestId('vote-plan-disagree').click()
    await page.getByTestId('vote-mgmt-agree').click()
    // Turning the phone while signing would cut part of the stroke off: the pad
    // starts again and says why, rather than keeping half a signature.
    await signWithMouse(page)
    assert.ok((await inkPixels(page)) > 200, 'the mouse stroke leaves ink on the pad')
    await page.setViewportSize({ width: PHONE.viewport.height, height: PHONE.viewport.width })
    // Let the page see the turned screen before turning back (two resizes in one
    // frame look like none to the app, rightly).
    await page.waitForFunction(() => (document.querySelector('[data-testid="signature-pad"] canvas')?.clientWidth ?? 0) > 400)
    // ResizeObserver reports at the next rendering step: give it two frames.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))))
    await page.setViewportSize(PHONE.viewport)
    await page.getByText('屏幕大小变了').waitFor()
    assert.equal(await inkPixels(page), 0, 'after the phone turned, the pad is empty again')
    await signWithMouse(page)
    assert.ok((await inkPixels(page)) > 200, 'signed again after turning the phone')
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/me/ballot') && r.request().method() === 'PUT', { timeout: TIMEOUT }),
      page.getByTestId('vote-submit').click(),
    ])
    assert.equal(res.status(), 200, `the changed vote was accepted (${await res.text()})`)
    const second = await res.json()
    await page.waitForURL('**/receipt')
    const id = await see(page, 'receipt-id', String(second.id))
    assert.notEqual(id, String(firstReceipt.id), 'the new receipt has a new number')
    await see(page, 'receipt', '第 2 次投票')
    await see(page, 'summary-plan', '不同意')
    await see(page, 'changeable-until', '前可以修改')
    await shot(page, 'receipt-changed')
    // 查验 the changed vote: it is in the record, and the phone keeps the
    // checkpoint that holds it (the newest: nobody votes after it here).
    await page.getByRole('button', { name: /查验/ }).first().click()
    await see(page, 'vote-check-ok', /^您的投票已写入公开记录（第 (\d+) 条，共 \1 条）/)

    const now = await staff.consent(server.demo.projectId)
    assert.equal(now.voted, VOTED_BEFORE + 1, 'a changed vote is still one household')
    assert.equal(now.plan.agree, afterFirstVote.plan.agree - 1, 'plan: one agree fewer')
    assert.equal(now.plan.disagree, afterFirstVote.plan.disagree + 1, 'plan: one disagree more')
    assert.equal(now.management.agree, afterFirstVote.management.agree + 1, 'management: one agree more')
    assert.equal(now.management.disagree, afterFirstVote.management.disagree - 1, 'management: one disagree fewer')
  })

  step('7b. later visits: a rolled-back or rewritten log shows the loud warning, in large text at 360 and 320 px; the kept checkpoint stays', async () => {
    const planId = firstReceipt.plan_id
    const latest = await (await fetch(`${server.baseURL}/api/v1/public/plans/${planId}/checkpoint`)).json()
    const history = (await (await fetch(`${server.baseURL}/api/v1/public/plans/${planId}/checkpoints`)).json()).items
    const kept = await keptOf(page, planId)
    assert.equal(kept.size, latest.tree_size, 'the receipt visit kept the newest checkpoint')
    const older = history.filter((c) => c.tree_size > 0 && c.tree_size < latest.tree_size).at(-1)
    assert.ok(older, `an older checkpoint than ${latest.tree_size} votes in ${JSON.stringify(history.map((c) => c.tree_size))}`)
    const warning = '警告：公开投票记录和您上次查验时对不上，可能被改写过。'
    await page.getByTestId('large-text-toggle').click()

    // 1. The server shows an older (genuinely signed) checkpoint as its newest.
    const CHECKPOINT = new RegExp(`/api/v1/public/plans/${planId}/checkpoint$`)
    await page.route(CHECKPOINT, (route) => route.fulfill({ json: older }))
    await page.reload()
    await see(page, 'record-alert', warning)
    const alert = page.getByRole('alert').filter({ hasText: warning })
    assert.equal(await alert.count(), 1, 'the warning is announced (role=alert)')
    await see(page, 'record-alert', '请截图并联系社区居委会或街道。')
    await see(page, 'record-alert-kept', new RegExp(`^上次查验（.+）：共 ${latest.tree_size} 条，`))
    await see(page, 'record-alert-seen', new RegExp(`^这次看到（.+ 签发）：共 ${older.tree_size} 条，`))
    assert.deepEqual(await keptOf(page, planId), kept, 'the kept checkpoint is not replaced by the rolled-back one')
    assert.ok((await fontSizePx(page, '[data-testid=record-alert] h2')) >= 30, 'the warning heading is at least 30px in large text')
    await assertChineseRenders(page, '[data-testid=record-alert] h2')
    await assertNoSidewaysScroll(page)
    await shot(page, 'warning-rolled-back-360-large')
    await page.setViewportSize({ width: 320, height: PHONE.viewport.height })
    await assertNoSidewaysScroll(page)
    await shot(page, 'warning-rolled-back-320-large')
    await page.unroute(CHECKPOINT)

    // 2. A phone that last checked at an older size; the proof that the log only grew fails.
    await page.evaluate(([k, id, cp]) => {
      const all = JSON.parse(localStorage.getItem(k) ?? '{}')
      all[id] = cp
      localStorage.setItem(k, JSON.stringify(all))
    }, [KEPT, planId, { origin: older.origin, size: older.tree_size, root: Buffer.from(older.root_hash, 'base64').toString('hex'), note: older.note, keptAt: new Date().toISOString() }])
    const keptOlder = await keptOf(page, planId)
    const CONSISTENCY = new RegExp(`/api/v1/public/plans/${planId}/consistency\\?`)
    let asked = null
    await page.route(CONSISTENCY, async (route) => {
      asked = route.request().url()
      const res = await route.fetch()
      const body = await res.json()
      const first = Buffer.from(body.proof[0], 'base64')
      first[0] ^= 1 // the log below the kept size was rewritten
      await route.fulfill({ response: res, json: { proof: [first.toString('base64'), ...body.proof.slice(1)] } })
    })
    await page.reload()
    await see(page, 'record-alert', warning)
    assert.match(asked ?? '', new RegExp(`from=${older.tree_size}&to=${latest.tree_size}$`), 'the phone asked for proof from its kept size to the new one')
    await see(page, 'record-alert-kept', new RegExp(`^上次查验（.+）：共 ${older.tree_size} 条，`))
    await see(page, 'record-alert-seen', new RegExp(`^这次看到（.+ 签发）：共 ${latest.tree_size} 条，`))
    assert.deepEqual(await keptOf(page, planId), keptOlder, 'the kept checkpoint stays when the proof fails')
    await assertNoSidewaysScroll(page)
    await shot(page, 'warning-rewritten-320-large')
    await page.unroute(CONSISTENCY)

    // 3. With the true proof the record checks out again, and the newer checkpoint is kept.
    await page.setViewportSize(PHONE.viewport)
    await page.reload()
    await see(page, 'record-consistent', `上次 ${older.tree_size} 条，现在 ${latest.tree_size} 条`)
    assert.equal(await page.getByTestId('record-alert').count(), 0)
    assert.equal((await keptOf(page, planId)).size, latest.tree_size)
    await shot(page, 'receipt-consistent-360-large')
  })

  step('7c. the notice board shows the public record: size, fingerprint, signer, history', async () => {
    const me = await page.evaluate(() =>
      fetch('/api/v1/me', { headers: { Authorization: `Bearer ${JSON.parse(localStorage.getItem('anju.session')).token}` } }).then((r) => r.json()),
    )
    const latest = await (await fetch(`${server.baseURL}/api/v1/public/plans/${firstReceipt.plan_id}/checkpoint`)).json()
    await page.goto(me.community.board_url)
    await see(page, 'record-size', `共 ${latest.tree_size} 条投票记录`)
    await see(page, 'record-root', Buffer.from(latest.root_hash, 'base64').toString('hex').slice(0, 4).toUpperCase())
    await see(page, 'record-verified', '签名已在您的手机上验证')
    const signer = await textOf(page, 'record-signer')
    assert.equal(signer, (await (await fetch(`${server.baseURL}/api/v1/public/log-key`)).json()).verifier_key.split('+').slice(0, 2).join('+'))
    await page.getByTestId('record-history-toggle').click()
    await page.getByTestId('record-history-row').first().waitFor()
    await see(page, 'record-history-row', `共 ${latest.tree_size} 条`)
    assert.equal(await page.getByTestId('record-history-toggle').getAttribute('aria-expanded'), 'true')
    await page.getByTestId('public-record').scrollIntoViewIfNeeded()
    await assertNoSidewaysScroll(page)
    await shot(page, 'board-public-record-360-large')
    await page.setViewportSize({ width: 320, height: PHONE.viewport.height })
    await assertNoSidewaysScroll(page)
    await shot(page, 'board-public-record-320-large')
    await page.setViewportSize(PHONE.viewport)
    await page.getByTestId('large-text-toggle').click()
    await page.goto(`${server.baseURL}/receipt`)
    await see(page, 'receipt', '您的投票已记录')
  })

  step('8. the English toggle and the large-text toggle', async () => {
    await page.getByRole('button', { name: '返回方案' }).click()
    await page.waitForURL('**/plan')
    await see(page, 'plan-title', PLAN_TITLE)

    await page.getByTestId('lang-toggle').click()
    await page.getByRole('heading', { name: 'What will be renovated (7 items)' }).waitFor()
    await see(page, 'management-mode', 'Professional property-management company')
    await see(page, 'my-vote', 'See my vote')
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en')
    await shot(page, 'plan-english')
    await page.getByTestId('lang-toggle').click()
    await page.getByRole('heading', { name: '改造内容（共 7 项）' }).waitFor()
    await see(page, 'management-mode', '专业化物业服务企业')
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN')

    const para = '[data-testid=plan-threshold] p.muted'
    const normalBody = await fontSizePx(page, para)
    const normalH1 = await fontSizePx(page, '[data-testid=plan-title]')
    await page.getByTestId('large-text-toggle').click()
    await page.waitForFunction((sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize) >= 18, para)
    const largeBody = await fontSizePx(page, para)
    const largeH1 = await fontSizePx(page, '[data-testid=plan-title]')
    const largeH2 = await fontSizePx(page, '#items-heading')
    assert.ok(largeBody >= 18 && largeBody > normalBody, `large body text ${largeBody}px (was ${normalBody}px) is at least 18px`)
    assert.ok(largeH1 >= 30 && largeH1 > normalH1, `large page heading ${largeH1}px (was ${normalH1}px) is at least 30px`)
    assert.ok(largeH2 >= 30, `large section heading ${largeH2}px is at least 30px`)
    assert.equal(await page.getByTestId('large-text-toggle').getAttribute('aria-pressed'), 'true')
    await shot(page, 'plan-large-text')
    await page.getByTestId('large-text-toggle').click()
    await page.waitForFunction((sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize) < 18, para)
  })

  step('9. offline, the plan page still shows the plan, with the offline notice', async () => {
    // The service worker must be in charge of the page before the connection goes.
    await page.evaluate(() => navigator.serviceWorker.ready)
    await page.reload()
    await see(page, 'plan-title', PLAN_TITLE)
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the service worker controls the page')

    await context.setOffline(true)
    try {
      await page.reload()
      await see(page, 'offline-notice', '没有网络')
      await see(page, 'plan-title', PLAN_TITLE)
      await page.getByTestId('plan-item').nth(6).waitFor()
      assert.equal(await page.getByTestId('plan-item').count(), 7)
      const reachable = await page.evaluate(() => fetch('/healthz').then(() => true, () => false))
      assert.equal(reachable, false, 'the phone really is offline')
      await shot(page, 'plan-offline')
    } finally {
      await context.setOffline(false)
    }
    // Back online the app fetches the plan again and the notice goes.
    await page.getByTestId('offline-notice').waitFor({ state: 'hidden' })
    await see(page, 'plan-title', PLAN_TITLE)
  })
})

describe('staff page on a desktop (1280×800)', () => {
  let context
  let page

  before(async () => {
    context = await browser.newContext(DESKTOP)
    context.setDefaultTimeout(TIMEOUT)
    page = await context.newPage()
    recordConsole(page, 'staff')
  })
  after(async () => {
    await context?.close().catch(() => {})
  })

  test('the city office signs in and sees the tally and the households that have not voted', { timeout: STEP_TIMEOUT }, async () => {
    try {
      await page.goto(`${server.baseURL}/staff/`)
      await page.getByTestId('staff-username').fill(server.demo.staffUser)
      await page.getByTestId('staff-password').fill(server.demo.staffPassword)
      await page.getByTestId('staff-login').click()
      await page.getByTestId('project-row').filter({ hasText: COMMUNITY }).waitFor()
      await page.getByTestId(`project-open-${server.demo.projectId}`).click()
      await page.waitForURL(`**/staff/projects/${server.demo.projectId}`)

      const truth = await staff.consent(server.demo.projectId)
      // After the resident's vote: 49 of 72, and 601 is not listed any more.
      if (voteRecorded) {
        assert.equal(truth.voted, VOTED_BEFORE + 1)
        assert.ok(!isNonVoter(truth, BUILDING, server.demo.room))
      }
      await see(page, 'tally-eligible', new RegExp(`^\\s*${ELIGIBLE}\\s*$`))
      await see(page, 'tally-voted', new RegExp(`^\\s*${truth.voted}\\s*$`))
      await see(page, 'tally-plan-agree', new RegExp(`^\\s*${truth.plan.agree}\\s*$`))
      await page.getByTestId('building-row').nth(2).waitFor()
      const rows = page.getByTestId('non-voter-row')
      await rows.first().waitFor()
      assert.equal(await rows.count(), ELIGIBLE - truth.voted, 'one row per household that has not voted')
      // Cells: building, entrance, floor, room, owner.
      const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText.trim())))
      const listed = cells.filter((c) => c[0] === BUILDING && c[3] === server.demo.room).length
      const expected = isNonVoter(truth, BUILDING, server.demo.room) ? 1 : 0
      assert.equal(listed, expected, `${BUILDING} ${server.demo.room} is listed only while it has not voted`)
      assert.ok(cells.every((c) => c.length === 5 && c[0].endsWith('号楼') && /^\d{3}$/.test(c[3])), 'each row names building and room')
      await assertChineseRenders(page, 'h1')
      await shot(page, 'staff-tally')
    } catch (e) {
      await shot(page, 'FAILED-staff').catch(() => {})
      throw e
    }
  })
})
