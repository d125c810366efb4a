// Set-up through the HTTP API (docs/API.md), for tests that start where the
// console test ends: a community with one building of households, a project
// with a published plan open for voting, and votes cast from the households'
// own sessions, as their phones would.

/** A JSON client for the API; `token` is a staff or a household bearer token. */
export function apiClient(baseURL, token = null) {
  async function call(method, path, body, headers = {}) {
    const res = await fetch(baseURL + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`)
    return text ? JSON.parse(text) : null
  }
  async function form(method, path, fd) {
    const res = await fetch(baseURL + path, { method, headers: token ? { Authorization: `Bearer ${token}` } : {}, body: fd })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`)
    return text ? JSON.parse(text) : null
  }
  return {
    putForm: (path, fd) => form('PUT', path, fd),
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
    put: (path, body) => call('PUT', path, body),
    setToken(t) {
      token = t
    },
  }
}

/** Signs a staff member in; returns a client carrying the staff token. */
export async function staffClient(baseURL, username, password) {
  const api = apiClient(baseURL)
  const { token } = await api.post('/api/v1/auth/login', { username, password })
  if (!token) throw new Error('staff login answered no token')
  api.setToken(token)
  return api
}

/**
 * Registers `community` in the district named `district` (created if the
 * demo has none), one building and its `households`, a project and a plan
 * whose vote is open now, published. Returns the ids, the building's token
 * and link, and each household's one-time code by room.
 */
export async function seedProject(staff, { district, community, address, builtYear, building, households, year, plan }) {
  const districts = (await staff.get('/api/v1/districts')).items
  const d = districts.find((x) => x.name === district) ?? (await staff.post('/api/v1/districts', { name: district }))
  const c = await staff.post('/api/v1/communities', { district_id: d.id, name: community, address, built_year: builtYear })
  const b = await staff.post(`/api/v1/communities/${c.id}/buildings`, { name: building })
  const codes = {}
  const householdIds = {}
  for (const h of households) {
    const made = await staff.post(`/api/v1/buildings/${b.id}/households`, {
      room: h.room,
      entrance: h.entrance,
      floor: h.floor,
      area_m2: h.area,
      owner_name: h.owner,
      owner_phone: h.phone,
    })
    if (!/^[23456789A-Z]{8}$/.test(made.code)) throw new Error(`household ${h.room} got no code: ${JSON.stringify(made)}`)
    codes[h.room] = made.code
    householdIds[h.room] = made.id
  }
  const project = await staff.post(`/api/v1/communities/${c.id}/projects`, { year })
  const now = Date.now()
  const draft = await staff.post(`/api/v1/projects/${project.id}/plans`, {
    ...plan,
    voting_opens_at: new Date(now - 3600_000).toISOString(),
    voting_closes_at: new Date(now + 14 * 86400_000).toISOString(),
  })
  const published = await staff.post(`/api/v1/plans/${draft.id}/publish`)
  if (published.status !== 'published') throw new Error(`plan ${draft.id} is ${published.status} after publishing`)
  return {
    districtId: d.id,
    communityId: c.id,
    buildingId: b.id,
    buildingToken: b.token,
    residentURL: b.resident_url,
    projectId: project.id,
    planId: draft.id,
    codes,
    householdIds,
  }
}

/**
 * The household signs in with its room and code and votes on the plan, with a
 * signature (a data:image/png URL), as its phone would. Returns the receipt.
 */
export async function vote(baseURL, { buildingToken, room, code, planId, plan = 'agree', management = 'agree', signature }) {
  const api = apiClient(baseURL)
  const { token } = await api.post('/api/v1/auth/household', { building_token: buildingToken, room, code })
  if (!token) throw new Error(`household ${room} could not sign in`)
  api.setToken(token)
  return api.put('/api/v1/me/ballot', { plan_id: planId, plan_choice: plan, management_choice: management, signature, replaces: null })
}

/** A minimal valid PDF, as evidence of a start criterion (a contract, a notice). */
export const evidencePDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')

/**
 * Confirms start criteria 2–5 (seed 002 附件3) with a date, a person and a PDF
 * as evidence, so that the project can start once its consent is reached.
 */
export async function confirmStartCriteria(staff, projectId, day = new Date().toISOString().slice(0, 10)) {
  for (const n of [2, 3, 4, 5]) {
    const fd = new FormData()
    fd.set('confirmed_on', day)
    fd.set('person', '社区主任 刘')
    fd.set('evidence', new Blob([evidencePDF], { type: 'application/pdf' }), `criterion-${n}.pdf`)
    await staff.putForm(`/api/v1/projects/${projectId}/start-criteria/${n}`, fd)
  }
}
