import { describe, expect, it } from 'vitest'
import { ApiClient, ApiError } from './http'
import { residentApi } from './resident'
import { apiError, json, mockFetch } from '../test/fetchMock'

describe('ApiClient', () => {
  it('sends the bearer token and JSON body, and returns the typed answer', async () => {
    const { calls } = mockFetch({ 'PUT /api/v1/me/ballot': json(200, { id: 55 }) })
    const api = residentApi(new ApiClient({ token: () => 'jwt' }))
    const r = await api.putBallot(
      { plan_id: 7, plan_choice: 'agree', management_choice: 'agree', signature: 'data:image/png;base64,AA', replaces: null },
      'key-1',
    )
    expect(r.id).toBe(55)
    expect(calls[0]!.headers.Authorization).toBe('Bearer jwt')
    expect(calls[0]!.headers['Idempotency-Key']).toBe('key-1')
    expect(calls[0]!.headers['Content-Type']).toBe('application/json')
    expect(calls[0]!.body).toMatchObject({ plan_id: 7, replaces: null })
  })

  it('does not send a household token to public routes', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/public/buildings/t1': json(200, {}) })
    await residentApi(new ApiClient({ token: () => 'jwt' })).building('t1')
    expect(calls[0]!.headers.Authorization).toBeUndefined()
  })

  it('turns the error envelope into an ApiError with code, details and Retry-After', async () => {
    mockFetch({ 'POST /api/v1/auth/household': apiError(429, 'household_locked', 'Locked.', { until: 'x' }, { 'Retry-After': '900' }) })
    const err = await residentApi(new ApiClient()).signIn({ building_token: 't', room: '301', code: 'AB23CD45' }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 429, code: 'household_locked', message: 'Locked.', retryAfter: 900, details: { until: 'x' } })
  })

  it('reports a lost connection as a network ApiError (status 0)', async () => {
    mockFetch({ 'GET /api/v1/me/plan': 'offline' })
    const err = await residentApi(new ApiClient()).plan().catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.isNetwork).toBe(true)
    expect(err.code).toBe('network_error')
  })

  it('copes with an answer that is not the JSON envelope', async () => {
    mockFetch({ 'GET /api/v1/me/plan': { status: 502, json: undefined } })
    const err = await residentApi(new ApiClient()).plan().catch((e) => e)
    expect(err).toMatchObject({ status: 502, code: 'http_502' })
  })

  it('hands a renewed token to onToken, only when one was sent', async () => {
    const renewed: string[] = []
    mockFetch({
      'GET /api/v1/me/plan': json(200, {}, { 'X-Anju-Token': 'fresh', 'X-Anju-Token-Expires': '2027-01-07T08:00:00Z' }),
      'GET /api/v1/public/buildings/t1': json(200, {}, { 'X-Anju-Token': 'stray', 'X-Anju-Token-Expires': '2027-01-07T08:00:00Z' }),
    })
    const api = residentApi(new ApiClient({ token: () => 'jwt', onToken: (t, e) => renewed.push(`${t}@${e}`) }))
    await api.plan()
    await api.building('t1')
    expect(renewed).toEqual(['fresh@2027-01-07T08:00:00Z'])
  })
})
