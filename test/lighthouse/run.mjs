// Lighthouse figures for the demo: starts bin/anju serve --demo, measures the
// resident landing page (/b/TOKEN) and the public notice board (/c/TOKEN) with
// Lighthouse's defaults (mobile, simulated throttling) and prints a table.
// A benchmark, not a gate: it exits non-zero only when it could not measure,
// never because a score is low.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { computeMedianRun } from 'lighthouse/core/lib/median-run.js'
import { startServer } from '../browser/lib/server.js'

const here = dirname(fileURLToPath(import.meta.url))
const ARTIFACTS = join(here, 'artifacts')
// Debian's Chromium: nothing is downloaded.
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium'
// --no-sandbox: containers and CI often run as root, where Chromium's sandbox
// refuses to start. --disable-background-networking keeps Chromium's own
// update/safe-browsing traffic out of the measurements.
const CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
const CATEGORIES = ['performance', 'accessibility', 'best-practices']
// Scores move from run to run (by 10 or more on a busy machine);
// LIGHTHOUSE_RUNS=5 measures each page 5 times and reports the median run.
const RUNS = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS) || 1)

const score = (lhr, id) => (lhr.categories[id]?.score == null ? 'n/a' : String(Math.round(lhr.categories[id].score * 100)))
const ms = (lhr, id) => {
  const v = lhr.audits[id]?.numericValue
  return v == null ? 'n/a' : `${Math.round(v)} ms`
}
const kib = (lhr, id) => {
  const v = lhr.audits[id]?.numericValue
  return v == null ? 'n/a' : `${(v / 1024).toFixed(0)} KiB`
}

// One fresh Chromium (and so a fresh profile) per run, so that every run is a
// first visit and runs do not share a cache or a service worker.
async function measureOnce(url) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: CHROME_FLAGS, logLevel: 'error' })
  try {
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES })
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`)
    return result.lhr
  } finally {
    await chrome.kill()
  }
}

// RUNS runs of one page; the median one (Lighthouse's own choice, by FCP and
// TTI) is returned and its report written to artifacts/NAME.report.json. A run
// that failed is returned instead, so that its error is reported.
async function measure(name, url) {
  const runs = []
  for (let i = 0; i < RUNS; i++) runs.push(await measureOnce(url))
  const lhr = runs.find((r) => r.runtimeError) ?? (RUNS === 1 ? runs[0] : computeMedianRun(runs))
  writeFileSync(join(ARTIFACTS, `${name}.report.json`), JSON.stringify(lhr, null, 2))
  return lhr
}

// Accessibility audits that did not pass, with the elements they name.
function a11yFailures(lhr) {
  return (lhr.categories.accessibility?.auditRefs ?? [])
    .map((ref) => lhr.audits[ref.id])
    .filter((a) => a && a.score !== null && a.score < 1)
    .map((a) => ({
      id: a.id,
      title: a.title,
      elements: (a.details?.items ?? []).map((it) => it.node?.selector ?? it.node?.snippet ?? JSON.stringify(it)),
    }))
}

async function main() {
  // chrome-launcher reports a missing binary as an unhandled 'error' event that
  // kills the process before any finally block runs: check it first.
  if (!existsSync(CHROME)) throw new Error(`${CHROME} is missing: apt-get install chromium, or set CHROME_PATH`)
  mkdirSync(ARTIFACTS, { recursive: true })
  const server = await startServer({ logFile: join(ARTIFACTS, 'server.log') })
  let failed = false
  try {
    // startServer parses the resident link; the board link is in the same banner.
    const board = server.log().stdout.match(/(https?:\/\/\S+\/c\/[A-Za-z0-9_-]+)/)
    if (!board) throw new Error('no notice-board link (/c/TOKEN) in the demo banner')
    const pages = [
      ['resident', server.demo.residentLink],
      ['board', board[1]],
    ]

    let version = '?'
    const rows = [['page', 'perf', 'a11y', 'best-pr', 'LCP', 'TBT', 'FCP', 'transfer']]
    const notes = []
    for (const [name, url] of pages) {
      const lhr = await measure(name, url)
      // A runtime error or a missing score means Lighthouse could not measure
      // the page: that is an error, unlike a low score.
      if (lhr.runtimeError) {
        failed = true
        notes.push(`${name}: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`)
      }
      for (const c of CATEGORIES) {
        if (lhr.categories[c]?.score == null) {
          failed = true
          notes.push(`${name}: no ${c} score`)
        }
      }
      version = lhr.lighthouseVersion
      // Simulated throttling scales by this estimate of the host's CPU speed,
      // so TBT and the performance score move with a busy or slow machine.
      notes.push(`${name}: host benchmarkIndex ${Math.round(lhr.environment.benchmarkIndex)}`)
      for (const w of lhr.runWarnings) notes.push(`${name}: warning: ${w}`)
      for (const f of a11yFailures(lhr)) notes.push(`${name}: a11y ${f.id} (${f.title}): ${f.elements.join(' | ') || '-'}`)
      rows.push([
        name,
        score(lhr, 'performance'),
        score(lhr, 'accessibility'),
        score(lhr, 'best-practices'),
        ms(lhr, 'largest-contentful-paint'),
        ms(lhr, 'total-blocking-time'),
        ms(lhr, 'first-contentful-paint'),
        kib(lhr, 'total-byte-weight'),
      ])
    }

    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
    console.log(`\nLighthouse ${version} (mobile, simulated throttling), ${CHROME}, ${RUNS === 1 ? '1 run' : `median of ${RUNS} runs`} per page`)
    for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    for (const n of notes) console.log(n)
    console.log(`JSON reports in ${ARTIFACTS}`)
  } finally {
    await server.stop()
  }
  if (failed) process.exitCode = 1
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
