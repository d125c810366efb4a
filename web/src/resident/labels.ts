// Labels of complaint codes for the screens: the server's (GET
// /complaints/meta) where it gave one, else the app's own catalogue.
import { useI18n } from 'vue-i18n'
import type { AppLocale } from '../i18n'
import { formatDateTime } from '../shared/format'
import { metaLabel, type MetaGroup } from './complaintRules'
import { feedback } from './feedback'

/** A calendar date (YYYY-MM-DD, or the date part of a timestamp) as people read it. */
export function formatDay(value: string | null | undefined, locale: AppLocale): string {
  if (!value) return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  const d = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)) : new Date(value)
  if (Number.isNaN(d.getTime())) return value
  try {
    return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: m ? 'UTC' : 'Asia/Shanghai' }).format(d)
  } catch {
    return value
  }
}

/** A deadline at midnight China time is the end of the day before: "25 Nov, 24:00"
 * reads right where "26 Nov, 00:00" misleads. Returns that day, or null. */
export function dayEndingAt(iso: string | null | undefined): string | null {
  if (!iso) return null
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return null
  const hm = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d)
  return hm === '00:00' ? new Date(d.getTime() - 1).toISOString() : null
}

export function useFeedbackLabels() {
  const { t, te, locale } = useI18n()
  const loc = () => locale.value as AppLocale
  const from = (group: MetaGroup, prefix: string) => (code: string | null | undefined): string => {
    if (!code) return ''
    return metaLabel(feedback.meta, group, code, loc()) ?? (te(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : code)
  }
  return {
    category: from('categories', 'complaintCategory'),
    status: from('statuses', 'complaintStatus'),
    unitKind: from('unit_kinds', 'unitKind'),
    warrantyKind: from('warranty_kinds', 'warrantyKind'),
    time: (iso: string | null | undefined) => formatDateTime(iso, loc()),
    /** A deadline: "the end of <day>" when it falls at midnight. */
    deadline: (iso: string | null | undefined): string => {
      const day = dayEndingAt(iso)
      return day ? t('complaints.dayEnd', { date: formatDay(day, loc()) }) : formatDateTime(iso, loc())
    },
    day: (v: string | null | undefined) => formatDay(v, loc()),
  }
}
