// The staff side of the HTTP API, to check what the browser did (docs/API.md).

export function staffAPI(baseURL) {
  let token = null

  async function call(method, path, body) {
    const res = await fetch(baseURL + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`)
    return JSON.parse(text)
  }

  return {
    async login(username, password) {
      token = (await call('POST', '/api/v1/auth/login', { username, password })).token
      if (!token) throw new Error('staff login answered no token')
    },
    consent: (projectId) => call('GET', `/api/v1/projects/${projectId}/consent`),
  }
}

/** Is the household in the tally's non-voter list? */
export function isNonVoter(consent, buildingName, room) {
  return consent.non_voters.some((n) => n.building_name === buildingName && n.room === room)
}
