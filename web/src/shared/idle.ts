/** Runs `run` when the browser is idle (at most `timeout` ms later), or soon
 * where it cannot tell (Safari, WeChat on iOS). */
export function whenIdle(run: () => void, timeout = 3000): void {
  if (typeof window !== 'undefined' && 'requestIdleCallback' in window) window.requestIdleCallback(run, { timeout })
  else setTimeout(run, 200)
}
