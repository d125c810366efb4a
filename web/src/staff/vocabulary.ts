// Words of the API only the console uses, which the OpenAPI document types as
// plain strings (see src/api/vocabulary.ts for the shared ones).

export type UnitKind = 'contractor' | 'property' | 'department'
export const UNIT_KINDS: readonly UnitKind[] = ['contractor', 'property', 'department']

export type VisitMethod = 'door' | 'phone' | 'meeting'
export const VISIT_METHODS: readonly VisitMethod[] = ['door', 'phone', 'meeting']

export type ProjectStage = 'survey' | 'mobilization' | 'planning' | 'construction' | 'acceptance' | 'handed_over'
export const PROJECT_STAGES: readonly ProjectStage[] = ['survey', 'mobilization', 'planning', 'construction', 'acceptance', 'handed_over']

/** 新开工 (new) or 续建 (continuing). */
export type ProjectKind = 'new' | 'continuing'
export const PROJECT_KINDS: readonly ProjectKind[] = ['new', 'continuing']
