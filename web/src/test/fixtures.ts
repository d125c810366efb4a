// Data shaped like the API's answers in docs/API.md.
import type { BallotRequest, HouseholdSignIn, Me, Plan, PublicBuilding, Receipt } from '../api/contract'

const future = (days: number) => new Date(Date.now() + days * 86400_000).toISOString()
const past = (days: number) => new Date(Date.now() - days * 86400_000).toISOString()

export const BUILDING_TOKEN = 'tok-abc123'

export function publicBuilding(over: Partial<PublicBuilding> = {}): PublicBuilding {
  return {
    building: { id: 3, name: '1号楼' },
    community: { id: 1, name: '建设街小区', address: '驿城区建设街12号', built_year: 1992 },
    district: { id: 1, name: '驿城区' },
    plan: {
      id: 7,
      project_id: 2,
      version: 1,
      title: '建设街小区2024年改造方案',
      summary: '屋面防水、外墙保温、加装照明。',
      voting_opens_at: past(3),
      voting_closes_at: future(10),
      closed_at: null,
      voting_status: 'open',
    },
    ...over,
  }
}

export function signInAnswer(): HouseholdSignIn {
  return { token: 'household-jwt', expires_at: future(30), household: { id: 12, room: '301', entrance: '1单元', building_id: 3 } }
}

export function me(): Me {
  return {
    household: { id: 12, room: '301', entrance: '1单元', floor: 3, area_m2: 78.5, owner_masked: '张*' },
    building: { id: 3, name: '1号楼' },
    community: {
      id: 1,
      district_id: 1,
      name: '建设街小区',
      address: '驿城区建设街12号',
      built_year: 1992,
      public_token: null,
      created_at: past(400),
      board_url: '',
      board_qr_url: '/api/v1/communities/1/qr.png',
    },
  }
}

export function plan(over: Partial<Plan> = {}): Plan {
  return {
    id: 7,
    project_id: 2,
    version: 1,
    status: 'published',
    title: '建设街小区2024年改造方案',
    summary: '屋面防水、外墙保温、加装照明。',
    management_mode: 'professional',
    management_description: '引入物业公司，每月每平方米 0.5 元。',
    budget_total_yuan: 1280000,
    funding: [
      { source: 'central', amount_yuan: 800000 },
      { source: 'residents', amount_yuan: 480000 },
    ],
    items: [
      {
        catalog_code: '01',
        category: 'basic',
        name_zh: '屋面防水',
        name_en: 'Roof waterproofing',
        content: '屋面防水层翻新',
        standard: '无渗漏，蓄水试验合格',
        description: '1号楼至3号楼屋面重做防水',
        quantity: '1800 平方米',
        budget_yuan: 120000,
      },
      {
        catalog_code: '12',
        category: 'improvement',
        name_zh: '楼道照明',
        name_en: 'Stairwell lighting',
        content: '更换声控灯',
        standard: '照度符合规范',
        description: '每层加装声控灯',
        quantity: '',
        budget_yuan: null,
      },
    ],
    attachments: [],
    created_at: past(20),
    published_at: past(5),
    superseded_at: null,
    closed_at: null,
    voting_opens_at: past(3),
    voting_closes_at: future(10),
    voting_status: 'open',
    threshold_percent: 80,
    ...over,
  }
}

export function receipt(over: Partial<Receipt> = {}): Receipt {
  return {
    id: 55,
    plan_id: 7,
    household_id: 12,
    revision: 1,
    plan_choice: 'agree',
    management_choice: 'abstain',
    channel: 'online',
    evidence: 'signature',
    recorded_at: past(1),
    changeable_until: future(10),
    replaces: null,
    recorded_by: null,
    hash: 'a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778',
    ...over,
  }
}

export { future, past }

/** A signature the tests send (the PNG header only: the server is mocked). */
export const SIGNATURE = 'data:image/png;base64,iVBORw0KGgo='

/** The body of PUT /me/ballot: agree twice, a first vote. */
export function ballotRequest(over: Partial<BallotRequest> = {}): BallotRequest {
  return { plan_id: 7, plan_choice: 'agree', management_choice: 'agree', signature: SIGNATURE, replaces: null, ...over }
}
