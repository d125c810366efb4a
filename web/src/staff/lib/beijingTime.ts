// <input type="datetime-local"> speaks the browser's local time; deadlines are
// legal times in China, so the console reads and writes them in Beijing time
// (UTC+8, no daylight saving) whatever the computer's zone.
import type { AppLocale } from '../../i18n'
import { TIME_ZONE, formatDateTime } from '../../shared/format'

const OFFSET_MS = 8 * 3600_000

/** ISO instant → "YYYY-MM-DDTHH:mm" in Beijing time ('' for nothing). */
export function toBeijingInput(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return new Date(d.getTime() + OFFSET_MS).toISOString().slice(0, 16)
}

/** "YYYY-MM-DDTHH:mm" read as Beijing time → ISO instant (null if unreadable). */
export function fromBeijingInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null
  const d = new Date(`${value}:00+08:00`)
  return Number.isNaN(d.getTime()) ? null : d.toISOString()
}

/** Today's date in Beijing, "YYYY-MM-DD" (a date field's default). */
export function todayInBeijing(now: Date = new Date()): string {
  return new Date(now.getTime() + OFFSET_MS).toISOString().slice(0, 10)
}

/** A complaint's deadline is the end (24:00) of a working day in China:
 * "2024年6月4日 24:00", not "6月5日 00:00", which reads as a day late. */
export function formatDeadline(iso: string | null | undefined, locale: AppLocale): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const bj = new Date(d.getTime() + OFFSET_MS)
  if (bj.getUTCHours() !== 0 || bj.getUTCMinutes() !== 0) return formatDateTime(iso, locale)
  const day = new Date(d.getTime() - 1)
  let date: string
  try {
    date = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: TIME_ZONE }).format(day)
  } catch {
    date = new Date(day.getTime() + OFFSET_MS).toISOString().slice(0, 10)
  }
  return locale === 'en' ? `${date}, 24:00 China time` : `${date} 24:00`
}

/** "YYYY-MM-DD" of a date the server sends as a date or as midnight UTC of it. */
export function isoDate(v: string | null | undefined): string {
  if (!v) return ''
  const m = /^\d{4}-\d{2}-\d{2}/.exec(v)
  return m ? m[0] : v
}
