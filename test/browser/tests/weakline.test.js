// A phone on a weak line (issue 11): every file of the resident app and the
// landing data go out compressed (brotli or gzip, as the phone accepts, each
// decoding to the very bytes of the uncompressed answer); the QR code's page
// shows the building and the plan's headline with JavaScript off (the server
// writes them into the HTML); and, on a 400 kbit/s line with 400 ms round
// trips and a cold cache, the test prints what the first screen transfers
// and when its first text and the headline appear (figures, not a gate: a
// shared machine is noisy; the byte budget is checked by the build).
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { after, before, describe, test } from 'node:test'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { WECHAT_UA } from '../lib/a11y.js'
import { PHONE, launchChromium, shotsIn } from '../lib/browser.js'
import { startServer } from '../lib/server.js'

const WEAK = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 }
const PLAN_TITLE = '纺织厂家属院老旧小区改造方案'

let server
let browser
const shot = shotsIn('weakline')

before(async () => {
  server = await startServer()
  browser = await launchChromium()
})

after(async () => {
  await browser?.close().catch(() => {})
  await server?.stop()
})

/** GET path with the given Accept-Encoding; the raw bytes, undecoded. */
function raw(path, acceptEncoding) {
  return new Promise((ok, fail) => {
    const req = request(new URL(path, server.baseURL), { headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', fail)
    })
    req.on('error', fail)
    req.end()
  })
}

const decoders = { br: brotliDecompressSync, gzip: gunzipSync }

describe('a phone on a weak line', () => {
  test('every file of the app and the landing data go out compressed and decode to the same bytes', async () => {
    const html = (await raw('/', 'identity')).body.toString('utf8')
    const sw = (await raw('/sw.js', 'identity')).body.toString('utf8')
    const paths = new Set(['/', '/sw.js', '/manifest.webmanifest', new URL(server.demo.residentLink).pathname])
    for (const m of html.matchAll(/(?:src|href)="(\/[^"]+\.(?:js|css|svg))"/g)) paths.add(m[1])
    for (const m of sw.matchAll(/url:"([^"]+\.(?:js|css|html|svg))"/g)) paths.add(`/${m[1].replace(/^\//, '')}`)
    const token = new URL(server.demo.residentLink).pathname.split('/').pop()
    paths.add(`/api/v1/public/buildings/${token}`)
    assert.ok(paths.size > 8, `too few files found to check: ${[...paths]}`)
    for (const path of paths) {
      const plain = await raw(path, 'identity')
      assert.equal(plain.status, 200, path)
      assert.equal(plain.headers['content-encoding'], undefined, `${path} must go out as it is to a client that accepts nothing`)
      for (const enc of ['br', 'gzip']) {
        const got = await raw(path, enc)
        assert.equal(got.status, 200, `${path} ${enc}`)
        assert.equal(got.headers['content-encoding'], enc, `${path} with Accept-Encoding: ${enc}`)
        assert.match(got.headers.vary ?? '', /Accept-Encoding/, `${path}: Vary`)
        assert.ok(got.body.length < plain.body.length, `${path} ${enc}: ${got.body.length} bytes is no smaller than ${plain.body.length}`)
        const decoded = decoders[enc](got.body)
        if (path.startsWith('/b/')) {
          // Rendered per request: the same page, whatever its encoding.
          assert.equal(decoded.toString('utf8'), plain.body.toString('utf8'), `${path} ${enc}`)
        } else {
          assert.ok(decoded.equals(plain.body), `${path} ${enc} decodes to other bytes`)
        }
      }
    }
  })

  test('the QR code page shows the building and the plan with JavaScript off', async () => {
    const ctx = await browser.newContext({ ...PHONE, viewport: { width: 320, height: 640 }, userAgent: WECHAT_UA, javaScriptEnabled: false })
    try {
      const page = await ctx.newPage()
      await page.goto(server.demo.residentLink)
      const text = await page.locator('#app').innerText()
      assert.match(text, /纺织厂家属院/)
      assert.match(text, /1号楼/)
      assert.match(text, new RegExp(PLAN_TITLE))
      assert.match(text, /投票截止/)
      await shot(page, 'first-screen-no-js')
    } finally {
      await ctx.close()
    }
  })

  test('on 400 kbit/s with 400 ms round trips: what the first screen costs, and when it shows (printed)', async () => {
    const ctx = await browser.newContext({ ...PHONE, viewport: { width: 320, height: 640 }, userAgent: WECHAT_UA, serviceWorkers: 'block' })
    try {
      const page = await ctx.newPage()
      const cdp = await ctx.newCDPSession(page)
      await cdp.send('Network.enable')
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
      await cdp.send('Network.emulateNetworkConditions', WEAK)
      // The first screen's bytes: everything the page asked for until the app
      // has taken over (the other screens are fetched after that, when idle).
      let bytes = 0
      let counting = true
      cdp.on('Network.loadingFinished', (e) => {
        if (counting) bytes += e.encodedDataLength
      })
      await page.goto(server.demo.residentLink, { waitUntil: 'commit' })
      await page.getByText(PLAN_TITLE).first().waitFor({ timeout: 60_000 })
      // In the page's own clock (from the start of navigation): the headline
      // counts once it is on the page and something has been painted.
      const seen = await page.evaluate(() => performance.now())
      await page.getByTestId('plan-title').waitFor({ timeout: 120_000 }) // the app has taken over
      counting = false
      const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null)
      assert.ok(fcp !== null, 'the page painted nothing')
      const headline = Math.max(fcp, seen)
      await shot(page, 'first-screen-weak-line')
      console.log(
        `weak line (400 kbit/s, 400 ms RTT, cold): first text ${(fcp / 1000).toFixed(2)} s, headline ${(headline / 1000).toFixed(2)} s ` +
          `(goals 3 s and 4 s), transferred until the app took over ${(bytes / 1000).toFixed(1)} kB (budget 100 kB)`,
      )
    } finally {
      await ctx.close()
    }
  })
})
