// Dates and money as people read them. Deadlines are legal dates in China, so
// they are shown in Beijing time whatever the phone's own time zone is.
import type { AppLocale } from '../i18n'

export const TIME_ZONE = 'Asia/Shanghai'

export function formatDateTime(iso: string | null | undefined, locale: AppLocale): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const opts: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: TIME_ZONE,
    // Chinese readers assume Beijing time; say it for everyone else.
    ...(locale === 'en' ? { timeZoneName: 'short' as const } : {}),
  }
  try {
    return new Intl.DateTimeFormat(locale, opts).format(d)
  } catch {
    return d.toLocaleString()
  }
}

export function formatYuan(amount: number | null | undefined, locale: AppLocale): string {
  if (amount === null || amount === undefined) return ''
  const n = new Intl.NumberFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-US', {
    minimumFractionDigits: 0,
    maximumFractionDigits: 2,
  }).format(amount)
  return locale === 'zh-CN' ? `${n} 元` : `¥${n}`
}

export function formatPercent(rate: number, locale: AppLocale): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(rate)
}
