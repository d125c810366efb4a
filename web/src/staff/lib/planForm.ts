// The plan editor's form: to and from the API's plan, and what stops a save.
import type { CatalogItem, Plan, PlanInput } from '../../api/contract'
import type { ManagementMode } from '../../api/vocabulary'
import { FUNDING_SOURCES, fundingBalance } from './funding'
import { fromBeijingInput, toBeijingInput } from './beijingTime'

export const MANAGEMENT_MODES: readonly ManagementMode[] = ['professional', 'owners', 'community', 'other']
export const CATEGORY_ORDER = ['basic', 'improvement', 'upgrade'] as const

export interface ItemForm {
  catalog_code: string
  description: string
  quantity: string
  budget_yuan: number | null
}

export interface PlanForm {
  title: string
  summary: string
  items: ItemForm[]
  budget_total_yuan: number | null
  funding: Record<string, number | null>
  management_mode: ManagementMode
  management_description: string
  /** Beijing time, "YYYY-MM-DDTHH:mm". */
  voting_opens_at: string
  voting_closes_at: string
}

export function emptyFunding(): Record<string, number | null> {
  return Object.fromEntries(FUNDING_SOURCES.map((s) => [s, null]))
}

export function emptyPlanForm(now: Date = new Date()): PlanForm {
  // A week of notice (公示) before the vote, then three weeks to vote.
  const opens = new Date(now.getTime() + 7 * 86400_000)
  const closes = new Date(now.getTime() + 28 * 86400_000)
  return {
    title: '',
    summary: '',
    items: [],
    budget_total_yuan: null,
    funding: emptyFunding(),
    management_mode: 'professional',
    management_description: '',
    voting_opens_at: toBeijingInput(opens.toISOString()),
    voting_closes_at: toBeijingInput(closes.toISOString()),
  }
}

export function formFromPlan(plan: Plan): PlanForm {
  const funding = emptyFunding()
  for (const f of plan.funding ?? []) funding[f.source] = f.amount_yuan
  return {
    title: plan.title,
    summary: plan.summary,
    items: plan.items.map((i) => ({
      catalog_code: i.catalog_code,
      description: i.description ?? '',
      quantity: i.quantity ?? '',
      budget_yuan: i.budget_yuan,
    })),
    budget_total_yuan: plan.budget_total_yuan,
    funding,
    management_mode: (MANAGEMENT_MODES as readonly string[]).includes(plan.management_mode) ? (plan.management_mode as ManagementMode) : 'other',
    management_description: plan.management_description ?? '',
    voting_opens_at: toBeijingInput(plan.voting_opens_at),
    voting_closes_at: toBeijingInput(plan.voting_closes_at),
  }
}

export function planInput(form: PlanForm): PlanInput {
  return {
    title: form.title.trim(),
    summary: form.summary.trim(),
    management_mode: form.management_mode,
    management_description: form.management_description.trim(),
    budget_total_yuan: form.budget_total_yuan,
    funding: FUNDING_SOURCES.filter((s) => (form.funding[s] ?? 0) > 0).map((s) => ({ source: s, amount_yuan: form.funding[s]! })),
    items: form.items.map((i) => ({
      catalog_code: i.catalog_code,
      description: i.description.trim(),
      quantity: i.quantity.trim(),
      budget_yuan: i.budget_yuan,
    })),
    voting_opens_at: fromBeijingInput(form.voting_opens_at) ?? '',
    voting_closes_at: fromBeijingInput(form.voting_closes_at) ?? '',
  }
}

export type Problem = { key: string; params?: Record<string, unknown> }

/** Why the form cannot be saved yet; empty when it can. */
export function planProblems(form: PlanForm): Problem[] {
  const out: Problem[] = []
  if (!form.title.trim()) out.push({ key: 'staff.plan.needTitle' })
  if (form.items.length === 0) out.push({ key: 'staff.plan.needItems' })
  const undescribed = form.items.filter((i) => !i.description.trim()).map((i) => i.catalog_code)
  if (undescribed.length) out.push({ key: 'staff.plan.needDescription', params: { codes: undescribed.join('、') } })
  const balance = fundingBalance(
    form.budget_total_yuan,
    FUNDING_SOURCES.map((s) => form.funding[s]),
  )
  if (balance.invalid) out.push({ key: 'staff.funding.invalid' })
  else if (!balance.balanced) out.push({ key: 'staff.funding.mustAddUp' })
  const opens = fromBeijingInput(form.voting_opens_at)
  const closes = fromBeijingInput(form.voting_closes_at)
  if (!opens || !closes) out.push({ key: 'staff.plan.needWindow' })
  else if (Date.parse(closes) <= Date.parse(opens)) out.push({ key: 'staff.plan.windowOrder' })
  return out
}

export function groupCatalog(items: CatalogItem[]): { category: string; items: CatalogItem[] }[] {
  const cats = [...CATEGORY_ORDER, 'other'] as string[]
  const by = new Map<string, CatalogItem[]>()
  for (const i of items) {
    const c = cats.includes(i.category) ? i.category : 'other'
    if (!by.has(c)) by.set(c, [])
    by.get(c)!.push(i)
  }
  return cats.filter((c) => by.has(c)).map((c) => ({ category: c, items: by.get(c)! }))
}
