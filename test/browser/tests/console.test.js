// The committee's console end to end (issue 3), in a real Chromium against the
// real server: the city office registers a new community and building,
// imports the households sheet (a bad one first), prints the code slips and
// the poster, writes and publishes a plan, watches the live tally move while a
// resident votes on a phone in a second browser context, records a paper
// ballot, closes the vote, publishes the preliminary notice, answers the
// resident's objection, downloads the consent roll and checks it cell by cell;
// then the public notice board shows the result. Screenshots of every step go
// to artifacts/console/.
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { DESKTOP, PHONE, TIMEOUT, ARTIFACTS, assertChineseRenders, inkPixels, launchChromium, see, shotsIn, signWithFinger } from '../lib/browser.js'
import { beijingInput, confirmBox, drawImage, pdfPageCount, pickOption, staffSignIn, typeNumber } from '../lib/console.js'
import { journey, recordConsole as record } from '../lib/journey.js'
import { startServer } from '../lib/server.js'
import { readXlsx, writeXlsx } from '../lib/xlsx.js'

const OUT = join(ARTIFACTS, 'console')
const shot = shotsIn('console')
const STEP_TIMEOUT = 120_000

const DISTRICT = '驿城区'
const COMMUNITY = '健康路东院'
const ADDRESS = '驿城区健康路26号'
const BUILT = 1995
const BUILDING = '5号楼'
const HEADER = ['楼栋', '单元', '楼层', '房号', '面积', '业主', '电话']
/** The committee's sheet: 6 households of 5号楼, 1单元. */
const HOUSEHOLDS = [
  { entrance: '1单元', floor: 1, room: '101', area: 58.5, owner: '张建国', phone: '13812345601' },
  { entrance: '1单元', floor: 1, room: '102', area: 60.25, owner: '李秀英', phone: '13812345602' },
  { entrance: '1单元', floor: 2, room: '201', area: 62.3, owner: '王志强', phone: '13812345603' },
  { entrance: '1单元', floor: 2, room: '202', area: 61, owner: '赵丽娟', phone: '13812345604' },
  { entrance: '1单元', floor: 3, room: '301', area: 59.8, owner: '刘洋', phone: '13812345605' },
  { entrance: '1单元', floor: 3, room: '302', area: 63.1, owner: '陈静', phone: '13812345606' },
]
const ONLINE = HOUSEHOLDS[0] // votes on the phone
const PAPER = HOUSEHOLDS[3] // votes on paper, door to door
const PLAN_TITLE = '健康路东院2026年老旧小区改造方案'
const OBJECTION = '我家楼下的路灯位置离卧室窗户太近，晚上影响休息，希望调整到路对面。'
const ANSWER = '已请设计单位把5号楼前的路灯移到道路东侧，施工前会再公示图纸。'
const CODE = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/

/** 张建国 → 张**, as the server masks owners on every list and in the roll. */
const masked = (name) => name[0] + '*'.repeat(Math.max(name.length - 1, 1))

let server
let browser
const consoleLog = []

before(async () => {
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(OUT, { recursive: true })
  server = await startServer({ logFile: join(OUT, 'server.log') })
  browser = await launchChromium()
})

after(async () => {
  writeFileSync(join(OUT, 'browser-console.log'), consoleLog.join('\n') + '\n')
  await browser?.close().catch(() => {})
  await server?.stop()
})

const recordConsole = (page, who) => record(consoleLog, page, who)


/** Cell texts of the rows matching `selector`. */
function rowCells(page, selector) {
  return page.locator(selector).evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText.trim())))
}

const exactly = (n) => new RegExp(`^\\s*${n}\\s*$`)

