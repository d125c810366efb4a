// The door-to-door list (入户): households that have not voted, by building and
// entrance, in the order the server gives (building → entrance → floor → room).
import type { NonVoter } from '../../api/contract'

export interface EntranceGroup {
  entrance: string
  rows: NonVoter[]
}

export interface BuildingGroup {
  buildingId: number
  buildingName: string
  count: number
  entrances: EntranceGroup[]
}

export function groupNonVoters(list: readonly NonVoter[]): BuildingGroup[] {
  const out: BuildingGroup[] = []
  for (const n of list) {
    let b = out.find((g) => g.buildingId === n.building_id)
    if (!b) {
      b = { buildingId: n.building_id, buildingName: n.building_name, count: 0, entrances: [] }
      out.push(b)
    }
    let e = b.entrances.find((g) => g.entrance === (n.entrance ?? ''))
    if (!e) {
      e = { entrance: n.entrance ?? '', rows: [] }
      b.entrances.push(e)
    }
    e.rows.push(n)
    b.count++
  }
  return out
}
