// Entry of the staff page (staff.html). Plain Vue and CSS: no Vant here.
import { createApp } from 'vue'
import './staff.css'
import { createAppI18n } from '../i18n'
import StaffApp from './StaffApp.vue'
import { createStaffRouter } from './router'
import { setStaffUnauthorizedHandler } from './session'

const i18n = createAppI18n()
const router = createStaffRouter()
setStaffUnauthorizedHandler(() => void router.replace({ name: 'login', query: { next: router.currentRoute.value.fullPath } }))
createApp(StaffApp).use(i18n).use(router).mount('#app')
