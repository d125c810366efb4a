// The three consent rules in words (DESIGN.md rule 3).
import type { ConsentRule } from '../api/vocabulary'

type Translate = (key: string, params?: Record<string, unknown>) => string

export function ruleShort(t: Translate, rule: ConsentRule | string | undefined, percent: number): string {
  switch (rule ?? 'households-80') {
    case 'households-80':
      return t('staff.rules.households80Short', { percent })
    case 'civil-code-major':
      return t('staff.rules.majorShort')
    case 'civil-code-ordinary':
      return t('staff.rules.ordinaryShort')
    default:
      return String(rule)
  }
}

export function isCivilCode(rule: string | undefined): boolean {
  return rule === 'civil-code-major' || rule === 'civil-code-ordinary'
}
