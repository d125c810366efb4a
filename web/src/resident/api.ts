// The resident app's API client: same origin, the household token attached,
// and a 401 on any /me call sends the person back to sign-in.
import { ref } from 'vue'
import { ApiClient, isApiError } from '../api/http'
import { residentApi } from '../api/resident'
import { authToken, renewSession, signOut } from './session'

export const client = new ApiClient({ token: authToken, onToken: renewSession })
export const api = residentApi(client)

/** Why the last session ended (an error code), shown on the sign-in form. */
export const sessionEndedBy = ref<string | null>(null)

let onUnauthorized: () => void = () => {}

/** Set once by main.ts: where to go when the sign-in is no longer valid. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn
}

/** Runs a signed-in call; a 401 ends the session and returns to sign-in. */
export async function withAuth<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (e) {
    if (isApiError(e) && e.status === 401) {
      sessionEndedBy.value = e.code
      signOut()
      onUnauthorized()
    }
    throw e
  }
}
