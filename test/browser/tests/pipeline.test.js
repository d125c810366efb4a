// The pipeline end to end (issue 5), in a real Chromium against the real
// server, all in the staff console at 1280×800 as the demo's city office. Set
// up through the API: a community in 驿城区 with a project of this year and a
// published plan that 4 of its 5 households (80 %) agreed to. Then: register
// it in the ledger (台账; a funding split that does not add up is refused
// live); advance it through the stages until 组织施工 is refused with the four
// start criteria still to confirm; confirm criteria 2–5 with a date, a person
// and a photo or PDF as evidence (已开工); advance to 工程验收, record a
// passed acceptance with one issue to rectify, see 销号 refused until it is
// rectified, then hand it over. The dashboard's 已开工 and 已完成 of 驿城区 grew
// by the ledger's households and open the projects behind them; the monthly
// report (月报) downloaded for 驿城区 says the same. Screenshots go to
// artifacts/pipeline/.
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe } from 'node:test'
import { ARTIFACTS, DESKTOP, TIMEOUT, assertChineseRenders, launchChromium, see, shotsIn } from '../lib/browser.js'
import { confirmBox, drawImage, pickOption, staffSignIn, typeNumber } from '../lib/console.js'
import { evidencePDF, seedProject, staffClient, vote } from '../lib/fixtures.js'
import { journey, recordConsole as record } from '../lib/journey.js'
import { startServer } from '../lib/server.js'
import { readXlsx } from '../lib/xlsx.js'

const OUT = join(ARTIFACTS, 'pipeline')
const shot = shotsIn('pipeline')
const STEP_TIMEOUT = 60_000

/** Date parts of an instant in Beijing. */
function beijingParts(date) {
  return Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  )
}
/** YYYY-MM-DD, the day of an instant in Beijing. */
function beijingDay(date) {
  const p = beijingParts(date)
  return `${p.year}-${p.month.padStart(2, '0')}-${p.day.padStart(2, '0')}`
}
/** 2026年11月24日, as the console writes a day. */
function chineseDay(date) {
  const p = beijingParts(date)
  return `${p.year}年${p.month}月${p.day}日`
}

