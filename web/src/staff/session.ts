// The staff sign-in, kept apart from any household sign-in on the same browser.
import { ref } from 'vue'
import { ApiClient, isApiError } from '../api/http'
import { staffApi } from '../api/staff'
import type { StaffSignIn } from '../api/contract'
import { readJSON, remove, writeJSON } from '../shared/storage'

const KEY = 'anju.staff.session'

export interface StaffSession {
  token: string
  expiresAt: string
  user: StaffSignIn['user']
}

function load(): StaffSession | null {
  const s = readJSON<StaffSession>(KEY)
  if (!s || typeof s.token !== 'string' || Date.parse(s.expiresAt) <= Date.now()) return null
  return s
}

export const staffSession = ref<StaffSession | null>(load())

export function startStaffSession(res: StaffSignIn): void {
  staffSession.value = { token: res.token, expiresAt: res.expires_at, user: res.user }
  writeJSON(KEY, staffSession.value)
}

export function endStaffSession(): void {
  staffSession.value = null
  remove(KEY)
}

export const client = new ApiClient({ token: () => staffSession.value?.token ?? null })
export const api = staffApi(client)

let onUnauthorized: () => void = () => {}
export function setStaffUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn
}

/** Runs a signed-in call; a 401 ends the session and returns to sign-in. */
export async function withStaffAuth<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (e) {
    if (isApiError(e) && e.status === 401) {
      endStaffSession()
      onUnauthorized()
    }
    throw e
  }
}

export type StaffRoleName = 'city' | 'district' | 'committee'

export function currentRole(): StaffRoleName | null {
  const r = staffSession.value?.user.role
  return r === 'city' || r === 'district' || r === 'committee' ? r : null
}
