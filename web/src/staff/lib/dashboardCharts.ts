// The dashboard's two charts as ECharts options (plain objects: ECharts itself
// is loaded on demand by PipelineChart). Months: the new-start households
// started and completed each month, the running totals and the year's targets.
// Stages: how many projects are in each.
import type { Dashboard } from '../../api/contract'
import { PROJECT_STAGES } from '../vocabulary'

export interface ChartPick {
  seriesIndex: number
  dataIndex: number
  name: string
}

type Translate = (key: string, params?: Record<string, unknown>) => string

const BLUE = '#0a5dc2'
const GREEN = '#17692f'

function monthLabel(month: string, locale: string): string {
  const d = new Date(`${month}-01T00:00:00Z`)
  if (Number.isNaN(d.getTime())) return month
  try {
    return new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' }).format(d)
  } catch {
    return month.slice(5)
  }
}

/** Running totals, null for months after the as-of date (nothing to draw yet). */
function toDate(d: Dashboard, key: 'started' | 'completed'): (number | null)[] {
  const asOf = d.as_of.slice(0, 7)
  let sum = 0
  return d.months.map((m) => {
    sum += m[`${key}_households`]
    const v = m[`${key}_households_to_date`] ?? sum
    return m.month > asOf ? null : v
  })
}

export function monthsOption(d: Dashboard, t: Translate, locale: string): Record<string, unknown> {
  const startTarget = d.districts.reduce((s, x) => s + (x.target?.start_households ?? 0), 0)
  const completeTarget = d.districts.reduce((s, x) => s + (x.target?.complete_households ?? 0), 0)
  const n = d.months.length
  const flat = (v: number) => Array.from({ length: n }, () => v)
  return {
    grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: d.months.map((m) => monthLabel(m.month, locale)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('staff.pipeline.dashboard.chart.startedMonth'), type: 'bar', data: d.months.map((m) => m.started_households), itemStyle: { color: '#7fb0ea' } },
      { name: t('staff.pipeline.dashboard.chart.completedMonth'), type: 'bar', data: d.months.map((m) => m.completed_households), itemStyle: { color: '#8cc79c' } },
      { name: t('staff.pipeline.dashboard.chart.startedToDate'), type: 'line', data: toDate(d, 'started'), itemStyle: { color: BLUE }, lineStyle: { width: 3 } },
      { name: t('staff.pipeline.dashboard.chart.completedToDate'), type: 'line', data: toDate(d, 'completed'), itemStyle: { color: GREEN }, lineStyle: { width: 3 } },
      { name: t('staff.pipeline.dashboard.chart.startTarget'), type: 'line', data: flat(startTarget), symbol: 'none', itemStyle: { color: BLUE }, lineStyle: { type: 'dashed' } },
      { name: t('staff.pipeline.dashboard.chart.completeTarget'), type: 'line', data: flat(completeTarget), symbol: 'none', itemStyle: { color: GREEN }, lineStyle: { type: 'dashed' } },
    ],
  }
}

export function stagesOption(d: Dashboard, stageName: (s: string) => string): Record<string, unknown> {
  return {
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: PROJECT_STAGES.map(stageName), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', data: PROJECT_STAGES.map((s) => d.stages[s] ?? 0), itemStyle: { color: BLUE }, label: { show: true, position: 'top' } }],
  }
}