const TODAY = beijingDay(new Date())
const YEAR = Number(TODAY.slice(0, 4))
const MONTH = TODAY.slice(0, 7)
const DISTRICT = '驿城区' // the demo's, with its targets for this year
const COMMUNITY = '解放路西院'
const BUILDING = '3号楼'
const HOUSEHOLDS = [
  { room: '101', entrance: '1单元', floor: 1, area: 62.3, owner: '周玉兰', phone: '13912350101' },
  { room: '102', entrance: '1单元', floor: 1, area: 64.8, owner: '吴建军', phone: '13912350102' },
  { room: '201', entrance: '1单元', floor: 2, area: 62.3, owner: '郑淑芬', phone: '13912350201' },
  { room: '202', entrance: '1单元', floor: 2, area: 64.8, owner: '冯志强', phone: '13912350202' },
  { room: '301', entrance: '1单元', floor: 3, area: 62.3, owner: '陈秀英', phone: '13912350301' },
]
const VOTERS = HOUSEHOLDS.slice(1) // 4 of 5 agree: 80 %, the consent is reached
const PLAN = {
  title: `${COMMUNITY}${YEAR}年老旧小区改造方案`,
  summary: '更换供水管网，外墙保温，增设非机动车充电车棚。',
  management_mode: 'professional',
  management_description: '引入专业化物业服务企业，物业费每月每平方米0.6元。',
  budget_total_yuan: 300000,
  funding: [
    { source: 'central', amount_yuan: 200000 },
    { source: 'city', amount_yuan: 100000 },
  ],
  items: [
    { catalog_code: '01', description: '屋面防水层全部翻新', quantity: '1500 ㎡', budget_yuan: 200000 },
    { catalog_code: '13', description: '楼前新装太阳能庭院路灯', quantity: '20 盏', budget_yuan: 100000 },
  ],
}
/** The ledger entry: 120 households, which is what the reports count from now on (not the 5 on the roll). */
const LEDGER = {
  households: 120,
  buildings: 4,
  area: 8640.5,
  investment: 3_600_000,
  person: '驿城区住建局 李卫东',
  phone: '0396-2611234',
  design: '驻马店市城乡规划设计研究院',
  construction: '河南天中建设工程有限公司',
  supervision: '驻马店市正信工程监理有限公司',
}
/** Confirmations of the start criteria 2–5: a few days back, the last one today (the console's default). */
function daysAgo(n) {
  return beijingDay(new Date(Date.now() - n * 86400_000))
}
const CRITERIA = [
  { n: 2, name: '完成违章建筑和临时建筑拆除', date: daysAgo(3), person: '城管执法中队 王队长', note: '拆除违建棚屋6处', file: 'c2-拆违验收单.pdf' },
  { n: 3, name: '完成项目设计并在小区内公示', date: daysAgo(2), person: '社区主任 刘', note: '设计方案在小区公示栏公示7天', file: 'c3-设计公示.pdf' },
  { n: 4, name: '已有确定的施工队伍并签订施工合同', date: daysAgo(1), person: '区住建局 张工', note: '', file: 'c4-施工合同.pdf' },
  { n: 5, name: '施工队伍进场且现场有明显的形象进度', date: TODAY, person: '监理 赵工', note: '施工队伍进场，搭设围挡', file: 'c5-进场照片.jpg' },
]
/** The day the project starts: the latest confirmation (the consent was reached before, on the day of the votes). */
const STARTED_ON = CRITERIA.map((c) => c.date).sort().at(-1)
const RECTIFY = '3号楼2单元雨水管破损，需更换'
const RECTIFIED = '已更换破损雨水管并复查合格'

let server
let browser
let office // the city office's API client
let seed // ids, token and codes from seedProject
let districtId
let before0 // 驿城区 on the dashboard before: { started, completed }
const consoleLog = []

before(async () => {
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(OUT, { recursive: true })
  server = await startServer({ logFile: join(OUT, 'server.log') })
  browser = await launchChromium()
  office = await staffClient(server.baseURL, server.demo.staffUser, server.demo.staffPassword)
  const districts = (await office.get('/api/v1/districts')).items
  assert.ok(districts.some((d) => d.name === DISTRICT), `the demo has ${DISTRICT}`)
  seed = await seedProject(office, {
    district: DISTRICT,
    community: COMMUNITY,
    address: '驿城区解放路66号',
    builtYear: 1992,
    building: BUILDING,
    households: HOUSEHOLDS,
    year: YEAR,
    plan: PLAN,
  })
  districtId = seed.districtId
  const scratch = await browser.newPage()
  const signature = `data:image/png;base64,${(await drawImage(scratch, { type: 'image/png', width: 600, height: 200, caption: '签名' })).toString('base64')}`
  await scratch.close()
  for (const h of VOTERS) {
    await vote(server.baseURL, { buildingToken: seed.buildingToken, room: h.room, code: seed.codes[h.room], planId: seed.planId, signature })
  }
  const consent = await office.get(`/api/v1/projects/${seed.projectId}/consent`)
  assert.equal(consent.reached, true, `4 of 5 agreeing reaches 80 %: ${JSON.stringify(consent.plan)}`)
  const project = await office.get(`/api/v1/projects/${seed.projectId}`)
  assert.equal(project.stage, 'survey')
  assert.equal(project.registered_at, null, 'not in the ledger yet')
  assert.equal(project.started_on, null)

  // The dashboard's figures of 驿城区 before anything happens in the console.
  const dash = await office.get(`/api/v1/dashboard?year=${YEAR}`)
  const d = dash.districts.find((x) => x.district_id === districtId)
  assert.ok(d, `${DISTRICT} is on the dashboard: ${JSON.stringify(dash.districts.map((x) => x.district_name))}`)
  before0 = { started: d.started_households, completed: d.completed_households }
})