describe('the committee console (1280×800) with a resident on a phone (360×740)', () => {
  let staffContext
  let staff // the staff page
  let residentContext
  let resident // the resident's phone, a second browser context
  let boardContext
  let board // a passer-by reading the public notice board
  const step = journey(() => ({ staff, resident, board }), shot, STEP_TIMEOUT)

  // What the steps learn and later steps use.
  let communityId
  let buildingId
  let projectId
  let residentURL
  let boardURL
  let codes = {} // room → code, as printed on the slips
  let onlineReceipt
  let paperReceipt
  let rollFile // { name, title } of the downloaded roll

  before(async () => {
    staffContext = await browser.newContext(DESKTOP)
    staffContext.setDefaultTimeout(TIMEOUT)
    staff = await staffContext.newPage()
    recordConsole(staff, 'staff')
  })
  after(async () => {
    for (const c of [staffContext, residentContext, boardContext]) await c?.close().catch(() => {})
  })

  step('1. the city office signs in and registers a community (built 1995) and a building', async () => {
    await staffSignIn(staff, server.baseURL, server.demo.staffUser, server.demo.staffPassword)
    await see(staff, 'staff-scope', '全市')
    await staff.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '小区登记' }).click()
    await staff.getByTestId('district-row').filter({ hasText: DISTRICT }).getByRole('link').click()
    await staff.getByRole('heading', { name: `${DISTRICT}的小区` }).waitFor()
    // The demo's community is there; ours is not yet.
    await see(staff, 'community-row', '纺织厂家属院')
    assert.equal(await staff.getByTestId('community-row').filter({ hasText: COMMUNITY }).count(), 0)

    await staff.getByTestId('community-name-input').fill(COMMUNITY)
    await staff.locator('input#community-address').fill(ADDRESS)
    await typeNumber(staff, 'community-year', BUILT)
    await shot(staff, 'community-form')
    await staff.getByRole('button', { name: '添加', exact: true }).click()
    const row = staff.getByTestId('community-row').filter({ hasText: COMMUNITY })
    await row.waitFor()
    assert.deepEqual((await rowCells(staff, '[data-testid=community-row]')).find((c) => c[0] === COMMUNITY), [COMMUNITY, ADDRESS, String(BUILT)])

    await row.getByRole('link', { name: COMMUNITY }).click()
    await staff.waitForURL('**/staff/registry/communities/*')
    communityId = Number(staff.url().match(/communities\/(\d+)/)[1])
    await see(staff, 'community-title', COMMUNITY)
    boardURL = await staff.getByTestId('board-link').getAttribute('href')
    assert.match(boardURL, new RegExp(`^${server.baseURL}/c/[A-Za-z0-9_-]+$`), 'the board link is the public /c/{token} address')

    await staff.getByTestId('new-building').fill(BUILDING)
    await staff.getByTestId('new-building').press('Enter')
    const b = staff.getByTestId('registry-building-row').filter({ hasText: BUILDING })
    await b.waitFor()
    await shot(staff, 'community-with-building')
    await b.getByRole('link', { name: BUILDING }).click()
    await staff.waitForURL('**/staff/registry/buildings/*')
    buildingId = Number(staff.url().match(/buildings\/(\d+)/)[1])
    await see(staff, 'building-title', `${COMMUNITY} ${BUILDING}`)
    residentURL = await staff.getByRole('link', { name: `${server.baseURL}/b/` }).getAttribute('href')
    assert.match(residentURL, new RegExp(`^${server.baseURL}/b/[A-Za-z0-9_-]+$`), 'the page shows the QR link, {public_url}/b/{token}')
    await staff.getByRole('heading', { name: '住户（0 户）' }).waitFor()
  })

  step('2. a sheet with bad rows gets a row-by-row report and imports nothing', async () => {
    const csv =
      '\ufeff' +
      [
        HEADER,
        [BUILDING, '1单元', '1', '101', '58.5', '张建国', '13812345601'], // row 2: fine
        [BUILDING, '1单元', '一', '102', '60', '李秀英', '13812345602'], // row 3: floor not a number
        ['6号楼', '1单元', '2', '201', '62.3', '王志强', '13812345603'], // row 4: another building
        [BUILDING, '1单元', '2', '101', '61', '赵丽娟', '13812345604'], // row 5: room 101 again
        [BUILDING, '1单元', '3', '301', '五十', '刘洋', '13812345605'], // row 6: area not a number
      ]
        .map((r) => r.join(','))
        .join('\r\n') +
      '\r\n'
    await staff.getByTestId('import-file').setInputFiles({ name: '5号楼住户.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') })
    const [res] = await Promise.all([
      staff.waitForResponse((r) => r.url().endsWith(`/buildings/${buildingId}/households:import`)),
      staff.getByTestId('import-upload').click(),
    ])
    assert.equal(res.status(), 422, 'a bad sheet is refused')
    await see(staff, 'import-report')
    const report = await rowCells(staff, '[data-testid=import-row-error]')
    assert.deepEqual(
      report.map((r) => r[0]),
      ['第 3 行', '第 4 行', '第 5 行', '第 6 行'],
      `every bad row and only those are reported: ${JSON.stringify(report)}`,
    )
    assert.match(report[0][1], /楼层.*一/, 'row 3: the floor')
    assert.match(report[1][1], /6号楼/, 'row 4: the other building')
    assert.match(report[2][1], /101[\s\S]*\b2\b/, 'row 5: the room repeats row 2')
    assert.match(report[3][1], /面积.*五十/, 'row 6: the area')
    await see(staff, 'import-error', '改好后重新导入')
    // Nothing was imported, not even the good row 2.
    await staff.getByRole('heading', { name: '住户（0 户）' }).waitFor()
    assert.equal(await staff.getByTestId('household-row').count(), 0)
    await staff.getByText('还没有住户').waitFor()
    await shot(staff, 'import-rejected')
  })

  step('3. the good .xlsx imports all 6 households; the list shows them, owners masked', async () => {
    const xlsx = await writeXlsx([HEADER, ...HOUSEHOLDS.map((h) => [BUILDING, h.entrance, h.floor, h.room, h.area, h.owner, h.phone])], '住户')
    writeFileSync(join(OUT, 'households.xlsx'), xlsx)
    await staff.getByTestId('import-file').setInputFiles({
      name: '5号楼住户.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: xlsx,
    })
    await staff.getByTestId('import-upload').click()
    await see(staff, 'import-ok', `导入成功，共 ${HOUSEHOLDS.length} 户`)
    assert.equal(await staff.getByTestId('import-error').count(), 0, 'the old report is gone')
    await staff.getByRole('heading', { name: `住户（${HOUSEHOLDS.length} 户）` }).waitFor()
    const rows = await rowCells(staff, '[data-testid=household-row]')
    assert.deepEqual(
      rows.map((c) => c.slice(0, 6)),
      HOUSEHOLDS.map((h) => [h.entrance, String(h.floor), h.room, String(h.area), masked(h.owner), `${h.phone.slice(0, 3)}****${h.phone.slice(7)}`]),
    )
    await shot(staff, 'imported')
  })

  step('4. the code slips: room and ABCD-EFGH code on each, 1 A4 page, no console chrome in print', async () => {
    await staff.getByTestId('import-print-slips').click()
    await staff.waitForURL('**/staff/print/slips')
    await staff.getByTestId('slip').nth(HOUSEHOLDS.length - 1).waitFor()
    assert.equal(await staff.getByTestId('slip').count(), HOUSEHOLDS.length)
    await staff.getByText(`共 ${HOUSEHOLDS.length} 张`).waitFor()
    const slips = await staff.getByTestId('slip').evaluateAll((els) =>
      els.map((el) => ({
        place: el.querySelector('.place').innerText.trim(),
        room: el.querySelector('[data-testid=slip-room]').innerText.trim(),
        code: el.querySelector('[data-testid=slip-code]').innerText.trim(),
      })),
    )
    assert.deepEqual(
      slips.map((s) => s.room),
      HOUSEHOLDS.map((h) => `${h.entrance} · ${h.room} 室`),
      'one slip per household, in walking order',
    )
    for (const s of slips) {
      assert.equal(s.place, `${COMMUNITY} ${BUILDING}`)
      assert.match(s.code, CODE, `slip ${s.room} shows a code written ABCD-EFGH`)
    }
    assert.equal(new Set(slips.map((s) => s.code)).size, slips.length, 'every household has its own code')
    codes = Object.fromEntries(slips.map((s, i) => [HOUSEHOLDS[i].room, s.code]))
    await assertChineseRenders(staff, '[data-testid=slip-room]')
    await shot(staff, 'slips-screen')

    await staff.emulateMedia({ media: 'print' })
    try {
      assert.ok(await staff.locator('header.bar').isHidden(), 'the console bar is not printed')
      assert.ok(await staff.getByRole('navigation', { name: '主导航' }).isHidden(), 'the navigation is not printed')
      assert.ok(await staff.getByTestId('print-button').isHidden(), 'the print toolbar is not printed')
      assert.ok(await staff.getByTestId('slip').first().isVisible(), 'the slips are printed')
      await shot(staff, 'slips-print-media')
      const pdf = await staff.pdf({ format: 'A4', printBackground: true, path: join(OUT, 'slips.pdf') })
      const pages = pdfPageCount(pdf)
      assert.ok(pages >= 1, `the slips PDF has ${pages} page(s)`)
      assert.equal(pages, 1, `6 slips at 8 per A4 sheet fill one page, not ${pages}`)
    } finally {
      await staff.emulateMedia({ media: null })
    }
  })

  step('5. the building poster: 扫码, community and building, the QR code loaded, one A4 page', async () => {
    await staff.getByRole('link', { name: '返回' }).click()
    await staff.waitForURL(`**/staff/registry/buildings/${buildingId}`)
    await staff.getByTestId('poster-link').click()
    await staff.waitForURL(`**/staff/print/buildings/${buildingId}/poster`)
    await see(staff, 'poster-headline', '扫码')
    await see(staff, 'poster-where', `${COMMUNITY} · ${BUILDING}`)
    await see(staff, 'poster-steps', '户码')
    await see(staff, 'poster-deadline', '投票时间另行通知') // no plan is published yet
    const qr = staff.locator('[data-testid=poster] img.qr')
    await qr.waitFor()
    await staff.waitForFunction(() => {
      const img = document.querySelector('[data-testid=poster] img.qr')
      return img && img.complete && img.naturalWidth > 0
    })
    const { naturalWidth, naturalHeight, shownWidth } = await qr.evaluate((img) => ({
      naturalWidth: img.naturalWidth,
      naturalHeight: img.naturalHeight,
      shownWidth: img.getBoundingClientRect().width,
    }))
    assert.ok(naturalWidth > 0 && naturalWidth === naturalHeight, `the QR image loaded (${naturalWidth}×${naturalHeight})`)
    assert.ok(shownWidth > 300, `the QR code is large on the poster (${shownWidth}px wide)`)
    await assertChineseRenders(staff, '[data-testid=poster-headline]')
    await shot(staff, 'poster-screen')

    await staff.emulateMedia({ media: 'print' })
    try {
      assert.ok(await staff.locator('header.bar').isHidden(), 'the console bar is not printed')
      assert.ok(await staff.getByTestId('print-button').isHidden(), 'the print toolbar is not printed')
      await shot(staff, 'poster-print-media')
      const pdf = await staff.pdf({ format: 'A4', printBackground: true, path: join(OUT, 'poster.pdf') })
      assert.equal(pdfPageCount(pdf), 1, 'the poster is one A4 page')
    } finally {
      await staff.emulateMedia({ media: null })
    }
  })

  step('6. a project and its plan: catalogue items, a funding split that must add up, a drawing, published', async () => {
    await staff.goto(`${server.baseURL}/staff/registry/communities/${communityId}`)
    await staff.getByTestId('project-new').click()
    const form = staff.getByTestId('project-form')
    await form.waitFor()
    assert.ok(await staff.getByTestId('rule-households-80').locator('input').isChecked(), 'the 80 % rule is the default')
    await staff.getByTestId('project-save').click()
    await staff.waitForURL('**/staff/projects/*/plans')
    projectId = Number(staff.url().match(/projects\/(\d+)/)[1])
    await see(staff, 'project-facts', DISTRICT)
    await staff.getByTestId('plan-new').click()
    await staff.waitForURL(`**/staff/projects/${projectId}/plans/new`)

    await staff.getByTestId('plan-title').fill(PLAN_TITLE)
    await staff.getByTestId('plan-summary').fill('修屋顶防水、装庭院路灯、整修小区广场，工期约四个月。')
    const items = [
      { code: '01', text: '屋面防水层全部翻新，更换落水管', qty: '2160 ㎡', budget: 300000 },
      { code: '13', text: '主路和楼前新装太阳能庭院路灯', qty: '24 盏', budget: 80000 },
      { code: '28', text: '整修小区广场地面，增加座椅', qty: '800 ㎡', budget: 120000 },
    ]
    for (const it of items) await staff.getByTestId(`catalog-${it.code}`).click()
    await staff.getByRole('heading', { name: '改造内容（已选 3 项）' }).waitFor()
    assert.equal(await staff.getByTestId('catalog-item').count(), 3)
    for (const it of items) {
      await staff.locator(`#item-desc-${it.code}`).fill(it.text)
      await staff.locator(`#item-qty-${it.code}`).fill(it.qty)
      await typeNumber(staff, `item-budget-${it.code}`, it.budget)
    }
    await typeNumber(staff, 'plan-total', 500000)
    await typeNumber(staff, 'funding-central', 300000)
    await typeNumber(staff, 'funding-city', 100000)
    await typeNumber(staff, 'funding-district', 50000)
    await see(staff, 'funding-sum', '450,000 元')
    await see(staff, 'funding-balance', '资金来源比总预算少 50,000 元')
    assert.equal(await staff.getByTestId('funding-balance').getAttribute('data-balanced'), 'false')

    // Voting opens at once (a date in the past opens the vote when it is published).
    await staff.getByTestId('plan-opens').fill(beijingInput(new Date(Date.now() - 3600_000)))
    let posted = 0
    const countPosts = (r) => {
      if (/\/api\/v1\/(projects\/\d+\/plans|plans\/\d+)$/.test(r.url()) && ['POST', 'PUT'].includes(r.method())) posted += 1
    }
    staff.on('request', countPosts)
    await staff.getByTestId('plan-save').click()
    await see(staff, 'plan-problems', '资金来源合计必须等于总预算')
    assert.equal(posted, 0, 'a plan whose funding does not add up is not sent')
    assert.match(staff.url(), /plans\/new$/, 'no draft was created')
    await shot(staff, 'plan-funding-mismatch')

    await typeNumber(staff, 'funding-residents', 50000)
    await see(staff, 'funding-balance', '资金来源合计等于总预算')
    assert.equal(await staff.getByTestId('funding-balance').getAttribute('data-balanced'), 'true')
    await see(staff, 'funding-sum', '500,000 元')
    await staff.getByTestId('plan-save').click()
    await staff.waitForURL(/\/plans\/\d+$/)
    staff.off('request', countPosts)
    assert.equal(posted, 1, 'the balanced plan was saved once')
    await see(staff, 'plan-status', '草稿')
    assert.equal(await staff.getByTestId('plan-problems').count(), 0)

    const drawing = await drawImage(staff, { type: 'image/png', width: 1200, height: 800, caption: '5号楼 庭院路灯布置图' })
    await staff.getByTestId('attachment-file').setInputFiles({ name: '路灯布置图.png', mimeType: 'image/png', buffer: drawing })
    await staff.locator('input#attachment-title').fill('庭院路灯布置图')
    await staff.getByTestId('attachment-upload').click()
    await see(staff, 'attachment', '庭院路灯布置图')
    await see(staff, 'attachment', 'image/png')
    await shot(staff, 'plan-draft')

    await staff.getByTestId('plan-publish').click()
    await confirmBox(staff, '公布方案', { expect: '公布后方案不能再修改' })
    await see(staff, 'plan-status', '已公布')
    await see(staff, 'plan-readonly', '不能修改')
    await see(staff, 'project-facts', PLAN_TITLE)
    await shot(staff, 'plan-published')
  })

  step('7. the live tally moves from 0 to 1 while a resident votes on a phone, without reloading', async () => {
    await staff.getByTestId('tab-tally').click()
    await staff.waitForURL(`**/staff/projects/${projectId}`)
    await staff.locator(`[data-testid=live-status][data-status=live]`).waitFor()
    await see(staff, 'tally-eligible', exactly(HOUSEHOLDS.length))
    await see(staff, 'tally-voted', exactly(0))
    await see(staff, 'tally-paper', exactly(0))
    assert.equal(await staff.getByTestId('non-voter-row').count(), HOUSEHOLDS.length)
    await shot(staff, 'tally-before')
    // From here on the page must not reload, nor ask for the tally again.
    await staff.evaluate(() => (window.__sameTallyPage = true))
    const tallyGets = []
    const onRequest = (r) => {
      if (r.url().endsWith(`/api/v1/projects/${projectId}/consent`)) tallyGets.push(r.url())
    }
    staff.on('request', onRequest)

    residentContext = await browser.newContext(PHONE)
    residentContext.setDefaultTimeout(TIMEOUT)
    resident = await residentContext.newPage()
    recordConsole(resident, 'resident')
    await resident.goto(residentURL)
    await see(resident, 'community-name', COMMUNITY)
    await see(resident, 'building-name', BUILDING)
    await see(resident, 'plan-title', PLAN_TITLE)
    await resident.getByTestId('room-input').fill(ONLINE.room)
    await resident.getByTestId('code-input').fill(codes[ONLINE.room])
    await resident.getByTestId('login-submit').click()
    // Straight to the vote; the whole plan is one tap away.
    await resident.waitForURL('**/vote')
    await resident.getByTestId('vote-read-plan').click()
    await resident.waitForURL('**/plan')
    await see(resident, 'household', `${BUILDING} ${ONLINE.room} 室`)
    assert.equal(await resident.getByTestId('plan-item').count(), 3)
    await see(resident, 'budget-total', '500,000 元')
    await see(resident, 'plan-attachment', '庭院路灯布置图')
    // Published, the drawing is public: the phone loads it without a staff token.
    await resident.getByTestId('plan-attachment').scrollIntoViewIfNeeded()
    await resident.waitForFunction(() => {
      const img = document.querySelector('[data-testid=plan-attachment] img')
      return img && img.complete && img.naturalWidth > 0
    })
    await shot(resident, 'resident-plan')

    await resident.getByTestId('vote-start').click()
    await resident.waitForURL('**/vote')
    await resident.getByTestId('vote-plan-agree').click()
    await resident.getByTestId('vote-mgmt-agree').click()
    await signWithFinger(resident)
    assert.ok((await inkPixels(resident)) > 200, 'the finger stroke leaves ink on the pad')
    await shot(resident, 'resident-signed', { fullPage: false })
    // Still nothing on the tally: the vote is not sent yet.
    await see(staff, 'tally-voted', exactly(0))
    const [res] = await Promise.all([
      resident.waitForResponse((r) => r.url().endsWith('/api/v1/me/ballot') && r.request().method() === 'PUT'),
      resident.getByTestId('vote-submit').click(),
    ])
    assert.equal(res.status(), 200, `the vote was accepted (${await res.text()})`)
    onlineReceipt = await res.json()
    await resident.waitForURL('**/receipt')
    await see(resident, 'receipt-id', String(onlineReceipt.id))

    // The staff page, untouched, follows.
    await see(staff, 'tally-voted', exactly(1))
    await see(staff, 'tally-plan-agree', exactly(1))
    await see(staff, 'tally-plan-needed', '还需 4 户同意') // 80 % of 6 is 4.8: 5 must agree
    await see(staff, 'tally-mgmt-agree', exactly(1))
    assert.equal(await staff.evaluate(() => window.__sameTallyPage), true, 'the staff page was not reloaded')
    assert.deepEqual(tallyGets, [], 'the new count came through the event stream, not by asking again')
    assert.equal(await staff.getByTestId('live-status').getAttribute('data-status'), 'live')
    await see(staff, 'tally-paper', exactly(0))
    assert.equal(await staff.getByTestId('non-voter-row').count(), HOUSEHOLDS.length - 1)
    const nonVoters = await rowCells(staff, '[data-testid=non-voter-row]')
    assert.ok(!nonVoters.some((c) => c[3] === ONLINE.room), `${ONLINE.room} is no longer a non-voter`)
    const bRow = await rowCells(staff, '[data-testid=building-row]')
    assert.deepEqual(bRow[0].slice(0, 4), [BUILDING, String(HOUSEHOLDS.length), '1', '1'], 'the building row: 6 eligible, 1 voted, 1 agrees')
    staff.off('request', onRequest)
    await shot(staff, 'tally-after-online-vote')
  })

  step('8. a paper ballot with a photo of the signed form: 2 voted, 1 on paper', async () => {
    await pickOption(staff, 'paper-building', BUILDING)
    await pickOption(staff, 'paper-household', new RegExp(`${PAPER.room} 室`))
    await see(staff, 'paper-current', '这一户还没有投票')
    await staff.getByTestId('paper-plan-agree').click()
    await staff.getByTestId('paper-mgmt-disagree').click()
    const photo = await drawImage(staff, { type: 'image/jpeg', width: 900, height: 1200, caption: `表决票 ${PAPER.room} 已签字` })
    await staff.getByTestId('paper-photo').setInputFiles({ name: `表决票-${PAPER.room}.jpg`, mimeType: 'image/jpeg', buffer: photo })
    await staff.getByRole('img', { name: '表决票照片预览' }).waitFor()
    const [res] = await Promise.all([
      staff.waitForResponse((r) => r.url().endsWith('/paper-ballots') && r.request().method() === 'POST'),
      staff.getByTestId('paper-submit').click(),
    ])
    assert.equal(res.status(), 201, `the paper ballot was accepted (${await res.text()})`)
    paperReceipt = await res.json()
    assert.equal(paperReceipt.channel, 'paper')
    assert.equal(paperReceipt.recorded_by, server.demo.staffUser)
    await see(staff, 'paper-done', `回执号 ${paperReceipt.id}`)
    await see(staff, 'paper-done', `录入人 ${server.demo.staffUser}`)
    await see(staff, 'tally-voted', exactly(2))
    await see(staff, 'tally-paper', exactly(1))
    await see(staff, 'tally-plan-agree', exactly(2))
    await see(staff, 'tally-plan-needed', '还需 3 户同意')
    await see(staff, 'tally-mgmt-agree', exactly(1))
    await see(staff, 'tally-mgmt-disagree', exactly(1))
    const nonVoters = await rowCells(staff, '[data-testid=non-voter-row]')
    assert.deepEqual(
      nonVoters.map((c) => c[3]),
      HOUSEHOLDS.filter((h) => h !== ONLINE && h !== PAPER).map((h) => h.room),
      'the door-to-door list is left with the 4 who have not voted',
    )
    await shot(staff, 'tally-after-paper')
  })

  step('9. close the vote, then publish the preliminary notice', async () => {
    await staff.getByTestId('close-vote').click()
    await confirmBox(staff, '结束投票', { expect: `2/${HOUSEHOLDS.length} 户已投票` })
    await see(staff, 'closed-at', '投票已于')
    await see(staff, 'voting-status', '已结束')
    await see(staff, 'tally-voted', exactly(2))
    assert.equal(await staff.getByTestId('close-vote').count(), 0, 'nothing left to close')
    assert.equal(await staff.getByTestId('paper-form').count(), 0, 'no more paper ballots once closed')
    await shot(staff, 'vote-closed')

    await staff.getByTestId('to-results').click()
    await staff.waitForURL(`**/staff/projects/${projectId}/results`)
    await staff.getByTestId('publish-preliminary').click()
    await confirmBox(staff, '发布', { expect: '7 天异议期' })
    await see(staff, 'notice-preliminary', '表决结果初步公示')
    await see(staff, 'notice-preliminary', '异议期到')
    await see(staff, 'final-blockers', '异议期到')
    assert.ok(await staff.getByTestId('publish-final').isDisabled(), 'the final notice waits for the objection period')
    await shot(staff, 'preliminary-notice')
  })

  step('10. the resident objects with a reason; the committee answers; the resident reads the answer', async () => {
    await resident.goto(`${server.baseURL}/plan`)
    await see(resident, 'readonly-notice', '投票已结束')
    await shot(resident, 'resident-plan-closed')
    await resident.getByTestId('notices-link').click()
    await resident.waitForURL('**/notices')
    await see(resident, 'notice-preliminary', '表决结果初步公示')
    await see(resident, 'objection-deadline', '异议期到')
    await resident.getByTestId('objection-reason').fill(OBJECTION)
    await resident.getByTestId('objection-submit').click()
    await see(resident, 'objection-sent', '异议已提交')
    await see(resident, 'my-objection', '等待答复')
    await shot(resident, 'resident-objection-sent')

    // The committee opens the results tab again and sees it, with the household.
    await staff.getByTestId('tab-tally').click()
    await staff.getByTestId('tab-results').click()
    const objection = staff.getByTestId('objection').filter({ hasText: OBJECTION })
    await objection.waitFor()
    assert.match(await objection.innerText(), new RegExp(`${BUILDING}\\s*${ONLINE.room} 室`), 'the objection names the household')
    await see(staff, 'final-blockers', '还有 1 条异议没有答复')
    await objection.locator('textarea').fill(ANSWER)
    await objection.getByRole('button', { name: '发送答复' }).click()
    await objection.locator('.answer').filter({ hasText: ANSWER }).waitFor()
    await staff.getByTestId('final-blockers').filter({ hasText: '还有' }).waitFor({ state: 'detached' })
    await shot(staff, 'objection-answered')

    await resident.reload()
    await see(resident, 'objection-answer', ANSWER)
    await see(resident, 'my-objection', OBJECTION)
    await shot(resident, 'resident-reads-answer')
  })

  step('11. the consent roll .xlsx, downloaded and checked cell by cell', async () => {
    const [download] = await Promise.all([staff.waitForEvent('download'), staff.getByTestId('roll-download').click()])
    assert.match(download.suggestedFilename(), /\.xlsx$/)
    assert.ok(download.suggestedFilename().includes(COMMUNITY), `the file is named after the community: ${download.suggestedFilename()}`)
    rollFile = { name: download.suggestedFilename() }
    const file = join(OUT, 'consent-roll.xlsx')
    await download.saveAs(file)
    const sheets = await readXlsx(readFileSync(file))
    assert.equal(sheets.length, 1)
    const [{ name, rows }] = sheets
    assert.equal(name, '表决名册')
    rollFile.title = String(rows[0][0])
    assert.match(String(rows[0][0]), new RegExp(`^${COMMUNITY} · \\d{4} · 方案第1版 · 导出于 \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}$`), 'row 1: the title')
    assert.deepEqual(rows[1], ['楼栋', '单元', '楼层', '房号', '业主', '面积(m²)', '改造方案', '物业管理模式', '方式', '时间(北京时间)', '确认方式', '录入人员'])
    assert.equal(rows.length, 2 + HOUSEHOLDS.length, 'title, header and one row per household, voters or not')
    const beijing = (iso) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19)
    const expected = HOUSEHOLDS.map((h) => {
      const who = [BUILDING, h.entrance, h.floor, h.room, masked(h.owner), h.area]
      if (h === ONLINE) return [...who, '同意', '同意', '手机', beijing(onlineReceipt.recorded_at), '手写签名', '']
      if (h === PAPER) return [...who, '同意', '不同意', '纸质', beijing(paperReceipt.recorded_at), '纸质表照片', server.demo.staffUser]
      return [...who, '未投票', '未投票', '', '', '', '']
    })
    // Cell by cell, with the address of the first cell that differs.
    const cols = 'ABCDEFGHIJKL'
    for (let i = 0; i < expected.length; i += 1) {
      for (let c = 0; c < 12; c += 1) {
        assert.deepEqual(rows[i + 2][c], expected[i][c], `cell ${cols[c]}${i + 3} (${rows[1][c]} of room ${HOUSEHOLDS[i].room})`)
      }
      assert.equal(rows[i + 2].length, 12, `row ${i + 3} has nothing past column L`)
    }
    assert.match(rows[2 + HOUSEHOLDS.indexOf(ONLINE)][9], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'the time as a Beijing date and time')
    // No full owner name and no phone number anywhere in the file.
    const all = JSON.stringify(rows)
    for (const h of HOUSEHOLDS) {
      assert.ok(!all.includes(h.owner), `${h.owner} is masked`)
      assert.ok(!all.includes(h.phone), `${h.phone} is not in the roll`)
    }
  })

  test(
    "11b. the roll's file name carries the Beijing date of the export, as its title does",
    () => {
      assert.ok(rollFile, 'step 11 downloaded the roll')
      const exported = rollFile.title.match(/导出于 (\d{4}-\d{2}-\d{2})/)[1]
      assert.ok(rollFile.name.includes(exported), `file ${rollFile.name}, exported on ${exported} (Beijing)`)
    },
  )

  step('12. the public notice board, no sign-in, shows the result and the preliminary notice', async () => {
    boardContext = await browser.newContext(PHONE)
    boardContext.setDefaultTimeout(TIMEOUT)
    board = await boardContext.newPage()
    recordConsole(board, 'board')
    await board.goto(boardURL)
    await see(board, 'board-community', COMMUNITY)
    await see(board, 'board-plan-title', PLAN_TITLE)
    await see(board, 'board-participation', `已有 2 户参与，共 ${HOUSEHOLDS.length} 户`)
    assert.equal(await board.getByTestId('board-result-later').count(), 0, 'the vote is closed: the result is shown, not "later"')
    const result = await see(board, 'result', '表决结果')
    assert.match(result, new RegExp(`2 / ${HOUSEHOLDS.length} 户参与`))
    assert.match(result, /未全部通过/, '2 of 6 is far from 80 %')
    assert.match(result, /同意 2 户 · 不同意 0 户 · 弃权 0 户/, 'the plan: 2 agree')
    assert.match(result, /同意 1 户 · 不同意 1 户 · 弃权 0 户/, 'the management mode: 1 agrees, 1 does not')
    const notice = await see(board, 'notice-preliminary', '表决结果初步公示')
    assert.match(notice, /异议期到/)
    // The notice pins the count to the public record: its size and fingerprint.
    assert.match(await board.getByTestId('notice-record').first().innerText(), /按公开记录第 1 至 2 条计票，记录指纹 [0-9A-F]{4} [0-9A-F]{4}$/)
    assert.match(notice, new RegExp(`2 / ${HOUSEHOLDS.length} 户参与`))
    // Aggregates only: no household is named on the public board.
    const text = await board.locator('body').innerText()
    for (const h of HOUSEHOLDS) assert.ok(!text.includes(h.owner) && !text.includes(masked(h.owner)), `${h.owner} is not on the board`)
    assert.ok(!text.includes(OBJECTION), 'objections are not public')
    await shot(board, 'public-board')
  })

  step('13. wrong codes pause one address for one room; the committee sees who and lifts the pause', async () => {
    const LOCKED = HOUSEHOLDS[1]
    const buildingToken = residentURL.split('/b/')[1]
    const signIn = (code) =>
      fetch(`${server.baseURL}/api/v1/auth/household`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ building_token: buildingToken, room: LOCKED.room, code }),
      })
    for (let i = 0; i < 5; i++) assert.equal((await signIn('ABCD-EFGH')).status, 401, `wrong code ${i + 1}`)
    const refused = await signIn(codes[LOCKED.room])
    assert.equal(refused.status, 429, 'the sixth try from this address is refused, even with the right code')
    assert.equal((await refused.json()).error.code, 'too_many_guesses')

    await staff.goto(`${server.baseURL}/staff/registry/communities/${communityId}`)
    const row = staff.getByTestId('lockout-row')
    await row.waitFor()
    assert.match(await row.innerText(), new RegExp(`${LOCKED.room}[\\s\\S]*127\\.0\\.0\\.1[\\s\\S]*暂停到`))
    // The whole row, lift button included, fits the 1280 px console without
    // scrolling the table sideways (the source cell once pushed the button
    // out of sight, behind the table's own scroll bar).
    const fits = await row.evaluate((tr) => {
      const wrap = tr.closest('.table-wrap')
      return { scroll: wrap.scrollWidth, client: wrap.clientWidth }
    })
    assert.ok(fits.scroll <= fits.client, `the lockout table fits: ${fits.scroll} px of content in ${fits.client} px`)
    const lift = staff.getByRole('button', { name: '解除暂停' })
    await lift.scrollIntoViewIfNeeded()
    await shot(staff, 'lockout')
    await lift.click()
    await staff.getByTestId('lockouts-none').waitFor()
    assert.equal((await signIn(codes[LOCKED.room])).status, 200, 'lifted: the right code signs in again')
  })
})
