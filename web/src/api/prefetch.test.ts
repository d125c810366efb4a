import { afterEach, describe, expect, it } from 'vitest'
import { ApiClient } from './http'
import { PREFETCH_ID, resetPrefetched } from './prefetch'
import { residentApi } from './resident'
import { json, mockFetch } from '../test/fetchMock'

function carry(path: string, body: unknown): void {
  const el = document.createElement('script')
  el.type = 'application/json'
  el.id = PREFETCH_ID
  el.textContent = JSON.stringify({ path, body })
  document.body.appendChild(el)
}

describe('the answer the server put into the page', () => {
  afterEach(() => {
    document.getElementById(PREFETCH_ID)?.remove()
    resetPrefetched()
  })

  it('answers the first GET of its path without asking the server, then never again', async () => {
    const landing = { building: { id: 1, name: '1号楼' }, plan: null }
    carry('/public/buildings/t1', landing)
    const { calls } = mockFetch({ 'GET /api/v1/public/buildings/t1': json(200, { building: { id: 1, name: '新名字' } }) })
    const api = residentApi(new ApiClient())
    expect(await api.building('t1')).toEqual(landing)
    expect(calls).toHaveLength(0)
    expect(document.getElementById(PREFETCH_ID)).toBeNull()
    // A retry or a refresh asks the server.
    expect((await api.building('t1')).building.name).toBe('新名字')
    expect(calls).toHaveLength(1)
  })

  it('is not used for another path, another method or a broken element', async () => {
    carry('/public/buildings/other', { building: { id: 9 } })
    const { calls } = mockFetch({ 'GET /api/v1/public/buildings/t1': json(200, { building: { id: 1 } }) })
    expect((await residentApi(new ApiClient()).building('t1')).building.id).toBe(1)
    expect(calls).toHaveLength(1)

    resetPrefetched()
    const el = document.createElement('script')
    el.id = PREFETCH_ID
    el.textContent = '{not json'
    document.body.appendChild(el)
    expect((await residentApi(new ApiClient()).building('t1')).building.id).toBe(1)
    expect(calls).toHaveLength(2)
  })
})