after(async () => {
  writeFileSync(join(OUT, 'browser-console.log'), consoleLog.join('\n') + '\n')
  await browser?.close().catch(() => {})
  await server?.stop()
})

/** The page's console and the requests that failed (lib/journey.js). */
const recordConsole = (page, who) => record(consoleLog, page, who)

/** Waits until the first <img> matching `selector` has loaded; returns its natural size. */
async function loadedImage(page, selector) {
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

/**
 * Waits until the element (or the Element Plus overlay it sits in) has no
 * enter transition or animation running, so a screenshot shows it whole.
 */
async function settled(locator) {
  const handle = await locator.elementHandle()
  await locator.page().waitForFunction(
    (el) => {
      const root = el.closest('.el-overlay') ?? el
      const entering = [root, ...root.querySelectorAll('*')].some((e) => typeof e.className === 'string' && e.className.includes('-enter-'))
      return !entering && root.getAnimations({ subtree: true }).every((a) => a.playState !== 'running')
    },
    handle,
    { timeout: TIMEOUT },
  )
  await handle.dispose()
}

/** Waits for the answer to `method path` (a path ending) while `action` runs. */
async function answered(page, method, pathEnd, action) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname.endsWith(pathEnd) && r.request().method() === method),
    action(),
  ])
  return res
}

