// The project's stages (DESIGN.md rule 5): one step forward at a time.
import { isApiError } from '../../api/http'
import type { Project } from '../../api/contract'
import { PROJECT_STAGES, type ProjectStage } from '../vocabulary'

/** What issue 4 adds to a project: its stage, acceptance and hand-over. */
export type ProjectStageFields = Pick<Project, 'stage' | 'accepted_on' | 'handed_over_at'>

export function stageOf(p: Project | null): ProjectStageFields {
  return { stage: p?.stage ?? 'survey', accepted_on: p?.accepted_on ?? null, handed_over_at: p?.handed_over_at ?? null }
}

export function nextStage(stage: string | undefined): ProjectStage | null {
  const k = PROJECT_STAGES.indexOf((stage ?? 'survey') as ProjectStage)
  return k >= 0 && k < PROJECT_STAGES.length - 1 ? PROJECT_STAGES[k + 1]! : null
}

/**
 * The reasons of a 409 transition_refused, as sentences: translated from the
 * server's reason codes when `translate` knows them, its English otherwise.
 */
export function refusalReasons(err: unknown, translate?: (code: string, english: string) => string | null): string[] {
  if (!isApiError(err) || err.code !== 'transition_refused') return []
  const codes = err.details.reason_codes
  const english = Array.isArray(err.details.reasons) ? err.details.reasons : []
  if (translate && Array.isArray(codes)) {
    return codes.map((c, i) => translate(String(c), String(english[i] ?? '')) ?? String(english[i] ?? c)).filter(Boolean)
  }
  const raw = err.details.reasons
  if (!Array.isArray(raw)) return err.message ? [err.message] : []
  return raw
    .map((r) => {
      if (typeof r === 'string') return r
      if (r && typeof r === 'object') {
        const o = r as Record<string, unknown>
        return String(o.message ?? o.reason ?? o.code ?? '')
      }
      return ''
    })
    .filter(Boolean)
}

/** The number in a sentence of the server's: "start criterion 3 (…) has not
 * been confirmed" → 3, "2 issue(s) found at acceptance …" → 2; null when the
 * sentence is not one of those. */
export function reasonNumber(code: string, english: string): number | null {
  const m = code === 'criterion_missing' ? /start criterion (\d+)\b/i.exec(english) : code === 'rectifications_open' ? /^\s*(\d+) issue/i.exec(english) : null
  return m ? Number(m[1]) : null
}
