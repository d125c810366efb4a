// vue-i18n set-up shared by the resident app and the staff page: Chinese by
// default, English one tap away, the choice remembered and mirrored on <html lang>.
import { createI18n } from 'vue-i18n'
import zhCN, { type MessageSchema } from './zh-CN'
import en from './en'
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

export function createAppI18n(locale: AppLocale = savedLocale(), extra?: ExtraMessages) {
  const i18n = createI18n<[MessageSchema], AppLocale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': { ...zhCN, ...extra?.['zh-CN'] }, en: { ...en, ...extra?.en } },
    missingWarn: false,
    fallbackWarn: false,
  })
  applyDocumentLang(locale)
  return i18n
}

export type AppI18n = ReturnType<typeof createAppI18n>

/** Switches the language everywhere and remembers it. Pass the `locale` ref
 * of useI18n() (or of i18n.global). */
export function setLocale(current: { value: string }, locale: AppLocale): void {
  current.value = locale
  writeString(LOCALE_KEY, locale)
  applyDocumentLang(locale)
}

export function otherLocale(locale: string): AppLocale {
  return locale === 'en' ? 'zh-CN' : 'en'
}

export function applyDocumentLang(locale: AppLocale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale === 'zh-CN' ? 'zh-CN' : 'en'
}

export { zhCN, en }
export type { MessageSchema }
