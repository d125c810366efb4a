// What a building's poster says about the vote: the plan now put to the vote
// in this building (a community-wide project, or one scoped to this building).
import type { Plan, Project } from '../../api/contract'

export function projectForBuilding(projects: Project[], communityId: number, buildingId: number): Project | null {
  const mine = projects.filter(
    (p) => p.community_id === communityId && (p.scope_building_id == null || p.scope_building_id === buildingId),
  )
  // The latest year first; among equals the one with a published plan.
  mine.sort((a, b) => b.year - a.year || Number(b.current_plan_id !== null) - Number(a.current_plan_id !== null) || b.id - a.id)
  return mine[0] ?? null
}

export function deadlineOf(plan: Pick<Plan, 'voting_closes_at'> | null): string | null {
  return plan?.voting_closes_at ?? null
}
