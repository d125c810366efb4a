// Turns an API failure into a sentence in the current language. Known codes
// have their own text; anything else falls back to the server's message.
import { ApiError } from '../api/http'

type Translate = (key: string, params?: Record<string, unknown>) => string
type Exists = (key: string) => boolean

/** "15 分钟" / "30 s" from seconds: minutes once it is a minute or more. */
export function waitText(t: Translate, seconds: number): string {
  if (seconds >= 60) return t('time.minutes', { n: Math.ceil(seconds / 60) })
  return t('time.seconds', { n: Math.max(1, Math.ceil(seconds)) })
}

export function errorText(t: Translate, te: Exists, err: unknown): string {
  if (!(err instanceof ApiError)) return t('errors.unknown')
  if (err.status === 429) {
    const seconds = err.retryAfter ?? numberDetail(err, 'retry_after_seconds')
    const code = err.code === 'household_locked' ? 'household_locked' : 'rate_limited'
    if (seconds === null) return code === 'household_locked' ? t('errors.household_locked', { wait: t('time.minutes', { n: 15 }) }) : t('errors.rate_limited_soon')
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
