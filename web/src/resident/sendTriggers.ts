// When the outboxes (the vote kept offline, the complaints kept offline) send
// what they keep: at app start (main.ts), when the phone is back online, when
// the person returns to the page — and on a timer while something waits.
// The timer is there because the `online` event is not to be trusted: WeChat's
// WebView does not always fire it, and a line that "is back" may still drop
// requests for a while (a queued vote once sat unsent for 30 s with the line
// up). It retries every 15 s, waits longer after each failed try (up to 2 min,
// so a phone without signal does not drain its battery), sleeps while the page
// is hidden, and stops as soon as nothing waits. One module for both outboxes,
// so they retry the same way.
import { watch } from 'vue'

/** What the triggers need to know of an outbox. */
export interface Outbox {
  /** Whether something waits to be sent. Read inside a watcher, so it must be
   * reactive: the timer starts the moment something is queued. */
  waiting(): boolean
  /** Tries to send what waits; resolves when the try is over. */
  send(): Promise<unknown>
}

/** First wait after something was queued, and the longest wait. */
export const RETRY_FIRST_MS = 15_000
export const RETRY_MAX_MS = 120_000

/** Wait before the next timed try after `failures` failed tries in a row:
 * 15 s, 30 s, 60 s, then every 2 min. */
export function retryDelay(failures: number): number {
  return Math.min(RETRY_FIRST_MS * 2 ** Math.max(0, failures), RETRY_MAX_MS)
}

/** Sends what `box` keeps when the phone is back online, when the person comes
 * back to the page, and on the retry timer. Returns a function that removes
 * the listeners and the timer. */
export function installSendTriggers(box: Outbox, win: Window = window): () => void {
  const doc = win.document
  let timer: ReturnType<typeof setTimeout> | null = null
  let failures = 0

  const visible = () => doc.visibilityState !== 'hidden'

  function stop(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }

  function schedule(): void {
    stop()
    if (!box.waiting()) {
      failures = 0
      return
    }
    if (visible()) timer = setTimeout(() => void attempt(false), retryDelay(failures))
  }

  /** One try. `fresh`: an event says the odds changed (line back, person
   * back), so the backoff starts over. */
  async function attempt(fresh: boolean): Promise<void> {
    stop()
    if (fresh) failures = 0
    try {
      await box.send()
    } catch {
      // An unexpected error (storage, a bug) counts as a failed try: the
      // timer must survive it.
    }
    if (box.waiting()) failures++
    schedule()
  }

  const onOnline = () => void attempt(true)
  const onVisibility = () => {
    if (visible()) void attempt(true)
    else stop()
  }
  win.addEventListener('online', onOnline)
  doc.addEventListener('visibilitychange', onVisibility)
  // Something newly queued (or found at start) starts the timer; an empty
  // queue stops it.
  const unwatch = watch(() => box.waiting(), schedule, { immediate: true })

  return () => {
    unwatch()
    stop()
    win.removeEventListener('online', onOnline)
    doc.removeEventListener('visibilitychange', onVisibility)
  }
}
