// Calls of the resident (household) journey.
import type { ApiClient } from './http'
import type {
  BallotRequest,
  HouseholdSignIn,
  HouseholdSignInRequest,
  Me,
  Plan,
  PublicBuilding,
  Receipt,
} from './types'

export function residentApi(client: ApiClient) {
  return {
    /** The building behind a QR code; 410 token_retired, 404 building_not_found. */
    building(token: string): Promise<PublicBuilding> {
      return client.get(`/public/buildings/${encodeURIComponent(token)}`, { token: null })
    },
    signIn(req: HouseholdSignInRequest): Promise<HouseholdSignIn> {
      return client.post('/auth/household', req, { token: null })
    },
    me(): Promise<Me> {
      return client.get('/me')
    },
    /** The plan now put to the vote; 404 plan_not_found. */
    plan(): Promise<Plan> {
      return client.get('/me/plan')
    },
    /** The household's current receipt; 404 ballot_not_found before the first vote. */
    ballot(planId?: number): Promise<Receipt> {
      return client.get(planId === undefined ? '/me/ballot' : `/me/ballot?plan_id=${planId}`)
    },
    /** Records a vote. The same key and body replayed answer the same receipt. */
    putBallot(req: BallotRequest, idempotencyKey: string): Promise<Receipt> {
      return client.put('/me/ballot', req, { headers: { 'Idempotency-Key': idempotencyKey } })
    },
  }
}

export type ResidentApi = ReturnType<typeof residentApi>
