// Resident routes (history mode; the server answers index.html for them):
//   /b/:token      building landing and sign-in (what the QR code encodes)
//   /plan          the whole plan
//   /vote          choose → /vote/sign → /vote/review
//   /receipt       the receipt, or the vote waiting to be sent
//   /needs         the needs poll before the plan (居民点单)
//   /notices       result notices and objections after the vote
//   /c/:token      a community's public notice board (公示栏), no sign-in
//   /complaints    the household's complaints and those waiting to be sent
//   /complaints/new  a new complaint or warranty repair request
//   /complaints/:id  one complaint: its timeline, confirm or reopen
//   /progress      the construction progress (形象进度)
//   /rating        the satisfaction rating after acceptance
import { createRouter, createWebHistory, type RouterHistory } from 'vue-router'
import { session, signInPath } from './session'
import HomeView from './views/HomeView.vue'
import BuildingView from './views/BuildingView.vue'
import PlanView from './views/PlanView.vue'
import VoteChoose from './views/VoteChoose.vue'
import VoteSign from './views/VoteSign.vue'
import VoteReview from './views/VoteReview.vue'
import ReceiptView from './views/ReceiptView.vue'
import NeedsView from './views/NeedsView.vue'
import NoticesView from './views/NoticesView.vue'
import BoardView from './views/BoardView.vue'
// Loaded with the app, not on demand: a complaint written offline must still
// reach its list screen where no service worker keeps the chunks (WeChat on iOS).
import ComplaintsView from './views/ComplaintsView.vue'
import ComplaintNewView from './views/ComplaintNewView.vue'
import ComplaintView from './views/ComplaintView.vue'
import ProgressView from './views/ProgressView.vue'
import RatingView from './views/RatingView.vue'

export function createResidentRouter(history: RouterHistory = createWebHistory('/')) {
  const router = createRouter({
    history,
    routes: [
      { path: '/', name: 'home', component: HomeView },
      { path: '/b/:token', name: 'building', component: BuildingView, props: true },
      { path: '/plan', name: 'plan', component: PlanView, meta: { auth: true } },
      { path: '/vote', name: 'vote', component: VoteChoose, meta: { auth: true } },
      { path: '/vote/sign', name: 'vote-sign', component: VoteSign, meta: { auth: true } },
      { path: '/vote/review', name: 'vote-review', component: VoteReview, meta: { auth: true } },
      { path: '/receipt', name: 'receipt', component: ReceiptView, meta: { auth: true } },
      { path: '/needs', name: 'needs', component: NeedsView, meta: { auth: true } },
      { path: '/notices', name: 'notices', component: NoticesView, meta: { auth: true } },
      { path: '/c/:token', name: 'board', component: BoardView, props: true },
      { path: '/complaints', name: 'complaints', component: ComplaintsView, meta: { auth: true } },
      { path: '/complaints/new', name: 'complaint-new', component: ComplaintNewView, meta: { auth: true } },
      { path: '/complaints/:id(\\d+)', name: 'complaint', component: ComplaintView, props: true, meta: { auth: true } },
      { path: '/progress', name: 'progress', component: ProgressView, meta: { auth: true } },
      { path: '/rating', name: 'rating', component: RatingView, meta: { auth: true } },
      { path: '/:rest(.*)*', redirect: '/' },
    ],
    scrollBehavior: () => ({ top: 0 }),
  })

  router.beforeEach((to) => {
    if (to.meta.auth && !session.value) return signInPath()
    if (to.name === 'home' && session.value) return '/plan'
    return true
  })
  return router
}
