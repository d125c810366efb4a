// Mounts the resident app as a person would meet it: App shell, real router
// (in memory) and the i18n catalogues.
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory } from 'vue-router'
import { clearDraft } from '../resident/draft'
import { outbox } from '../resident/outbox'
import App from '../resident/App.vue'
import { createAppI18n, localeReady, type AppLocale } from '../i18n'
import { createResidentRouter } from '../resident/router'
import { sessionEndedBy, setUnauthorizedHandler } from '../resident/api'
import { buildingToken, session, signInPath, startSession } from '../resident/session'
import { restore } from '../resident/store'
import { signInAnswer, BUILDING_TOKEN } from './fixtures'

export async function mountResident(path: string, locale: AppLocale = 'zh-CN') {
  const i18n = createAppI18n(locale)
  await localeReady(i18n)
  const router = createResidentRouter(createMemoryHistory())
  setUnauthorizedHandler(() => void router.replace(signInPath()))
  await router.push(path)
  await router.isReady()
  const wrapper = mount(App, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router, i18n }
}

/** Resets every piece of module state the resident app keeps. */
export function resetResident(): void {
  session.value = null
  buildingToken.value = null
  sessionEndedBy.value = null
  outbox.value = null
  clearDraft()
  restore()
}

export function signedIn(): void {
  startSession(signInAnswer(), BUILDING_TOKEN)
  restore()
}
