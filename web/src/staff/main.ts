// Entry of the staff console (staff.html): Vue, Element Plus (on demand) and
// ECharts (loaded with the needs-poll chart only). No Vant here.
import { createApp } from 'vue'
import './ui/element'
import './staff.css'
import { localeReady } from '../i18n'
import { createStaffI18n } from './i18n'
import StaffApp from './StaffApp.vue'
import { createStaffRouter } from './router'
import { setStaffUnauthorizedHandler } from './session'

const i18n = createStaffI18n()
const router = createStaffRouter()
setStaffUnauthorizedHandler(() => void router.replace({ name: 'login', query: { next: router.currentRoute.value.fullPath } }))
// English, when chosen, is fetched first (src/i18n).
void localeReady(i18n).then(() => createApp(StaffApp).use(i18n).use(router).mount('#app'))
