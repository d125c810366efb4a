// Staff routes under /staff/ (the server answers staff.html for them).
//   /                          projects
//   /registry                  districts (city) → /registry/districts/:id → communities
//   /registry/communities/:id  buildings, board QR, projects
//   /registry/buildings/:id    households, import, codes
//   /projects/:id              the vote (live tally), and tabs: needs, plans, results, progress,
//                              visits, satisfaction, ledger (台账), criteria (开工认定),
//                              stage, audit, settings
//   /?year=&district_id=&stage=&kind=&started=&completed=   the projects behind a figure
//   /dashboard                 看板: targets vs done, ranking, milestones, 月报 (city, district)
//   /targets                   任务目标 per district and year (city edits; district reads)
//   /complaints                the complaint queue of the caller's scope → /complaints/:id
//   /satisfaction              satisfaction per district and year
//   /api-keys                  Open311 keys (city and district staff)
//   /accounts                  账号: staff accounts of the caller's scope (city: all; district: its committees)
//   /print/…                   A4 poster, code slips, door-to-door sheet
import { createRouter, createWebHistory, type RouteLocationNormalized, type RouterHistory } from 'vue-router'
import { staffSession } from './session'
import LoginView from './views/LoginView.vue'
import ProjectsView from './views/ProjectsView.vue'
import RegistryHome from './views/registry/RegistryHome.vue'
import DistrictView from './views/registry/DistrictView.vue'
import CommunityView from './views/registry/CommunityView.vue'
import BuildingView from './views/registry/BuildingView.vue'
import ProjectLayout from './views/project/ProjectLayout.vue'
import TallyTab from './views/project/TallyTab.vue'
import NeedsTab from './views/project/NeedsTab.vue'
import PlansTab from './views/project/PlansTab.vue'
import PlanEditor from './views/project/PlanEditor.vue'
import ResultsTab from './views/project/ResultsTab.vue'
import AuditTab from './views/project/AuditTab.vue'
import SettingsTab from './views/project/SettingsTab.vue'
import ProgressTab from './views/project/ProgressTab.vue'
import VisitsTab from './views/project/VisitsTab.vue'
import SatisfactionTab from './views/project/SatisfactionTab.vue'
import StageTab from './views/project/StageTab.vue'
import LedgerTab from './views/project/LedgerTab.vue'
import CriteriaTab from './views/project/CriteriaTab.vue'
import DashboardView from './views/pipeline/DashboardView.vue'
import TargetsView from './views/pipeline/TargetsView.vue'
import ComplaintsView from './views/complaints/ComplaintsView.vue'
import ComplaintView from './views/complaints/ComplaintView.vue'
import SatisfactionView from './views/SatisfactionView.vue'
import ApiKeysView from './views/ApiKeysView.vue'
import AccountsView from './views/AccountsView.vue'
import PosterView from './views/print/PosterView.vue'
import SlipsView from './views/print/SlipsView.vue'
import DoorSheetView from './views/print/DoorSheetView.vue'

export const STAFF_BASE = '/staff/'

const num = (key: string) => (r: RouteLocationNormalized) => ({ id: Number(r.params[key]) })

export function createStaffRouter(history: RouterHistory = createWebHistory(STAFF_BASE)) {
  const router = createRouter({
    history,
    routes: [
      { path: '/', name: 'projects', component: ProjectsView, meta: { auth: true } },
      { path: '/login', name: 'login', component: LoginView },
      { path: '/registry', name: 'registry', component: RegistryHome, meta: { auth: true } },
      { path: '/registry/districts/:id(\\d+)', name: 'district', component: DistrictView, meta: { auth: true }, props: num('id') },
      { path: '/registry/communities/:id(\\d+)', name: 'community', component: CommunityView, meta: { auth: true }, props: num('id') },
      { path: '/registry/buildings/:id(\\d+)', name: 'building', component: BuildingView, meta: { auth: true }, props: num('id') },
      {
        path: '/projects/:id(\\d+)',
        component: ProjectLayout,
        meta: { auth: true },
        props: num('id'),
        children: [
          { path: '', name: 'tally', component: TallyTab, props: num('id') },
          { path: 'needs', name: 'needs', component: NeedsTab, props: num('id') },
          { path: 'plans', name: 'plans', component: PlansTab, props: num('id') },
          { path: 'plans/new', name: 'plan-new', component: PlanEditor, props: (r) => ({ projectId: Number(r.params.id), planId: null }) },
          {
            path: 'plans/:planId(\\d+)',
            name: 'plan',
            component: PlanEditor,
            props: (r) => ({ projectId: Number(r.params.id), planId: Number(r.params.planId) }),
          },
          { path: 'results', name: 'results', component: ResultsTab, props: num('id') },
          { path: 'progress', name: 'progress', component: ProgressTab, props: num('id') },
          { path: 'visits', name: 'visits', component: VisitsTab, props: num('id') },
          { path: 'satisfaction', name: 'project-satisfaction', component: SatisfactionTab, props: num('id') },
          { path: 'ledger', name: 'ledger', component: LedgerTab, props: num('id') },
          { path: 'criteria', name: 'criteria', component: CriteriaTab, props: num('id') },
          { path: 'stage', name: 'stage', component: StageTab, props: num('id') },
          { path: 'audit', name: 'audit', component: AuditTab, props: num('id') },
          { path: 'settings', name: 'settings', component: SettingsTab, props: num('id') },
        ],
      },
      { path: '/complaints', name: 'complaints', component: ComplaintsView, meta: { auth: true } },
      { path: '/complaints/:id(\\d+)', name: 'complaint', component: ComplaintView, meta: { auth: true }, props: num('id') },
      { path: '/satisfaction', name: 'satisfaction', component: SatisfactionView, meta: { auth: true } },
      { path: '/dashboard', name: 'dashboard', component: DashboardView, meta: { auth: true, roles: ['city', 'district'] } },
      { path: '/targets', name: 'targets', component: TargetsView, meta: { auth: true, roles: ['city', 'district'] } },
      { path: '/api-keys', name: 'api-keys', component: ApiKeysView, meta: { auth: true, roles: ['city', 'district'] } },
      { path: '/accounts', name: 'accounts', component: AccountsView, meta: { auth: true, roles: ['city', 'district'] } },
      { path: '/print/buildings/:id(\\d+)/poster', name: 'poster', component: PosterView, meta: { auth: true, print: true }, props: num('id') },
      { path: '/print/slips', name: 'slips', component: SlipsView, meta: { auth: true, print: true } },
      {
        path: '/print/projects/:id(\\d+)/door-to-door',
        name: 'door-sheet',
        component: DoorSheetView,
        meta: { auth: true, print: true },
        props: num('id'),
      },
      { path: '/:rest(.*)*', redirect: '/' },
    ],
    scrollBehavior: () => ({ top: 0 }),
  })
  router.beforeEach((to) => {
    if (to.meta.auth && !staffSession.value) return { name: 'login', query: { next: to.fullPath } }
    if (to.name === 'login' && staffSession.value) return { name: 'projects' }
    const roles = to.meta.roles as string[] | undefined
    if (roles && staffSession.value && !roles.includes(staffSession.value.user.role)) return { name: 'projects' }
    return true
  })
  return router
}
