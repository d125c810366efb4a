// Turns an API failure into a sentence in the current language. Known codes
// have their own text; anything else falls back to the server's message.
import { ApiError } from '../api/http'

type Translate = (key: string, params?: Record<string, unknown>) => string
type Exists = (key: string) => boolean

/** "15 分钟" / "30 s" / "23 小时" from seconds: minutes from a minute on, hours from two hours on. */
export function waitText(t: Translate, seconds: number): string {
  if (seconds >= 7200) return t('time.hours', { n: Math.ceil(seconds / 3600) })
  if (seconds >= 60) return t('time.minutes', { n: Math.ceil(seconds / 60) })
  return t('time.seconds', { n: Math.max(1, Math.ceil(seconds)) })
}

export function errorText(t: Translate, te: Exists, err: unknown): string {
  if (!(err instanceof ApiError)) return t('errors.unknown')
  if (err.status === 429) {
    const seconds = err.retryAfter ?? numberDetail(err, 'retry_after_seconds')
    const code = err.code === 'household_locked' || err.code === 'too_many_guesses' ? err.code : 'rate_limited'
    if (seconds === null) return code === 'rate_limited' ? t('errors.rate_limited_soon') : t(`errors.${code}`, { wait: t('time.minutes', { n: 15 }) })
    // A household lock of more than a quarter of an hour comes from many
    // places, not the resident's typing: say so, and who can lift it.
    if (code === 'household_locked' && seconds > 900) return t('errors.household_locked_help', { wait: waitText(t, seconds) })
    return t(`errors.${code}`, { wait: waitText(t, seconds) })
  }
  const key = `errors.${err.code}`
  if (te(key)) return t(key)
  if (err.message) return err.message
  if (err.status >= 500) return t('errors.internal')
  return t('errors.unknown')
}

function numberDetail(err: ApiError, key: string): number | null {
  const v = err.details[key]
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}
