// Staff routes under /staff/ (the server answers staff.html for them).
import { createRouter, createWebHistory, type RouterHistory } from 'vue-router'
import { staffSession } from './session'
import LoginView from './views/LoginView.vue'
import ProjectsView from './views/ProjectsView.vue'
import TallyView from './views/TallyView.vue'

export const STAFF_BASE = '/staff/'

export function createStaffRouter(history: RouterHistory = createWebHistory(STAFF_BASE)) {
  const router = createRouter({
    history,
    routes: [
      { path: '/', name: 'projects', component: ProjectsView, meta: { auth: true } },
      { path: '/login', name: 'login', component: LoginView },
      { path: '/projects/:id(\\d+)', name: 'tally', component: TallyView, meta: { auth: true }, props: (r) => ({ id: Number(r.params.id) }) },
      { path: '/:rest(.*)*', redirect: '/' },
    ],
  })
  router.beforeEach((to) => {
    if (to.meta.auth && !staffSession.value) return { name: 'login', query: { next: to.fullPath } }
    if (to.name === 'login' && staffSession.value) return { name: 'projects' }
    return true
  })
  return router
}
