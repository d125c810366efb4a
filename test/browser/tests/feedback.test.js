// Complaints, stages and ratings end to end (issue 4), in a real Chromium
// against the real server. Set up through the API: a community with a
// building of 5 households, a published plan that 4 of them (80 %) agreed to.
// Then a resident on a phone (360×740) files a complaint with a photo; the city
// office (console, 1280×800) assigns it to a unit it registers on the spot and
// resolves it; the resident reopens it with a reason; the office resolves it
// again; the resident confirms and reads the whole history. The queue's
// "open only" filter hides the closed complaint. The rating is not offered
// before the acceptance; the office moves the project through its stages
// (refused at 销号 before the acceptance is recorded), records a passed
// acceptance; the resident rates the work and the office reads the rating.
// Screenshots go to artifacts/feedback/.
import assert from 'node:assert/strict'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe } from 'node:test'
import { ARTIFACTS, DESKTOP, PHONE, TIMEOUT, assertChineseRenders, launchChromium, see, shotsIn } from '../lib/browser.js'
import { confirmBox, drawImage, pickOption, staffSignIn } from '../lib/console.js'
import { confirmStartCriteria, seedProject, staffClient, vote } from '../lib/fixtures.js'
import { journey, recordConsole as record } from '../lib/journey.js'
import { startServer } from '../lib/server.js'

const OUT = join(ARTIFACTS, 'feedback')
const shot = shotsIn('feedback')
const STEP_TIMEOUT = 60_000

const DISTRICT = '驿城区'
const COMMUNITY = '人民街北院'
const BUILDING = '2号楼'
const YEAR = 2026
const HOUSEHOLDS = [
  { room: '101', entrance: '1单元', floor: 1, area: 56.4, owner: '张桂兰', phone: '13912340101' },
  { room: '102', entrance: '1单元', floor: 1, area: 58.1, owner: '李国庆', phone: '13912340102' },
  { room: '201', entrance: '1单元', floor: 2, area: 56.4, owner: '王红梅', phone: '13912340201' },
  { room: '202', entrance: '1单元', floor: 2, area: 58.1, owner: '赵德胜', phone: '13912340202' },
  { room: '301', entrance: '1单元', floor: 3, area: 56.4, owner: '孙秀珍', phone: '13912340301' },
]
const RESIDENT = HOUSEHOLDS[0] // files the complaint, rates the work; does not vote
const VOTERS = HOUSEHOLDS.slice(1) // 4 of 5 agree: 80 %, the consent is reached
const PLAN = {
  title: '人民街北院2026年老旧小区改造方案',
  summary: '翻新屋面防水，楼前装路灯，工期约三个月。',
  management_mode: 'professional',
  management_description: '引入专业化物业服务企业，物业费每月每平方米0.5元。',
  budget_total_yuan: 200000,
  funding: [
    { source: 'central', amount_yuan: 150000 },
    { source: 'city', amount_yuan: 50000 },
  ],
  items: [
    { catalog_code: '01', description: '屋面防水层全部翻新，更换落水管', quantity: '1200 ㎡', budget_yuan: 150000 },
    { catalog_code: '13', description: '楼前新装太阳能庭院路灯', quantity: '10 盏', budget_yuan: 50000 },
  ],
}
const COMPLAINT = '屋顶刚做完防水，昨晚下雨后6楼天花板又开始渗水，墙皮起鼓，请尽快来看看。'
const UNIT = { name: '驻马店市豫南建设工程有限公司', phone: '0396-2345678' }
const ASSIGN_NOTE = '请三个工作日内到现场查看。'
const RESOLVED_1 = '施工单位已到现场查看，重新处理了屋面防水卷材的搭接处。'
const REOPEN_REASON = '今天又下雨，天花板还是渗水，没有修好。'
const RESOLVED_2 = '做了48小时闭水试验无渗漏，并修补了6楼天花板和墙皮。'
const RATING_COMMENT = '屋顶不漏了，路灯也亮了。施工期间噪音有点大。'

let server
let browser
let office // the city office's API client
let seed // ids, token and codes from seedProject
const consoleLog = []

