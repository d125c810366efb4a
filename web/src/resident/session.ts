// The household's sign-in, kept in localStorage so an elderly resident is not
// asked for the code again every time WeChat reloads the page.
import { computed, ref } from 'vue'
import type { HouseholdSignIn } from '../api/contract'
import { readJSON, readString, remove, writeJSON, writeString } from '../shared/storage'

const SESSION_KEY = 'anju.session'
/** The building token of the last QR scanned: where the app "came from". */
const BUILDING_KEY = 'anju.buildingToken'
/** Cache of the service worker's API answers (see vite.config.ts). */
export const API_CACHE = 'anju-api'

export interface ResidentSession {
  token: string
  expiresAt: string
  buildingToken: string
  household: { id: number; room: string; building_id: number }
}

function load(): ResidentSession | null {
  const s = readJSON<ResidentSession>(SESSION_KEY)
  if (!s || typeof s.token !== 'string' || !s.household) return null
  if (Date.parse(s.expiresAt) <= Date.now()) return null
  return s
}

export const session = ref<ResidentSession | null>(load())
export const buildingToken = ref<string | null>(readString(BUILDING_KEY))
export const signedIn = computed(() => session.value !== null)

export function authToken(): string | null {
  const s = session.value
  if (!s) return null
  if (Date.parse(s.expiresAt) <= Date.now()) {
    signOut()
    return null
  }
  return s.token
}

/** Where to sign in again: the building last scanned, or the start page. */
export function signInPath(): string {
  return buildingToken.value ? `/b/${encodeURIComponent(buildingToken.value)}` : '/'
}

export function rememberBuilding(token: string): void {
  buildingToken.value = token
  writeString(BUILDING_KEY, token)
}

export function forgetBuilding(token: string): void {
  if (buildingToken.value === token) {
    buildingToken.value = null
    remove(BUILDING_KEY)
  }
}

export function startSession(res: HouseholdSignIn, fromBuilding: string): void {
  const previous = session.value?.household.id
  session.value = { token: res.token, expiresAt: res.expires_at, buildingToken: fromBuilding, household: res.household }
  writeJSON(SESSION_KEY, session.value)
  rememberBuilding(fromBuilding)
  if (previous !== res.household.id) void clearApiCache()
}

/** Takes a fresh token the server handed out for the one in use (a phone
 * that keeps being used never reaches its token's expiry). An older answer —
 * one the service worker replays from its cache, say — never replaces a newer token. */
export function renewSession(token: string, expiresAt: string): void {
  const s = session.value
  if (!s || !(Date.parse(expiresAt) > Date.parse(s.expiresAt))) return
  session.value = { ...s, token, expiresAt }
  writeJSON(SESSION_KEY, session.value)
}

export function signOut(): void {
  session.value = null
  remove(SESSION_KEY)
  void clearApiCache()
}

/** Drops the service worker's cached /me answers so another household on the
 * same phone never sees the previous one's vote. */
export async function clearApiCache(): Promise<void> {
  try {
    if (typeof caches !== 'undefined') await caches.delete(API_CACHE)
  } catch {
    /* no Cache Storage here */
  }
}
