// The ledger form (台账登记): from a project's registered facts to the form,
// and from the form to PUT /projects/{id}/ledger, with the problems that keep
// it from being sent. The funding must add up to the investment to the fen.
import type { FundingLine, LedgerInput, Project } from '../../api/contract'
import type { ProjectKind } from '../vocabulary'
import { FUNDING_SOURCES, fundingBalance } from './funding'

export interface LedgerForm {
  kind: ProjectKind
  households: number | null
  buildings: number | null
  floor_area_m2: number | null
  investment_yuan: number | null
  funding: Record<string, number | null>
  responsible_person: string
  responsible_phone: string
  design_unit: string
  construction_unit: string
  supervision_unit: string
  built_year_reason: string
  /** First registration only: outside the annual plan, to be swapped in. */
  reserve: boolean
}

function fundingRecord(lines: FundingLine[] | null | undefined): Record<string, number | null> {
  const out: Record<string, number | null> = {}
  for (const s of FUNDING_SOURCES) out[s] = null
  for (const l of lines ?? []) out[l.source] = l.amount_yuan
  return out
}

export function ledgerForm(p: Project | null): LedgerForm {
  return {
    kind: p?.kind === 'continuing' ? 'continuing' : 'new',
    households: p?.ledger_households ?? null,
    buildings: p?.ledger_buildings ?? null,
    floor_area_m2: p?.floor_area_m2 ?? null,
    investment_yuan: p?.investment_yuan ?? null,
    funding: fundingRecord(p?.funding),
    responsible_person: p?.responsible_person ?? '',
    responsible_phone: p?.responsible_phone ?? '',
    design_unit: p?.design_unit ?? '',
    construction_unit: p?.construction_unit ?? '',
    supervision_unit: p?.supervision_unit ?? '',
    built_year_reason: p?.built_year_reason ?? '',
    reserve: false,
  }
}

export type LedgerProblem = 'households' | 'buildings' | 'area' | 'investment' | 'funding' | 'person'

/** What is missing or wrong, in the form's order; empty when it can be sent. */
export function ledgerProblems(f: LedgerForm): LedgerProblem[] {
  const out: LedgerProblem[] = []
  if (!f.households || f.households < 1) out.push('households')
  if (!f.buildings || f.buildings < 1) out.push('buildings')
  if (!f.floor_area_m2 || f.floor_area_m2 <= 0) out.push('area')
  if (!f.investment_yuan || f.investment_yuan <= 0) out.push('investment')
  else if (!fundingBalance(f.investment_yuan, FUNDING_SOURCES.map((s) => f.funding[s])).balanced) out.push('funding')
  if (!f.responsible_person.trim()) out.push('person')
  return out
}

/** The request body: only the sources with an amount, optional texts left out
 * when empty. The reason for a community built after the cut-off goes with
 * every call once given (the server checks it on corrections too). */
export function ledgerInput(f: LedgerForm): LedgerInput {
  const input: LedgerInput = {
    kind: f.kind,
    households: f.households ?? 0,
    buildings: f.buildings ?? 0,
    floor_area_m2: f.floor_area_m2 ?? 0,
    investment_yuan: f.investment_yuan ?? 0,
    funding: FUNDING_SOURCES.filter((s) => f.funding[s] !== null && f.funding[s] !== undefined && f.funding[s] !== 0).map((s) => ({
      source: s,
      amount_yuan: f.funding[s]!,
    })),
    responsible_person: f.responsible_person.trim(),
  }
  const optional = ['responsible_phone', 'design_unit', 'construction_unit', 'supervision_unit'] as const
  for (const k of optional) if (f[k].trim()) input[k] = f[k].trim()
  if (f.built_year_reason.trim()) input.built_year_reason = f.built_year_reason.trim()
  if (f.reserve) input.reserve = true
  return input
}
