// Helpers for the staff console (Element Plus) and for the files a committee
// handles: the images it uploads (drawn on a canvas in the browser, so no image
// library is needed) and the PDFs it prints.
import { TIMEOUT } from './browser.js'

/** Signs in to /staff/ with the login form and waits for the projects page. */
export async function staffSignIn(page, baseURL, username, password) {
  await page.goto(`${baseURL}/staff/`)
  await page.getByTestId('staff-username').fill(username)
  await page.getByTestId('staff-password').fill(password)
  await page.getByTestId('staff-login').click()
  await page.getByTestId('staff-user').filter({ hasText: username }).waitFor()
}

/**
 * Answers the console's confirmation box (ElMessageBox) by pressing the
 * button named `button`, after checking that its text mentions `expect`.
 * Returns the box's text.
 */
export async function confirmBox(page, button, { expect } = {}) {
  const box = page.locator('.el-message-box').filter({ visible: true })
  await box.waitFor({ state: 'visible', timeout: TIMEOUT })
  const text = (await box.innerText()).trim()
  if (expect && !(expect instanceof RegExp ? expect.test(text) : text.includes(expect))) {
    throw new Error(`the confirmation says ${JSON.stringify(text)}, expected it to mention ${expect}`)
  }
  await box.getByRole('button', { name: button, exact: true }).click()
  await box.waitFor({ state: 'hidden', timeout: TIMEOUT })
  return text
}

/** Chooses the option whose text matches `option` in the ElSelect with this data-testid. */
export async function pickOption(page, testid, option) {
  await page.getByTestId(testid).click()
  const item = page.getByRole('option', { name: option })
  await item.waitFor({ state: 'visible', timeout: TIMEOUT })
  await item.click()
  await page.locator('.el-select-dropdown').filter({ visible: true }).waitFor({ state: 'hidden', timeout: TIMEOUT })
}

/** Types into an ElInputNumber (its inner <input> by id) and leaves the field, as a person does. */
export async function typeNumber(page, id, value) {
  const input = page.locator(`input#${id}`)
  await input.fill(String(value))
  await input.press('Tab')
}

/**
 * Draws an image in the page (a sketch with a caption) and returns its bytes:
 * type 'image/png' or 'image/jpeg'.
 */
export async function drawImage(page, { type = 'image/png', width = 800, height = 600, caption = '' } = {}) {
  const dataURL = await page.evaluate(
    ({ type, width, height, caption }) => {
      const c = document.createElement('canvas')
      c.width = width
      c.height = height
      const g = c.getContext('2d')
      g.fillStyle = '#fff'
      g.fillRect(0, 0, width, height)
      g.strokeStyle = '#1d4ed8'
      g.lineWidth = 4
      g.strokeRect(20, 20, width - 40, height - 40)
      for (let x = 60; x < width - 40; x += 80) {
        g.beginPath()
        g.moveTo(x, 60)
        g.lineTo(x + 40, height - 60)
        g.stroke()
      }
      g.fillStyle = '#111'
      g.font = `${Math.round(height / 12)}px sans-serif`
      g.fillText(caption, 40, height / 2)
      return c.toDataURL(type, 0.9)
    },
    { type, width, height, caption },
  )
  const [head, b64] = dataURL.split(',')
  if (!head.includes(type)) throw new Error(`the canvas made ${head}, not ${type}`)
  return Buffer.from(b64, 'base64')
}

/** Pages in a PDF that Chromium printed: its /Type /Page objects. */
export function pdfPageCount(pdf) {
  const text = pdf.toString('latin1')
  if (!text.startsWith('%PDF-')) throw new Error('not a PDF')
  return (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length
}

/** The instant now as Beijing time, "YYYY-MM-DDTHH:mm" (what a datetime-local field in the console takes). */
export function beijingInput(date) {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 16)
}
