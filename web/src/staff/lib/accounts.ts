// Staff accounts (账号): what a new password and a username must be (the
// server's own rules, checked here first so a mistake is shown before
// sending), and how an account's scope reads in the list.
import type { StaffAccount } from '../../api/contract'

export const PASSWORD_MIN = 10
/** The server counts bytes (UTF-8), at most 200. */
export const PASSWORD_MAX_BYTES = 200

export type PasswordProblem = 'empty' | 'tooShort' | 'tooLong' | 'mismatch' | null

/** Why a new password (typed twice) cannot be used, or null when it can. */
export function passwordProblem(password: string, repeat: string): PasswordProblem {
  if (!password) return 'empty'
  if ([...password].length < PASSWORD_MIN) return 'tooShort'
  if (new TextEncoder().encode(password).length > PASSWORD_MAX_BYTES) return 'tooLong'
  if (password !== repeat) return 'mismatch'
  return null
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$/

/** 3 to 40 letters, digits, dots, hyphens or underscores, starting with a letter or digit. */
export function usernameOk(username: string): boolean {
  return USERNAME.test(username)
}

/** "驿城区 · 建设街小区" for a committee, the district for a district, '' for the city. */
export function scopeOf(a: Pick<StaffAccount, 'role' | 'district_name' | 'community_name'>): string {
  if (a.role === 'committee') return [a.district_name, a.community_name].filter(Boolean).join(' · ')
  if (a.role === 'district') return a.district_name
  return ''
}
