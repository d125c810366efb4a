// Mounts the staff console as a person meets it: the frame, the real router
// (in memory) and both catalogues.
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory } from 'vue-router'
import { localeReady, type AppLocale } from '../i18n'
import StaffApp from '../staff/StaffApp.vue'
import { createStaffI18n } from '../staff/i18n'
import { createStaffRouter } from '../staff/router'
import { setStaffUnauthorizedHandler, startStaffSession } from '../staff/session'
import type { Project } from '../api/contract'

export async function mountStaff(path: string, locale: AppLocale = 'zh-CN') {
  const router = createStaffRouter(createMemoryHistory('/staff/'))
  setStaffUnauthorizedHandler(() => void router.replace({ name: 'login' }))
  await router.push(path)
  await router.isReady()
  const i18n = createStaffI18n(locale)
  await localeReady(i18n)
  const wrapper = mount(StaffApp, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

export function signInStaff(role: 'city' | 'district' | 'committee' = 'committee'): void {
  startStaffSession({
    token: 'staff-jwt',
    expires_at: new Date(Date.now() + 3600_000).toISOString(),
    user: {
      id: 1,
      username: 'jianshe',
      role,
      district_id: role === 'city' ? null : 1,
      community_id: role === 'committee' ? 1 : null,
      disabled: false,
      created_at: '2024-01-02T02:00:00Z',
    },
  })
}

export function project(over: Partial<Project> = {}): Project {
  return {
    id: 2,
    community_id: 1,
    community_name: '建设街小区',
    district_id: 1,
    district_name: '驿城区',
    year: 2024,
    consent_rule: 'households-80',
    threshold_percent: 80,
    scope_building_id: null,
    scope_building_name: null,
    objection_days: 7,
    current_plan_id: 7,
    current_plan_title: '建设街小区2024年改造方案',
    // Not registered in the ledger yet, still at the first stage.
    stage: 'survey',
    accepted_on: null,
    handed_over_at: null,
    kind: 'new',
    plan_status: 'planned',
    registered_at: null,
    ledger_households: null,
    ledger_buildings: null,
    floor_area_m2: null,
    investment_yuan: null,
    funding: [],
    built_year_reason: '',
    responsible_person: '',
    responsible_phone: '',
    design_unit: '',
    construction_unit: '',
    supervision_unit: '',
    started_on: null,
    created_at: '2024-01-05T02:00:00Z',
    ...over,
  }
}
