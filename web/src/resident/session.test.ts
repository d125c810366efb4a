// A phone in use keeps its session: fresh tokens from the server replace the
// stored one, never an older answer replayed from the cache.
import { beforeEach, describe, expect, it } from 'vitest'
import { renewSession, session, signOut, startSession } from './session'

const signIn = (expiresAt: string) => ({
  token: 'first',
  expires_at: expiresAt,
  household: { id: 7, room: '601', building_id: 1 },
})

beforeEach(() => {
  signOut()
  localStorage.clear()
})

describe('renewSession', () => {
  it('keeps a fresher token and stores it for the next visit', () => {
    startSession(signIn('2027-01-01T00:00:00Z') as never, 'bt')
    renewSession('second', '2027-01-06T00:00:00Z')
    expect(session.value?.token).toBe('second')
    expect(JSON.parse(localStorage.getItem('anju.session')!).token).toBe('second')
  })

  it('ignores a token that expires sooner, and does nothing when signed out', () => {
    startSession(signIn('2027-01-06T00:00:00Z') as never, 'bt')
    renewSession('stale', '2027-01-01T00:00:00Z')
    expect(session.value?.token).toBe('first')
    signOut()
    renewSession('orphan', '2027-02-01T00:00:00Z')
    expect(session.value).toBeNull()
  })
})