before(async () => {
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(OUT, { recursive: true })
  server = await startServer({ logFile: join(OUT, 'server.log') })
  browser = await launchChromium()
  office = await staffClient(server.baseURL, server.demo.staffUser, server.demo.staffPassword)
  seed = await seedProject(office, {
    district: DISTRICT,
    community: COMMUNITY,
    address: '驿城区人民街8号',
    builtYear: 1989,
    building: BUILDING,
    households: HOUSEHOLDS,
    year: YEAR,
    plan: PLAN,
  })
  // The 4 voters sign with a stroke drawn on a canvas, as their phones would.
  const scratch = await browser.newPage()
  const signature = `data:image/png;base64,${(await drawImage(scratch, { type: 'image/png', width: 600, height: 200, caption: '签名' })).toString('base64')}`
  await scratch.close()
  for (const h of VOTERS) {
    await vote(server.baseURL, { buildingToken: seed.buildingToken, room: h.room, code: seed.codes[h.room], planId: seed.planId, signature })
  }
  const consent = await office.get(`/api/v1/projects/${seed.projectId}/consent`)
  assert.equal(consent.eligible, HOUSEHOLDS.length)
  assert.equal(consent.voted, VOTERS.length)
  assert.equal(consent.reached, true, `4 of 5 agreeing reaches 80 %: ${JSON.stringify(consent.plan)}`)
  // Start criteria 2–5 confirmed with evidence, so that construction may begin.
  await confirmStartCriteria(office, seed.projectId)
  const criteria = await office.get(`/api/v1/projects/${seed.projectId}/start-criteria`)
  assert.equal(criteria.started, true, 'consent and the four confirmations make the project started')
  const project = await office.get(`/api/v1/projects/${seed.projectId}`)
  assert.equal(project.stage, 'survey', 'a new project starts at 调查摸底')
  assert.equal(project.accepted_on ?? null, null)
})

after(async () => {
  writeFileSync(join(OUT, 'browser-console.log'), consoleLog.join('\n') + '\n')
  await browser?.close().catch(() => {})
  await server?.stop()
})

/** The page's console and the requests that failed (lib/journey.js). */
const recordConsole = (page, who) => record(consoleLog, page, who)

/** Date parts of an instant in Beijing. */
function beijingParts(date) {
  return Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  )
}
/** 2026年11月23日, the day of an instant in Beijing. */
function chineseDay(date) {
  const p = beijingParts(date)
  return `${p.year}年${p.month}月${p.day}日`
}
/** A deadline at 24:00 Beijing time as both apps write it: the day before midnight, "… 24:00". */
function chineseDeadline(iso) {
  const d = new Date(iso)
  const p = beijingParts(d)
  assert.equal(`${p.hour}:${p.minute}`, '00:00', `the deadline ${iso} is the end of a day in Beijing`)
  return `${chineseDay(new Date(d.getTime() - 1))} 24:00`
}
/**
 * The end (24:00 Beijing) of the n-th working day after the Beijing day of
 * `from`, Monday to Friday: the server's rule, with no holidays configured.
 */
function workingDeadline(from, n) {
  const p = beijingParts(new Date(from))
  let day = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day))
  while (n > 0) {
    day += 86400_000
    const wd = new Date(day).getUTCDay()
    if (wd !== 0 && wd !== 6) n -= 1
  }
  return new Date(day + 86400_000 - 8 * 3600_000).toISOString()
}
/** "… · 2026年11月23日 22:05": who did it, and when. */
const WHO_WHEN = /\S.* · \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/

/** Waits until the first <img> inside `selector` has loaded, and returns its natural size. */
async function loadedImage(page, selector) {
  await page.locator(selector).first().scrollIntoViewIfNeeded()
  const handle = await page.waitForFunction(
    (sel) => {
      const img = document.querySelector(sel)
      return img && img.complete && img.naturalWidth > 0 ? { w: img.naturalWidth, h: img.naturalHeight } : null
    },
    selector,
    { timeout: TIMEOUT },
  )
  return handle.jsonValue()
}

