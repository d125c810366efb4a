// Console data shaped like the API's answers in docs/API.md.
import type { Building, Community, Consent, Household } from '../api/contract'

export function consent(over: Partial<Consent> = {}): Consent {
  const tally = (agree: number, reached = false, needed = 23) => ({ agree, disagree: 3, abstain: 2, rate: agree / 72, reached, needed })
  return {
    project_id: 2,
    plan_id: 7,
    plan_version: 1,
    rule: 'households-80',
    threshold_percent: 80,
    scope_building_id: null,
    voting_status: 'open',
    voting_opens_at: '2024-05-01T00:00:00Z',
    voting_closes_at: '2024-05-31T00:00:00Z',
    closed_at: null,
    eligible: 72,
    voted: 40,
    paper: 3,
    by_code: 1,
    plan: tally(35),
    management: tally(30, false, 28),
    reached: false,
    buildings: [
      { building_id: 1, name: '1号楼', eligible: 24, voted: 15, paper: 1, by_code: 1, plan: tally(12, false, 8), management: tally(10, false, 10) },
      { building_id: 2, name: '2号楼', eligible: 48, voted: 25, paper: 2, by_code: 0, plan: tally(23, false, 16), management: tally(20, false, 19) },
    ],
    non_voters: [
      { household_id: 4, building_id: 1, building_name: '1号楼', entrance: '1单元', floor: 2, room: '201', owner_masked: '张*' },
      { household_id: 5, building_id: 1, building_name: '1号楼', entrance: '1单元', floor: 3, room: '301', owner_masked: '李*' },
      { household_id: 9, building_id: 1, building_name: '1号楼', entrance: '2单元', floor: 1, room: '102', owner_masked: '王*' },
      { household_id: 30, building_id: 2, building_name: '2号楼', entrance: '1单元', floor: 5, room: '502', owner_masked: '赵*' },
    ],
    confirmed_by_code: [{ household_id: 7, building_id: 1, building_name: '1号楼', entrance: '1单元', floor: 4, room: '401', owner_masked: '孙*' }],
    ...over,
  }
}

export function community(over: Partial<Community> = {}): Community {
  return {
    id: 1,
    district_id: 1,
    name: '建设街小区',
    address: '驿城区建设街12号',
    built_year: 1992,
    public_token: 'board-tok',
    created_at: '2024-01-05T02:00:00Z',
    board_url: 'http://anju.test/c/board-tok',
    board_qr_url: '/api/v1/communities/1/qr.png',
    ...over,
  }
}

export function building(over: Partial<Building> = {}): Building {
  return {
    id: 3,
    community_id: 1,
    name: '1号楼',
    token: 'tok-abc123',
    resident_url: 'http://anju.test/b/tok-abc123',
    qr_url: '/api/v1/buildings/3/qr.png',
    token_rotated_at: null,
    created_at: '2024-01-05T02:00:00Z',
    households: 2,
    ...over,
  }
}

export function household(over: Partial<Household> = {}): Household {
  return {
    id: 12,
    building_id: 3,
    entrance: '1单元',
    room: '301',
    floor: 3,
    area_m2: 78.5,
    owner_masked: '张*',
    phone_masked: '138****1234',
    owner_group: '',
    code_issued_at: '2024-01-06T02:00:00Z',
    locked_until: null,
    paused_sources: 0,
    created_at: '2024-01-05T02:00:00Z',
    ...over,
  }
}

/** A PNG's first bytes: enough for an <img> that is never decoded in tests. */
export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
