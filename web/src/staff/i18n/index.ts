// The console's own messages, merged into the shared catalogue under `staff`
// only on the staff page, so the resident bundle never carries them.
import { createAppI18n, savedLocale, type AppLocale } from '../../i18n'
import zh from './zh-CN'
import en from './en'

export function createStaffI18n(locale: AppLocale = savedLocale()) {
  return createAppI18n(locale, { 'zh-CN': { staff: zh }, en: { staff: en } })
}

export { zh as staffZh, en as staffEn }
