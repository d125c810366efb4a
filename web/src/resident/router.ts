// Resident routes (history mode; the server answers index.html for them):
//   /b/:token      building landing and sign-in (what the QR code encodes)
//   /plan          the whole plan
//   /vote          the vote on one screen: summary, both questions, signature, submit
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
import { whenIdle } from '../shared/idle'
import { session, signInPath } from './session'
import HomeView from './views/HomeView.vue'
import BuildingView from './views/BuildingView.vue'
import BoardView from './views/BoardView.vue'

// The QR codes' pages (a building's landing page, a community's notice
// board) and the home page come with the app; every
// other screen is a chunk of its own, fetched when first needed, so the first
// screen on a weak line carries none of them (issue 11: budget checked by
// scripts/check-bundles.mjs). The service worker precaches them all; where
// there is none (WeChat on iOS), main.ts calls prefetchScreens once the first
// screen is up, which fetches them while the phone is idle: a resident who
// then loses the line still reaches every screen, a complaint written
// offline its list included.
const screens = {
  plan: () => import('./views/PlanView.vue'),
  vote: () => import('./views/VoteView.vue'),
  receipt: () => import('./views/ReceiptView.vue'),
  needs: () => import('./views/NeedsView.vue'),
  notices: () => import('./views/NoticesView.vue'),
  complaints: () => import('./views/ComplaintsView.vue'),
  complaintNew: () => import('./views/ComplaintNewView.vue'),
  complaint: () => import('./views/ComplaintView.vue'),
  progress: () => import('./views/ProgressView.vue'),
  rating: () => import('./views/RatingView.vue'),
}

/** Fetches every screen's chunk, one after the other, when the phone is idle. */
export function prefetchScreens(idle: (run: () => void) => void = whenIdle): Promise<void> {
  const loaders = Object.values(screens)
  return new Promise((done) => {
    const next = () => {
      const load = loaders.shift()
      if (!load) return done()
      load().then(
        () => idle(next),
        () => idle(next), // offline now: the screen loads when it is opened
      )
    }
    idle(next)
  })
}

export function createResidentRouter(history: RouterHistory = createWebHistory('/')) {
  const router = createRouter({
    history,
    routes: [
      { path: '/', name: 'home', component: HomeView },
      { path: '/b/:token', name: 'building', component: BuildingView, props: true },
      { path: '/plan', name: 'plan', component: screens.plan, meta: { auth: true } },
      { path: '/vote', name: 'vote', component: screens.vote, meta: { auth: true } },
      // The earlier three steps (a queued page, a bookmark) lead to the one screen.
      { path: '/vote/:step(sign|review)', redirect: '/vote' },
      { path: '/receipt', name: 'receipt', component: screens.receipt, meta: { auth: true } },
      { path: '/needs', name: 'needs', component: screens.needs, meta: { auth: true } },
      { path: '/notices', name: 'notices', component: screens.notices, meta: { auth: true } },
      { path: '/c/:token', name: 'board', component: BoardView, props: true },
      { path: '/complaints', name: 'complaints', component: screens.complaints, meta: { auth: true } },
      { path: '/complaints/new', name: 'complaint-new', component: screens.complaintNew, meta: { auth: true } },
      { path: '/complaints/:id(\\d+)', name: 'complaint', component: screens.complaint, props: true, meta: { auth: true } },
      { path: '/progress', name: 'progress', component: screens.progress, meta: { auth: true } },
      { path: '/rating', name: 'rating', component: screens.rating, meta: { auth: true } },
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
