// The Vant pieces the resident app uses: their styles (components are imported
// where they are used) and Vant's own texts following the app language.
// The CSS files are imported one by one rather than through each component's
// style/index: that would also pull in the icon font (a 30 KB base64 woff2)
// that none of these screens uses.
import 'vant/es/style/base.css'
import 'vant/es/loading/index.css'
import 'vant/es/button/index.css'
import 'vant/es/tag/index.css'
import 'vant/es/signature/index.css'
import { Locale } from 'vant'
import enUS from 'vant/es/locale/lang/en-US'
import zhCN from 'vant/es/locale/lang/zh-CN'
import type { AppLocale } from '../i18n'

export function useVantLocale(locale: AppLocale): void {
  if (locale === 'en') Locale.use('en-US', enUS)
  else Locale.use('zh-CN', zhCN)
}
