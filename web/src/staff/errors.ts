// Error text for the console: the translated sentence, and for a bad field
// the server's own words, which name the field.
import { isApiError } from '../api/http'
import { errorText } from '../i18n/errors'

type Translate = (key: string, params?: Record<string, unknown>) => string
type Exists = (key: string) => boolean

export function staffErrorText(t: Translate, te: Exists, err: unknown): string {
  const text = errorText(t, te, err)
  if (isApiError(err) && err.code === 'invalid_field' && err.message && err.message !== text) return `${text}：${err.message}`
  return text
}

/** For a refused state change (409 transition_not_allowed and the like) the
 * server's own sentence says what is wrong now, so it comes first. */
export function conflictErrorText(t: Translate, te: Exists, err: unknown): string {
  if (isApiError(err) && err.status === 409 && err.message) return err.message
  return staffErrorText(t, te, err)
}