describe('a complaint from a phone (360×740) handled in the console (1280×800), then the rating', () => {
  let residentContext
  let resident // the phone of room 101
  let staffContext
  let staff // the city office's console
  const step = journey(() => ({ resident, staff }), shot, STEP_TIMEOUT)

  let complaintId
  let assignedDeadline

  before(async () => {
    residentContext = await browser.newContext(PHONE)
    residentContext.setDefaultTimeout(TIMEOUT)
    resident = await residentContext.newPage()
    recordConsole(resident, 'resident')
    staffContext = await browser.newContext(DESKTOP)
    staffContext.setDefaultTimeout(TIMEOUT)
    staff = await staffContext.newPage()
    recordConsole(staff, 'staff')
  })
  after(async () => {
    for (const c of [residentContext, staffContext]) await c?.close().catch(() => {})
  })

  step('1. the resident signs in; 施工与售后 offers complaints and progress, and no rating before the acceptance', async () => {
    await resident.goto(seed.residentURL)
    await see(resident, 'community-name', COMMUNITY)
    await see(resident, 'building-name', BUILDING)
    await resident.getByTestId('room-input').fill(RESIDENT.room)
    await resident.getByTestId('code-input').fill(seed.codes[RESIDENT.room])
    await resident.getByTestId('login-submit').click()
    // Voting is open and the household has not voted: sign-in leads to the vote; the plan is a tap away.
    await resident.waitForURL('**/vote')
    const projectAnswer = resident.waitForResponse((r) => r.url().endsWith('/api/v1/me/project') && r.request().method() === 'GET')
    await resident.getByTestId('vote-read-plan').click()
    await resident.waitForURL('**/plan')
    await see(resident, 'household', `${BUILDING} ${RESIDENT.room} 室`)
    const project = await (await projectAnswer).json()
    assert.equal(project.stage, 'survey')
    assert.equal(project.rating_open, false, 'no rating before the acceptance')
    await see(resident, 'feedback-links', '施工与售后')
    await see(resident, 'link-complaints', '投诉与报修')
    await see(resident, 'link-progress', '施工进度')
    assert.equal(await resident.getByTestId('link-rating').count(), 0, 'the plan page offers no rating before the acceptance')
    await assertChineseRenders(resident, '[data-testid=feedback-links] h2')
    await resident.getByTestId('feedback-links').scrollIntoViewIfNeeded()
    await shot(resident, 'phone-plan-feedback-links', { fullPage: false })

    // Typed in by hand, /rating says when it opens and shows no form.
    await resident.goto(`${server.baseURL}/rating`)
    await see(resident, 'rating-not-open', '工程验收通过后才能评价')
    assert.equal(await resident.getByTestId('rating-form').count(), 0)
    await shot(resident, 'phone-rating-not-open')
  })

  step('2. the resident files a complaint: category, plan item, description, where, a photo; it shows as 已提交', async () => {
    await resident.goto(`${server.baseURL}/plan`)
    await resident.getByTestId('link-complaints').tap()
    await resident.waitForURL('**/complaints')
    await see(resident, 'complaints-none', '还没有投诉')
    await resident.getByTestId('complaint-new').tap()
    await resident.waitForURL('**/complaints/new')
    await see(resident, 'complaint-form', '问题类型')

    // Sent empty: the form says what is missing and sends nothing.
    let posted = 0
    const countPosts = (r) => {
      if (r.url().endsWith('/api/v1/me/complaints') && r.method() === 'POST') posted += 1
    }
    resident.on('request', countPosts)
    await resident.getByTestId('complaint-submit').tap()
    await resident.getByRole('alert').filter({ hasText: '请选择问题类型' }).waitFor()
    await see(resident, 'description-error', '请至少写 5 个字')
    assert.equal(posted, 0, 'an incomplete complaint is not sent')

    await resident.getByTestId('category-quality').tap()
    assert.ok(await resident.getByTestId('category-quality').locator('input').isChecked(), '工程质量 is chosen')
    await resident.getByTestId('complaint-item').selectOption('01')
    await resident.getByTestId('complaint-description').fill(COMPLAINT)
    await resident.getByTestId('complaint-entrance').fill('1')
    await resident.getByTestId('complaint-floor').fill('6')
    // A phone photo, 2400×1800: the app shrinks it to 1600 px before sending.
    const photo = await drawImage(resident, { type: 'image/jpeg', width: 2400, height: 1800, caption: '6楼天花板渗水' })
    await resident.getByTestId('photo-input').setInputFiles({ name: 'IMG_20261123_0815.jpg', mimeType: 'image/jpeg', buffer: photo })
    await see(resident, 'photo-count', '已选 1 张')
    await loadedImage(resident, '[data-testid=photo-preview] img')
    await shot(resident, 'phone-complaint-form')

    const [res] = await Promise.all([
      resident.waitForResponse((r) => r.url().endsWith('/api/v1/me/complaints') && r.request().method() === 'POST'),
      resident.getByTestId('complaint-submit').tap(),
    ])
    resident.off('request', countPosts)
    assert.equal(res.status(), 201, `the complaint was accepted (${await res.text()})`)
    const sent = await res.json()
    complaintId = sent.id
    assert.equal(sent.status, 'submitted')
    assert.equal(sent.category, 'quality')
    assert.equal(sent.catalog_code, '01')
    assert.equal(sent.entrance, '1')
    assert.equal(sent.floor, '6')
    assert.equal(sent.photos.length, 1, 'the photo went with it')
    assert.equal(sent.project_id, seed.projectId)

    await resident.waitForURL(`**/complaints/${complaintId}?sent=1`)
    await see(resident, 'complaint-sent', '已提交，社区会尽快受理')
    await see(resident, 'complaint-status', '已提交')
    assert.equal(new Date(sent.deadline).toISOString(), workingDeadline(sent.created_at, 1), 'to be acknowledged by the end of the next working day')
    await see(resident, 'complaint-deadline', chineseDeadline(sent.deadline))
    await see(resident, 'complaint-detail', COMPLAINT)
    await see(resident, 'complaint-detail', `${BUILDING} 1 单元 6 层`)
    const size = await loadedImage(resident, '[data-testid=photo-thumb] img')
    assert.deepEqual(size, { w: 1600, h: 1200 }, 'the photo loads from the server, shrunk on the phone to 1600 px')
    await assertChineseRenders(resident, '[data-testid=complaint-status]')

    await resident.getByRole('button', { name: '返回投诉列表' }).tap()
    await resident.waitForURL('**/complaints')
    const card = resident.getByTestId('complaint-card').filter({ hasText: `第 ${complaintId} 号` })
    await card.waitFor()
    assert.equal(await resident.getByTestId('complaint-card').count(), 1)
    const cardText = await card.innerText()
    assert.match(cardText, /工程质量/)
    assert.match(cardText, /已提交/)
    assert.ok(cardText.includes(COMPLAINT.slice(0, 10)), `the card shows the description: ${cardText}`)
    await shot(resident, 'phone-complaint-list')
  })

  step('3. the office finds it in 投诉, sees the photo, adds a unit and assigns it: a deadline is set', async () => {
    await staffSignIn(staff, server.baseURL, server.demo.staffUser, server.demo.staffPassword)
    await staff.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '投诉', exact: true }).click()
    await staff.waitForURL('**/staff/complaints')
    const row = staff.getByTestId('complaint-row').filter({ has: staff.getByTestId(`complaint-open-${complaintId}`) })
    await row.waitFor()
    const rowText = await row.innerText()
    for (const want of ['工程质量', COMMUNITY, `${BUILDING} 1单元 6层`, '已提交，待受理', '居民']) {
      assert.ok(rowText.includes(want), `the queue row shows ${want}: ${rowText}`)
    }

    await staff.getByTestId(`complaint-open-${complaintId}`).click()
    await staff.waitForURL(`**/staff/complaints/${complaintId}`)
    await staff.getByRole('heading', { name: `投诉 #${complaintId} · 工程质量` }).waitFor()
    await see(staff, 'complaint-description', COMPLAINT)
    await see(staff, 'complaint-household', `${BUILDING} · ${RESIDENT.room} 室 · 张**`)
    await see(staff, 'status-submitted', '已提交，待受理')
    await loadedImage(staff, '[data-testid=photos] img')
    await assertChineseRenders(staff, 'h1')

    await staff.getByTestId('action-assigned').click()
    await see(staff, 'form-assigned', '选择负责处理的单位')
    await staff.getByTestId('unit-add').click()
    const dialog = staff.getByTestId('unit-form')
    await dialog.waitFor()
    await staff.getByTestId('unit-name').fill(UNIT.name)
    await dialog.getByRole('radio', { name: '施工单位' }).check()
    await staff.getByTestId('unit-phone').fill(UNIT.phone)
    const [unitRes] = await Promise.all([
      staff.waitForResponse((r) => r.url().endsWith('/api/v1/units') && r.request().method() === 'POST'),
      staff.getByTestId('unit-save').click(),
    ])
    assert.equal(unitRes.status(), 201, `the unit was registered (${await unitRes.text()})`)
    const unit = await unitRes.json()
    assert.equal(unit.kind, 'contractor')
    assert.equal(unit.district_id, seed.districtId, 'the dialog proposes the complaint’s district')
    await dialog.waitFor({ state: 'hidden' })
    await see(staff, 'unit-select', UNIT.name) // chosen at once
    await staff.locator('#action-note').fill(ASSIGN_NOTE)

    const [res] = await Promise.all([
      staff.waitForResponse((r) => r.url().endsWith(`/api/v1/complaints/${complaintId}/transitions`) && r.request().method() === 'POST'),
      staff.getByTestId('action-submit').click(),
    ])
    assert.equal(res.status(), 200, `assigned (${await res.text()})`)
    const assigned = await res.json()
    assert.equal(assigned.status, 'assigned')
    assert.equal(assigned.unit.id, unit.id)
    assignedDeadline = assigned.deadline
    const assignedAt = assigned.events.find((e) => e.to === 'assigned').at
    assert.equal(new Date(assignedDeadline).toISOString(), workingDeadline(assignedAt, 5), `5 working days after the assignment (${assignedAt})`)
    const deadlineText = chineseDeadline(assignedDeadline)
    await see(staff, 'action-done', `已派单给${UNIT.name}，办结期限 ${deadlineText}`)
    await see(staff, 'status-assigned', '已派单')
    await see(staff, 'complaint-facts', `${UNIT.name}（施工单位）`)
    await see(staff, 'deadline', deadlineText)
    const events = await staff.getByTestId('timeline-event').allInnerTexts()
    assert.equal(events.length, 2, `submitted and assigned: ${JSON.stringify(events)}`)
    assert.match(events[0], /已提交，待受理 → 已派单/, 'newest first')
    assert.ok(events[0].includes(`责任单位：${UNIT.name}`) && events[0].includes(ASSIGN_NOTE))
    await shot(staff, 'console-complaint-assigned')
  })

  step('4. the office resolves it with a note (a note is required)', async () => {
    await staff.getByTestId('action-resolved').click()
    await staff.getByTestId('action-submit').click()
    await see(staff, 'action-problems', '请写明办理结果')
    await staff.locator('#action-note').fill(RESOLVED_1)
    await staff.getByTestId('action-submit').click()
    await see(staff, 'action-done', '已办结，等待住户确认')
    await see(staff, 'status-resolved', '已办结，待确认')
    await see(staff, 'complaint-facts', '住户不确认将自动关闭于')
    await see(staff, 'timeline-event', RESOLVED_1)
    await shot(staff, 'console-complaint-resolved')
  })

  step('5. the resident reads 已办结，待确认 and the note, says it is not fixed and why: 已重新打开', async () => {
    await resident.goto(`${server.baseURL}/complaints/${complaintId}`)
    await see(resident, 'complaint-status', '已办结，待确认')
    await see(resident, 'complaint-unit', UNIT.name)
    await see(resident, 'complaint-event', RESOLVED_1)
    await see(resident, 'complaint-actions', '社区说已经办好了')
    await shot(resident, 'phone-complaint-resolved')

    await resident.getByTestId('complaint-reopen').tap()
    const form = resident.getByTestId('reopen-form')
    await form.waitFor()
    await resident.getByTestId('reopen-reason').fill('没修好')
    await resident.getByTestId('reopen-submit').tap()
    await see(resident, 'reopen-error', '请至少写 5 个字')
    await resident.getByTestId('reopen-reason').fill(REOPEN_REASON)
    const [res] = await Promise.all([
      resident.waitForResponse((r) => r.url().endsWith(`/api/v1/me/complaints/${complaintId}/reopen`)),
      resident.getByTestId('reopen-submit').tap(),
    ])
    assert.equal(res.status(), 200, `reopened (${await res.text()})`)
    await form.waitFor({ state: 'hidden' })
    await see(resident, 'complaint-done', '已重新打开，社区会再处理')
    await see(resident, 'complaint-status', '已重新打开')
    await see(resident, 'complaint-event', REOPEN_REASON)
    assert.equal(await resident.getByTestId('complaint-actions').count(), 0, 'nothing to confirm while it is open again')
    await shot(resident, 'phone-complaint-reopened')
  })

  step('6. the office sees the reason and resolves it again', async () => {
    await staff.reload()
    await see(staff, 'status-reopened', '已重新打开')
    const reopened = staff.getByTestId('timeline-event').first()
    assert.match(await reopened.innerText(), new RegExp(`已办结，待确认 → 已重新打开[\\s\\S]*住户[\\s\\S]*${REOPEN_REASON}`))
    await staff.getByTestId('action-resolved').click()
    await staff.locator('#action-note').fill(RESOLVED_2)
    await staff.getByTestId('action-submit').click()
    await see(staff, 'action-done', '已办结，等待住户确认')
    await see(staff, 'status-resolved', '已办结，待确认')
  })

  step('7. the resident confirms: 已关闭, and the history shows every step with who and when', async () => {
    await resident.reload()
    await see(resident, 'complaint-status', '已办结，待确认')
    await see(resident, 'complaint-event', RESOLVED_2)
    const [res] = await Promise.all([
      resident.waitForResponse((r) => r.url().endsWith(`/api/v1/me/complaints/${complaintId}/confirm`)),
      resident.getByTestId('complaint-confirm').tap(),
    ])
    assert.equal(res.status(), 200, `confirmed (${await res.text()})`)
    await see(resident, 'complaint-done', '谢谢确认，这条投诉已关闭')
    await see(resident, 'complaint-status', '已关闭')
    assert.equal(await resident.getByTestId('complaint-actions').count(), 0)
    assert.equal(await resident.getByTestId('complaint-deadline').count(), 0, 'a closed complaint has no deadline')

    const events = await resident.getByTestId('complaint-event').evaluateAll((lis) =>
      lis.map((li) => ({
        what: li.querySelector('.what').innerText.trim(),
        who: li.querySelector('.who').innerText.trim(),
        text: li.innerText,
      })),
    )
    const byOffice = `市改造办 ${server.demo.staffUser}`
    assert.deepEqual(
      events.map((e) => [e.what, e.who.split(' · ')[0]]),
      [
        ['已提交，待受理', '您'],
        ['已派单', byOffice],
        ['已办结，待确认', byOffice],
        ['已重新打开', '您'],
        ['已办结，待确认', byOffice],
        ['已关闭', '您'],
      ],
      'oldest first: every status, and who moved it',
    )
    for (const e of events) assert.match(e.who, WHO_WHEN, `who and when: ${e.who}`)
    assert.ok(events[1].text.includes(`派给：${UNIT.name}`) && events[1].text.includes(`办理期限：${chineseDeadline(assignedDeadline)} 前`))
    assert.ok(events[2].text.includes(RESOLVED_1))
    assert.ok(events[3].text.includes(REOPEN_REASON))
    assert.ok(events[4].text.includes(RESOLVED_2))
    await resident.getByRole('heading', { name: '处理经过' }).scrollIntoViewIfNeeded()
    await shot(resident, 'phone-complaint-timeline')
  })

  step('8. the console: the complaint is finished; 只看未办结 hides it, without the filter it is there', async () => {
    await staff.reload()
    await see(staff, 'status-closed', '已关闭')
    await see(staff, 'complaint-finished', '已经结束')
    assert.equal(await staff.getByTestId('timeline-event').count(), 6)
    assert.equal(await staff.getByTestId('action-resolved').count(), 0, 'only a reply is left')
    await shot(staff, 'console-complaint-closed')

    await staff.getByRole('link', { name: '返回投诉列表' }).click()
    await staff.waitForURL('**/staff/complaints')
    // The demo's complaints of other communities are in the city's queue too: this project only.
    await pickOption(staff, 'filter-project', `${COMMUNITY} · ${YEAR}`)
    await staff.waitForURL(new RegExp(`/staff/complaints\\?project_id=${seed.projectId}$`))
    assert.ok(await staff.getByTestId('filter-open').locator('input').isChecked(), '只看未办结 is on by default')
    await see(staff, 'queue-empty', '没有符合条件的投诉')
    assert.equal(await staff.getByTestId('complaint-row').count(), 0, 'the closed complaint is hidden')

    await staff.getByTestId('filter-open').click()
    await staff.waitForURL(/open=false/)
    const row = staff.getByTestId('complaint-row').filter({ has: staff.getByTestId(`complaint-open-${complaintId}`) })
    await row.waitFor()
    assert.match(await row.innerText(), /已关闭/)
    await see(staff, 'queue-range', '共 1 条')
    await shot(staff, 'console-queue-all')

    await staff.getByTestId('filter-open').click()
    await see(staff, 'queue-empty', '没有符合条件的投诉')
  })

  step('9. the office moves the project to 工程验收; 销号 is refused until a passed acceptance is recorded', async () => {
    await staff.goto(`${server.baseURL}/staff/projects/${seed.projectId}/stage`)
    await see(staff, 'project-stage', '阶段：调查摸底')
    await staff.locator('[data-testid=stage-survey][aria-current=step]').waitFor()
    for (const [stage, name] of [
      ['mobilization', '宣传发动'],
      ['planning', '制定方案'],
      ['construction', '组织施工'],
      ['acceptance', '工程验收'],
    ]) {
      await staff.getByTestId('stage-advance').filter({ hasText: `进入“${name}”` }).click()
      await confirmBox(staff, '确定', { expect: '阶段只能一步一步往前走' })
      await staff.locator(`[data-testid=stage-${stage}][aria-current=step]`).waitFor()
      await see(staff, 'project-stage', `阶段：${name}`)
    }
    await see(staff, 'accepted-on', '尚未')

    await staff.getByTestId('stage-advance').filter({ hasText: '进入“销号”' }).click()
    await confirmBox(staff, '确定')
    await see(staff, 'stage-refused', '工程验收还没有通过')
    await staff.locator('[data-testid=stage-acceptance][aria-current=step]').waitFor()
    await shot(staff, 'console-stage-refused')

    await see(staff, 'acceptance-form', '验收结果')
    const today = beijingParts(new Date())
    const todayISO = `${today.year}-${today.month.padStart(2, '0')}-${today.day.padStart(2, '0')}`
    assert.equal(await staff.getByTestId('acceptance-date').inputValue(), todayISO, 'the date defaults to today in Beijing')
    await staff.getByTestId('acceptance-pass').click()
    await staff.getByTestId('acceptance-note').fill('区住建局组织竣工验收，屋面闭水试验合格。')
    const [res] = await Promise.all([
      staff.waitForResponse((r) => r.url().endsWith(`/api/v1/projects/${seed.projectId}/acceptance`)),
      staff.getByTestId('acceptance-submit').click(),
    ])
    assert.ok(res.ok(), `the acceptance was recorded (${res.status()} ${await res.text()})`)
    await see(staff, 'accepted-on', todayISO)

    await staff.getByTestId('stage-advance').filter({ hasText: '进入“销号”' }).click()
    await confirmBox(staff, '确定')
    await see(staff, 'stage-final', '项目已销号')
    await see(staff, 'project-stage', '阶段：销号')
    await see(staff, 'handed-over-at', chineseDay(new Date()))
    const history = await staff.getByTestId('stage-event').allInnerTexts()
    assert.equal(history.length, 5, `five moves, each with when and who: ${JSON.stringify(history)}`)
    for (const h of history) assert.ok(h.includes(server.demo.staffUser), `who moved it: ${h}`)
    await shot(staff, 'console-stages')
  })

  step('10. the resident now finds 评价改造工程 and rates overall and 4 dimensions, with a comment', async () => {
    const projectAnswer = resident.waitForResponse((r) => r.url().endsWith('/api/v1/me/project') && r.request().method() === 'GET')
    await resident.goto(`${server.baseURL}/plan`)
    const project = await (await projectAnswer).json()
    assert.equal(project.rating_open, true)
    assert.equal(project.stage, 'handed_over')
    await see(resident, 'link-rating', '评价改造工程')
    await resident.getByTestId('link-rating').tap()
    await resident.waitForURL('**/rating')
    await see(resident, 'rating-form', '1 颗星最不满意')

    const star = (name, n) => resident.getByTestId(`rate-${name}`).getByRole('radio').nth(n - 1)
    // Only the overall score: the form names the four that are missing.
    await star('overall', 5).tap()
    await see(resident, 'rate-overall-value', '5 颗星')
    await resident.getByTestId('rating-submit').tap()
    await see(resident, 'rating-error', '工程质量、文明施工、工期进度、沟通服务')

    await star('quality', 4).tap()
    await star('civilised', 5).tap()
    await star('timeliness', 3).tap()
    await star('communication', 4).tap()
    await see(resident, 'rate-communication-value', '4 颗星')
    // The keyboard works too: one more star with the right arrow.
    await star('communication', 4).focus()
    await resident.keyboard.press('ArrowRight')
    await see(resident, 'rate-communication-value', '5 颗星')
    await see(resident, 'rate-quality-value', '4 颗星')
    await see(resident, 'rate-timeliness-value', '3 颗星')
    await star('item-01', 4).tap() // the roof, one of the plan's items (optional)
    await see(resident, 'rate-item-01-value', '4 颗星')
    await resident.getByTestId('rating-comment').fill(RATING_COMMENT)

    const [res] = await Promise.all([
      resident.waitForResponse((r) => r.url().endsWith('/api/v1/me/ratings') && r.request().method() === 'POST'),
      resident.getByTestId('rating-submit').tap(),
    ])
    assert.equal(res.status(), 201, `the rating was saved (${await res.text()})`)
    const rating = await res.json()
    assert.deepEqual(
      [rating.overall, rating.quality, rating.civilised, rating.timeliness, rating.communication],
      [5, 4, 5, 3, 5],
    )
    assert.deepEqual(rating.items, [{ catalog_code: '01', score: 4 }])
    await see(resident, 'rating-saved', '评价已提交，谢谢')
    const editable = await see(resident, 'rating-editable', '前可以修改')
    const until = new Date(rating.editable_until)
    const days = (until.getTime() - Date.now()) / 86400_000
    assert.ok(days > 29 && days <= 30.01, `changeable for 30 days: ${rating.editable_until}`)
    assert.ok(editable.includes(chineseDay(until)), `"${editable}" names the day, ${chineseDay(until)}`)
    await see(resident, 'rating-submit', '修改评价')
    await assertChineseRenders(resident, '[data-testid=rate-overall] .name')
    await shot(resident, 'phone-rating-saved')

    // After a reload it is still there, to be changed.
    await resident.reload()
    await see(resident, 'rate-timeliness-value', '3 颗星')
    assert.equal(await resident.getByTestId('rating-comment').inputValue(), RATING_COMMENT)
  })

  step('11. the project’s 满意度 tab shows the one rating: 100 % satisfied overall, the dimensions and the comment', async () => {
    await staff.getByTestId('tab-project-satisfaction').click()
    await staff.waitForURL(`**/staff/projects/${seed.projectId}/satisfaction`)
    await see(staff, 'satisfaction-headline', `1 户评价（共 ${HOUSEHOLDS.length} 户），满意率 100%，平均 5.00 分`)
    const rows = await staff.getByTestId('dimension-row').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText.trim())))
    assert.deepEqual(rows, [
      ['总体评价', '1', '100%', '5.00'],
      ['工程质量', '1', '100%', '4.00'],
      ['文明施工', '1', '100%', '5.00'],
      ['工期进度', '1', '0%', '3.00'],
      ['沟通服务', '1', '100%', '5.00'],
    ])
    await see(staff, 'item-row', '01')
    assert.match(await staff.getByTestId('item-row').first().innerText(), /1\s+100%\s+4\.00/)
    await see(staff, 'rating-comment', RATING_COMMENT)
    await see(staff, 'rating-comment', '总体 5 分')
    await shot(staff, 'console-satisfaction')
  })
})