describe('a project through the pipeline in the console (1280×800): ledger, stages, start criteria, acceptance, dashboard, 月报', () => {
  let context
  let staff
  const step = journey(() => ({ staff }), shot, STEP_TIMEOUT)
  let dashStarted // what the console's dashboard shows for 驿城区
  let dashCompleted

  before(async () => {
    context = await browser.newContext({ ...DESKTOP, acceptDownloads: true })
    context.setDefaultTimeout(TIMEOUT)
    staff = await context.newPage()
    recordConsole(staff, 'staff')
  })
  after(async () => {
    await context?.close().catch(() => {})
  })

  step('1. 台账: the project is registered (新开工, 120 households); funding that does not add up is refused live', async () => {
    await staffSignIn(staff, server.baseURL, server.demo.staffUser, server.demo.staffPassword)
    await staff.getByTestId(`project-open-${seed.projectId}`).click()
    await staff.waitForURL(`**/staff/projects/${seed.projectId}`)
    await staff.getByTestId('tab-ledger').click()
    await staff.waitForURL(`**/staff/projects/${seed.projectId}/ledger`)
    await see(staff, 'ledger-registered', '尚未登记')
    assert.equal(await staff.getByTestId('project-kind').count(), 0, 'no kind in the heading before the registration')

    await staff.getByTestId('ledger-kind-new').click()
    await typeNumber(staff, 'ledger-households', LEDGER.households)
    await typeNumber(staff, 'ledger-buildings', LEDGER.buildings)
    await typeNumber(staff, 'ledger-area', LEDGER.area)
    await staff.getByTestId('ledger-person').fill(LEDGER.person)
    await staff.getByTestId('ledger-phone').fill(LEDGER.phone)
    await staff.getByTestId('ledger-design_unit').fill(LEDGER.design)
    await staff.getByTestId('ledger-construction_unit').fill(LEDGER.construction)
    await staff.getByTestId('ledger-supervision_unit').fill(LEDGER.supervision)

    // 3,100,000 of 3,600,000: the difference shows as it is typed, and saving sends nothing.
    await typeNumber(staff, 'ledger-investment', LEDGER.investment)
    await typeNumber(staff, 'funding-central', 2_000_000)
    await typeNumber(staff, 'funding-provincial', 500_000)
    await typeNumber(staff, 'funding-city', 600_000)
    await see(staff, 'funding-sum', '3,100,000 元')
    await see(staff, 'funding-balance', '资金来源比估算总投资少 500,000 元')
    assert.equal(await staff.getByTestId('funding-balance').getAttribute('data-balanced'), 'false')
    await see(staff, 'ledger-problems', '各项资金来源加起来必须等于估算总投资')
    let puts = 0
    const countPuts = (r) => {
      if (r.url().endsWith(`/api/v1/projects/${seed.projectId}/ledger`)) puts += 1
    }
    staff.on('request', countPuts)
    await staff.getByTestId('ledger-save').click()
    const problems = await see(staff, 'ledger-problems', '各项资金来源加起来必须等于估算总投资')
    assert.ok(!problems.includes('负责人'), `only the funding is wrong: ${problems}`)
    await see(staff, 'ledger-registered', '尚未登记')
    await shot(staff, 'ledger-funding-refused')

    await typeNumber(staff, 'funding-district', 500_000)
    await see(staff, 'funding-balance', '资金来源合计等于估算总投资')
    assert.equal(await staff.getByTestId('funding-balance').getAttribute('data-balanced'), 'true')
    await see(staff, 'funding-sum', '3,600,000 元')
    assert.equal(await staff.getByTestId('ledger-problems').count(), 0)
    assert.equal(puts, 0, 'the unbalanced ledger was not sent')
    staff.off('request', countPuts)

    const res = await answered(staff, 'PUT', `/api/v1/projects/${seed.projectId}/ledger`, () => staff.getByTestId('ledger-save').click())
    assert.equal(res.status(), 200, `registered (${await res.text()})`)
    const p = await res.json()
    assert.equal(p.kind, 'new')
    assert.equal(p.plan_status, 'planned', 'in the annual plan, not a reserve')
    assert.equal(p.ledger_households, LEDGER.households)
    assert.equal(p.ledger_buildings, LEDGER.buildings)
    assert.equal(p.floor_area_m2, LEDGER.area)
    assert.equal(p.investment_yuan, LEDGER.investment)
    assert.deepEqual(
      p.funding.map((f) => [f.source, f.amount_yuan]).sort(),
      [['central', 2_000_000], ['city', 600_000], ['district', 500_000], ['provincial', 500_000]],
    )
    assert.equal(p.responsible_person, LEDGER.person)
    assert.equal(p.construction_unit, LEDGER.construction)
    assert.ok(p.registered_at, 'registered_at is set')
    await see(staff, 'ledger-registered', `已登记（登记时间 ${chineseDay(new Date(p.registered_at))}`)
    await see(staff, 'ledger-save', '保存修改')
    await see(staff, 'project-kind', '新开工')
    await shot(staff, 'ledger-registered')
  })

  step('2. 项目阶段: 调查摸底 → 宣传发动 → 制定方案; 组织施工 is refused: start criteria 2–5 are not confirmed', async () => {
    await staff.getByTestId('tab-stage').click()
    await staff.waitForURL(`**/staff/projects/${seed.projectId}/stage`)
    await staff.locator('[data-testid=stage-survey][aria-current=step]').waitFor()
    for (const [stage, name] of [
      ['mobilization', '宣传发动'],
      ['planning', '制定方案'],
    ]) {
      await staff.getByTestId('stage-advance').filter({ hasText: `进入“${name}”` }).click()
      await confirmBox(staff, '确定', { expect: `进入“${name}”阶段？` })
      await staff.locator(`[data-testid=stage-${stage}][aria-current=step]`).waitFor()
      await see(staff, 'project-stage', `阶段：${name}`)
    }

    await staff.getByTestId('stage-advance').filter({ hasText: '进入“组织施工”' }).click()
    const res = await answered(staff, 'POST', `/api/v1/projects/${seed.projectId}/transitions`, () => confirmBox(staff, '确定'))
    assert.equal(res.status(), 409)
    const body = await res.json()
    assert.deepEqual(body.error.details.reason_codes, ['criterion_missing', 'criterion_missing', 'criterion_missing', 'criterion_missing'])
    await see(staff, 'stage-refused', '不能进入“组织施工”')
    const reasons = await staff.getByTestId('stage-refused').locator('li').allInnerTexts()
    assert.deepEqual(
      reasons,
      CRITERIA.map((c) => `开工认定标准第 ${c.n} 项“${c.name}”尚未确认`),
      'one sentence in Chinese per missing criterion (1, the consent, holds)',
    )
    await staff.locator('[data-testid=stage-planning][aria-current=step]').waitFor()
    await see(staff, 'project-stage', '阶段：制定方案')
    await see(staff, 'stage-criteria-link', '查看开工认定标准')
    await assertChineseRenders(staff, '[data-testid=stage-refused] li')
    await shot(staff, 'stage-construction-refused')
  })

  step('3. 开工认定: 1 is computed from the vote; 2–5 confirmed with a date, a person and evidence: 已开工', async () => {
    await staff.getByTestId('stage-criteria-link').click()
    await staff.waitForURL(`**/staff/projects/${seed.projectId}/criteria`)
    await see(staff, 'criteria-not-started', '尚未开工：第 2、3、4、5 项还没有满足')
    await see(staff, 'criterion-met-1', '已满足')
    await see(staff, 'criterion-detail-1', '方案和物业管理模式都已达到同意门槛')
    const first = staff.getByTestId('criterion-1')
    assert.equal(await first.getByRole('button').count(), 0, 'criterion 1 has nothing to confirm by hand')
    assert.equal(await first.locator('form').count(), 0)
    for (const c of CRITERIA) await see(staff, `criterion-met-${c.n}`, '未满足')

    // The evidence: PDFs for 2–4, a photo of the site for 5.
    const photo = await drawImage(staff, { type: 'image/jpeg', width: 1200, height: 900, caption: '施工队伍进场 围挡' })
    for (const c of CRITERIA) writeFileSync(join(OUT, c.file), c.file.endsWith('.jpg') ? photo : evidencePDF)

    let puts = 0
    const countPuts = (r) => {
      if (/\/start-criteria\/\d$/.test(r.url()) && r.method() === 'PUT') puts += 1
    }
    staff.on('request', countPuts)
    for (const c of CRITERIA) {
      await staff.getByTestId(`criterion-confirm-${c.n}`).click()
      const form = staff.getByTestId(`criterion-form-${c.n}`)
      await form.waitFor()
      assert.equal(await form.getByTestId('criterion-date').inputValue(), TODAY, 'the date defaults to today in Beijing')
      if (c.n === 2) {
        // Sent without a person and a file: the form says so and sends nothing.
        await form.getByTestId('criterion-save').click()
        const problems = await form.getByTestId('criterion-problems').innerText()
        assert.match(problems, /请填写确认人/)
        assert.match(problems, /请上传照片或 PDF 文件作为依据/)
        assert.equal(puts, 0, 'an incomplete confirmation is not sent')
      }
      await form.getByTestId('criterion-date').fill(c.date)
      await form.getByTestId('criterion-person').fill(c.person)
      if (c.note) await form.getByTestId('criterion-note').fill(c.note)
      await form.getByTestId('criterion-file').setInputFiles(join(OUT, c.file))
      const res = await answered(staff, 'PUT', `/api/v1/projects/${seed.projectId}/start-criteria/${c.n}`, () => form.getByTestId('criterion-save').click())
      assert.equal(res.status(), 200, `criterion ${c.n} confirmed (${await res.text()})`)
      await form.waitFor({ state: 'hidden' })
      await see(staff, `criterion-met-${c.n}`, '已满足')
      await see(staff, `criterion-date-${c.n}`, c.date)
      await see(staff, `criterion-by-${c.n}`, server.demo.staffUser)
      await see(staff, `criterion-confirm-${c.n}`, '重新确认')
    }
    staff.off('request', countPuts)
    assert.equal(puts, CRITERIA.length, 'one request per confirmation')

    const criteria = await office.get(`/api/v1/projects/${seed.projectId}/start-criteria`)
    assert.equal(criteria.started, true)
    assert.equal(criteria.started_on.slice(0, 10), STARTED_ON, 'started on the day of the last confirmation')
    await see(staff, 'criteria-started', `已开工（开工日期 ${STARTED_ON}）`)
    await see(staff, 'project-started', `已开工 ${STARTED_ON}`)
    await assertChineseRenders(staff, '[data-testid=criteria-started]')
    await staff.getByTestId('criteria-started').scrollIntoViewIfNeeded()
    await shot(staff, 'criteria-started')

    // 查看依据: the photo of criterion 5 is shown (fetched with the token), the PDF of 3 in a frame.
    await staff.getByTestId('criterion-evidence-5').click()
    const dialog = staff.getByRole('dialog', { name: '第 5 项的依据' })
    await dialog.waitFor()
    const size = await loadedImage(staff, '.el-dialog [data-testid=evidence-image]')
    assert.deepEqual(size, { w: 1200, h: 900 }, 'the photo as uploaded')
    assert.match(await dialog.locator('img').getAttribute('src'), /^blob:/)
    await settled(dialog)
    await shot(staff, 'criteria-evidence-photo', { fullPage: false })
    await staff.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })

    await staff.getByTestId('criterion-evidence-3').click()
    const pdf = staff.getByRole('dialog', { name: '第 3 项的依据' })
    await pdf.waitFor()
    assert.match(await pdf.locator('iframe').getAttribute('src'), /^blob:/, 'the PDF in a frame')
    await staff.keyboard.press('Escape')
    await pdf.waitFor({ state: 'hidden' })
  })

  step('4. 组织施工 → 工程验收; passed with one issue to rectify: 销号 refused until it is closed with a note; then 销号', async () => {
    await staff.getByTestId('tab-stage').click()
    await staff.waitForURL(`**/staff/projects/${seed.projectId}/stage`)
    await staff.locator('[data-testid=stage-planning][aria-current=step]').waitFor()
    for (const [stage, name] of [
      ['construction', '组织施工'],
      ['acceptance', '工程验收'],
    ]) {
      await staff.getByTestId('stage-advance').filter({ hasText: `进入“${name}”` }).click()
      await confirmBox(staff, '确定', { expect: '阶段只能一步一步往前走' })
      await staff.locator(`[data-testid=stage-${stage}][aria-current=step]`).waitFor()
      await see(staff, 'project-stage', `阶段：${name}`)
    }
    assert.equal(await staff.getByTestId('stage-refused').count(), 0)
    await see(staff, 'accepted-on', '尚未')

    // A passed inspection that found one issue, due two weeks on.
    await see(staff, 'acceptance-form', '验收结果')
    assert.equal(await staff.getByTestId('acceptance-date').inputValue(), TODAY)
    await staff.getByTestId('acceptance-pass').click()
    await staff.getByTestId('acceptance-note').fill('区住建局组织竣工验收，主体工程合格。')
    await staff.getByTestId('rect-add').click()
    const row = staff.getByTestId('rectification-row')
    await row.waitFor()
    const due = await row.getByTestId('rect-deadline').inputValue()
    const inspected = await staff.getByTestId('acceptance-date').inputValue()
    assert.equal(due, new Date(Date.parse(`${inspected}T00:00:00Z`) + 14 * 86400_000).toISOString().slice(0, 10), 'two weeks after the inspection')
    await row.getByTestId('rect-description').fill(RECTIFY)
    const res = await answered(staff, 'POST', `/api/v1/projects/${seed.projectId}/acceptance`, () => staff.getByTestId('acceptance-submit').click())
    assert.ok(res.ok(), `the acceptance was recorded (${res.status()} ${await res.text()})`)
    await see(staff, 'accepted-on', TODAY)
    await see(staff, 'rectifications-open', '还有 1 项待整改，整改完成前不能销号')
    const issue = staff.getByTestId('rectification').filter({ hasText: RECTIFY })
    await see(staff, 'rectification-state', '待整改')
    assert.match(await issue.innerText(), new RegExp(`期限 ${due}`))

    // 销号 while the issue is open: refused, and why.
    await staff.getByTestId('stage-advance').filter({ hasText: '进入“销号”' }).click()
    await confirmBox(staff, '确定')
    await see(staff, 'stage-refused', '验收发现的问题还有 1 项没有整改完成')
    await staff.locator('[data-testid=stage-acceptance][aria-current=step]').waitFor()
    await see(staff, 'project-stage', '阶段：工程验收')
    await shot(staff, 'stage-handover-refused')

    // Closing it needs a note.
    await issue.getByTestId('rectification-close').click()
    const closeForm = issue.getByTestId('rectification-close-form')
    await closeForm.waitFor()
    await closeForm.getByTestId('rectification-close-save').click()
    await see(staff, 'rectification-note-error', '请写明整改情况')
    await closeForm.getByTestId('rectification-note').fill(RECTIFIED)
    const closed = await answered(staff, 'POST', '/close', () => closeForm.getByTestId('rectification-close-save').click())
    assert.equal(closed.status(), 200, `closed (${await closed.text()})`)
    await see(staff, 'rectifications-open', '全部整改完成')
    await see(staff, 'rectification-state', '已整改')
    assert.ok((await issue.innerText()).includes(`整改完成：${RECTIFIED}`), 'the note is kept')

    await staff.getByTestId('stage-advance').filter({ hasText: '进入“销号”' }).click()
    await confirmBox(staff, '确定')
    await see(staff, 'stage-final', '项目已销号')
    await see(staff, 'project-stage', '阶段：销号')
    await see(staff, 'handed-over-at', chineseDay(new Date()))
    const history = await staff.getByTestId('stage-event').allInnerTexts()
    assert.equal(history.length, 5, `five moves: ${JSON.stringify(history)}`)
    const names = ['宣传发动', '制定方案', '组织施工', '工程验收', '销号']
    for (const name of names) {
      assert.ok(history.some((h) => h.startsWith(name) && h.includes(server.demo.staffUser)), `${name}, with who moved it: ${JSON.stringify(history)}`)
    }
    await shot(staff, 'stages-handed-over')
  })

  step('5. 看板: 驿城区’s 已开工 and 已完成 grew by the 120 households; 已开工 opens the projects behind it', async () => {
    await staff.getByTestId('nav-dashboard').click()
    await staff.waitForURL('**/staff/dashboard')
    const row = staff.getByTestId(`rank-row-${districtId}`)
    await row.waitFor()
    assert.match(await row.locator('th').innerText(), new RegExp(DISTRICT))
    const want = { started: before0.started + LEDGER.households, completed: before0.completed + LEDGER.households }
    await see(staff, `fig-started-${districtId}`, new RegExp(`^${want.started}$`))
    await see(staff, `fig-completed-${districtId}`, new RegExp(`^${want.completed}$`))
    dashStarted = want.started
    dashCompleted = want.completed
    const api = (await office.get(`/api/v1/dashboard?year=${YEAR}`)).districts.find((x) => x.district_id === districtId)
    assert.deepEqual([api.started_households, api.completed_households], [want.started, want.completed], 'the API says the same')
    await assertChineseRenders(staff, `[data-testid=rank-row-${districtId}] th`)
    await shot(staff, 'dashboard')

    await staff.getByTestId(`fig-started-${districtId}`).click()
    await staff.waitForURL((u) => u.pathname === '/staff/' || u.pathname === '/staff')
    const q = new URL(staff.url()).searchParams
    assert.equal(q.get('started'), 'true')
    assert.equal(q.get('district_id'), String(districtId))
    assert.equal(q.get('year'), String(YEAR))
    assert.equal(q.get('kind'), 'new')
    await see(staff, 'project-filter-started', '已开工')
    await see(staff, 'project-filter-district_id', `县区：${DISTRICT}`)
    const ours = staff.getByTestId('project-row').filter({ has: staff.getByTestId(`project-open-${seed.projectId}`) })
    await ours.waitFor()
    assert.match(await ours.innerText(), new RegExp(`${COMMUNITY}[\\s\\S]*${DISTRICT}[\\s\\S]*${YEAR}[\\s\\S]*销号`))
    const listed = await office.get(`/api/v1/projects?year=${YEAR}&district_id=${districtId}&kind=new&started=true`)
    await see(staff, 'project-count', `共 ${listed.items.length} 个项目`)
    assert.equal(await staff.getByTestId('project-row').count(), listed.items.length)
    const rows = await staff.getByTestId('project-row').allInnerTexts()
    assert.ok(rows.every((r) => r.includes(DISTRICT)), 'only 驿城区’s projects')
    await settled(staff.getByTestId('project-filters'))
    await shot(staff, 'projects-started-filtered')
  })

  step('6. 月报 for this month and 驿城区: 汇总 says what the dashboard says, 项目 has the project handed over, 5 of 5 criteria', async () => {
    await staff.goBack()
    await staff.waitForURL('**/staff/dashboard')
    await staff.getByTestId('monthly-month').fill(MONTH)
    await pickOption(staff, 'monthly-district', DISTRICT)
    const [download] = await Promise.all([staff.waitForEvent('download'), staff.getByTestId('monthly-download').click()])
    assert.equal(download.suggestedFilename(), `月报-${DISTRICT}-${MONTH}.xlsx`)
    const file = join(OUT, 'monthly-report.xlsx')
    await download.saveAs(file)
    const sheets = await readXlsx(readFileSync(file))
    assert.deepEqual(sheets.map((s) => s.name), ['汇总', '项目'])
    const [summary, projects] = sheets

    assert.match(String(summary.rows[0][0]), new RegExp(`${DISTRICT}.*月报.*${YEAR}年${Number(MONTH.slice(5))}月`))
    assert.deepEqual(summary.rows[1].slice(0, 6), ['县区', '新开工任务（户）', '已开工（户）', '开工率', '完成改造任务（户）', '已完成改造（户）'])
    const lines = summary.rows.slice(2).filter((r) => r[0] !== '')
    assert.equal(lines.length, 1, `one district, no total: ${JSON.stringify(lines)}`)
    const [name, , started, , , completed] = lines[0]
    assert.equal(name, DISTRICT)
    assert.equal(started, dashStarted, 'started households as on the dashboard')
    assert.equal(completed, dashCompleted, 'completed households as on the dashboard')

    const header = projects.rows[1]
    const col = (h) => {
      const k = header.indexOf(h)
      assert.ok(k >= 0, `the 项目 sheet has a column ${h}: ${JSON.stringify(header)}`)
      return k
    }
    const ours = projects.rows.slice(2).filter((r) => r[col('小区')] === COMMUNITY)
    assert.equal(ours.length, 1, `one row for ${COMMUNITY}`)
    const r = ours[0]
    assert.equal(r[col('县区')], DISTRICT)
    assert.equal(r[col('类型')], '新开工')
    assert.equal(r[col('户数')], LEDGER.households)
    assert.equal(r[col('阶段')], '销号')
    assert.equal(r[col('表决通过')], '是')
    assert.equal(r[col('开工条件（满足项，共5项）')], 5)
    const day = (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v))
    assert.equal(day(r[col('开工日期')]), STARTED_ON)
    assert.equal(day(r[col('验收日期')]), TODAY)
    assert.ok(
      projects.rows.slice(2).filter((x) => x[0] !== '').every((x) => x[col('县区')] === DISTRICT),
      'only 驿城区’s projects',
    )
    assert.equal(consoleLog.filter((l) => l.includes('pageerror')).length, 0, `no uncaught error in the console: ${consoleLog.join('\n')}`)
  })
})
