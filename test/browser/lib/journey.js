// Shared by the browser tests: a journey of steps run in order, and a log of
// what the pages printed to their consoles.
import { test } from 'node:test'

/**
 * Returns a step function: steps run in order; after a failure the remaining
 * steps are skipped (the failure itself fails the run) and every open page is
 * photographed with shot(page, name).
 */
export function journey(pages, shot, timeout) {
  let broken = null
  return (name, fn) =>
    test(name, { timeout }, async (t) => {
      if (broken) {
        t.skip(`skipped: "${broken}" failed`)
        return
      }
      try {
        await fn(t)
      } catch (e) {
        broken = name
        const slug = name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 40)
        for (const [who, page] of Object.entries(pages())) {
          if (page && !page.isClosed()) await shot(page, `FAILED-${who}-${slug}`).catch(() => {})
        }
        throw e
      }
    })
}

/** Keeps what a page prints to its console (and its uncaught errors) in log. */
export function recordConsole(log, page, who) {
  page.on('console', (m) => log.push(`[${who}] ${m.type()}: ${m.text()}`))
  page.on('pageerror', (e) => log.push(`[${who}] pageerror: ${e.message}`))
  // The console says only "404"; name the request that failed.
  page.on('response', (r) => {
    if (r.status() >= 400) log.push(`[${who}] ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`)
  })
}
