import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/http'
import { createAppI18n, localeReady, setLocale, zhCN } from './index'
import en from './en'
import { errorText } from './errors'
import { staffEn, staffZh } from '../staff/i18n'

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

function params(s: string): string[] {
  return [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort()
}

describe('i18n catalogues', () => {
  it('have the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  })

  it('the staff console has the same keys in Chinese and English', () => {
    expect(keys(staffEn).sort()).toEqual(keys(staffZh).sort())
  })

  it('use the same parameters for each message in both languages', () => {
    const get = (o: object, path: string) => path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], o) as string
    for (const k of keys(zhCN)) expect(params(get(en, k)), k).toEqual(params(get(zhCN, k)))
    for (const k of keys(staffZh)) expect(params(get(staffEn, k)), `staff.${k}`).toEqual(params(get(staffZh, k)))
  })

  it('never use characters vue-i18n would read as syntax', () => {
    for (const cat of [zhCN, en, staffZh, staffEn]) {
      const get = (path: string) => path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], cat) as string
      for (const k of keys(cat)) expect(get(k), k).not.toMatch(/[@$|]/)
    }
  })

  it('translate every error code the API documents', () => {
    const codes = [
      'token_retired', 'building_not_found', 'invalid_credentials', 'household_locked', 'rate_limited',
      // Sign-in lockout (issue 9).
      'too_many_guesses', 'household_locked_help',
      'plan_not_found', 'ballot_not_found', 'stale_ballot', 'voting_not_open', 'voting_closed',
      'plan_not_current', 'idempotency_key_reused', 'no_published_plan', 'session_expired', 'sign_in_required',
      // The committee's console (issue 3).
      'settings_locked', 'import_rejected', 'needs_closed', 'needs_not_found', 'objections_open',
      'objection_period_running', 'plan_published',
      // Complaints, progress and ratings (issue 4).
      'transition_not_allowed', 'no_project', 'warranty_not_started', 'warranty_expired', 'rating_not_open',
      'rating_locked', 'rating_not_found', 'complaint_not_found', 'too_many_photos',
    ]
    for (const c of codes) {
      expect(zhCN.errors, c).toHaveProperty(c)
      expect(en.errors, c).toHaveProperty(c)
    }
  })

  it('switching language fetches English, sets <html lang> and is remembered', async () => {
    const i18n = createAppI18n('zh-CN')
    expect(document.documentElement.lang).toBe('zh-CN')
    expect(i18n.global.availableLocales).toEqual(['zh-CN']) // English is not loaded with the page
    await setLocale(i18n.global, 'en')
    expect(i18n.global.t('signIn.submit')).toBe(en.signIn.submit)
    expect(document.documentElement.lang).toBe('en')
    expect(localStorage.getItem('anju.locale')).toBe('en')
    const again = createAppI18n()
    await localeReady(again)
    expect(again.global.locale.value).toBe('en')
    await setLocale(again.global, 'zh-CN')
    expect(again.global.t('signIn.submit')).toBe(zhCN.signIn.submit)
  })

  it('a page with its own messages gets them in English too', async () => {
    localStorage.setItem('anju.locale', 'en')
    const i18n = createAppI18n(undefined, { 'zh-CN': { page: { hello: '你好' } }, en: { page: { hello: 'Hello' } } })
    await localeReady(i18n)
    expect(i18n.global.locale.value).toBe('en')
    expect(i18n.global.t('page.hello')).toBe('Hello')
    localStorage.removeItem('anju.locale')
  })
})

describe('errorText', () => {
  const i18n = createAppI18n('zh-CN')
  const { t, te } = i18n.global
  const text = (e: unknown) => errorText(t as never, te as never, e)

  it('translates known codes', () => {
    expect(text(new ApiError(401, 'invalid_credentials', 'room or code wrong'))).toBe('房号或户码不对，请对一下纸条')
  })

  it('tells how long to wait on 429 from Retry-After', () => {
    expect(text(new ApiError(429, 'household_locked', '', {}, 900))).toBe('户码输错太多次，请 15 分钟后再试')
    expect(text(new ApiError(429, 'rate_limited', '', {}, 30))).toBe('尝试太频繁，请 30 秒后再试')
  })

  it('tells a phone paused for its own wrong codes that other phones still work', () => {
    expect(text(new ApiError(429, 'too_many_guesses', '', {}, 840))).toBe('输错太多次，这部手机请 14 分钟后再试；家里其他手机不受影响，也可以请社区居委会帮忙')
  })

  it('tells a household locked by many places who can lift it, in hours', () => {
    expect(text(new ApiError(429, 'household_locked', '', {}, 23 * 3600 + 10))).toBe(
      '这一户被很多地方输错户码，已暂停登录，请 24 小时后再试，或请社区居委会解除。已经登录的手机不受影响',
    )
  })

  it("falls back to the server's message for unknown codes", () => {
    expect(text(new ApiError(400, 'something_new', 'The server says why.'))).toBe('The server says why.')
  })
})
