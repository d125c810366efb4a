// vue-i18n set-up shared by the resident app and the staff page: Chinese by
// default, English one tap away, the choice remembered and mirrored on <html lang>.
// English is a chunk of its own, fetched when it is chosen: most residents
// never do, and the first screen on a weak line should not carry it (issue 11).
import { createI18n } from 'vue-i18n'
import zhCN, { type MessageSchema } from './zh-CN'
import { readString, writeString } from '../shared/storage'

export type AppLocale = 'zh-CN' | 'en'
export const LOCALES: readonly AppLocale[] = ['zh-CN', 'en']
export const LOCALE_KEY = 'anju.locale'

export function savedLocale(): AppLocale {
  const v = readString(LOCALE_KEY)
  return v === 'en' ? 'en' : 'zh-CN'
}

/** Messages one page adds to the shared catalogue (the staff console's own). */
export type ExtraMessages = Record<AppLocale, Record<string, unknown>>

let english: MessageSchema | null = null

/** The English catalogue, fetched once. */
export async function loadEnglish(): Promise<MessageSchema> {
  english ??= (await import('./en')).default
  return english
}

/** What setLocale needs of an i18n instance's global composer. */
interface Switchable {
  locale: { value: string }
  availableLocales: readonly string[]
  setLocaleMessage(locale: string, messages: never): void
}

/** Per instance: the page's own messages, and the language still loading. */
const pages = new WeakMap<object, { extra?: ExtraMessages; ready: Promise<void> }>()

export function createAppI18n(locale: AppLocale = savedLocale(), extra?: ExtraMessages) {
  const messages: Partial<Record<AppLocale, MessageSchema>> = { 'zh-CN': { ...zhCN, ...extra?.['zh-CN'] } }
  if (english) messages.en = { ...english, ...extra?.en } as MessageSchema
  const i18n = createI18n<[MessageSchema], AppLocale, false>({
    legacy: false,
    locale: messages[locale] ? locale : 'zh-CN',
    fallbackLocale: 'zh-CN',
    messages: messages as Record<AppLocale, MessageSchema>,
    missingWarn: false,
    fallbackWarn: false,
  })
  const page = { extra, ready: Promise.resolve() }
  pages.set(i18n.global, page)
  applyDocumentLang(i18n.global.locale.value as AppLocale)
  // Chinese shows until English has arrived (main.ts waits for it: localeReady).
  if (!messages[locale]) page.ready = setLocale(i18n.global as unknown as Switchable, locale, { remember: false })
  return i18n
}

export type AppI18n = ReturnType<typeof createAppI18n>

/** Resolves when the language the instance was created with is in place. */
export function localeReady(i18n: { global: object }): Promise<void> {
  return pages.get(i18n.global)?.ready ?? Promise.resolve()
}

/** Switches the language everywhere (fetching English the first time) and
 * remembers it. Pass the global composer: useI18n({ useScope: 'global' }) or
 * i18n.global. */
export async function setLocale(composer: object, locale: AppLocale, { remember = true } = {}): Promise<void> {
  const c = composer as Switchable
  if (!c.availableLocales.includes(locale)) {
    const extra = pages.get(composer)?.extra
    const messages = locale === 'en' ? { ...(await loadEnglish()), ...extra?.en } : { ...zhCN, ...extra?.['zh-CN'] }
    c.setLocaleMessage(locale, messages as never)
  }
  c.locale.value = locale
  if (remember) writeString(LOCALE_KEY, locale)
  applyDocumentLang(locale)
}

export function otherLocale(locale: string): AppLocale {
  return locale === 'en' ? 'zh-CN' : 'en'
}

export function applyDocumentLang(locale: AppLocale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale === 'zh-CN' ? 'zh-CN' : 'en'
}

export { zhCN }
export type { MessageSchema }
