// A fetch stand-in: routes keyed "METHOD /path" answer JSON, errors or throw
// (a throw is what fetch does without a connection). Every call is recorded.
import { vi } from 'vitest'

export interface Call {
  method: string
  path: string
  headers: Record<string, string>
  body: unknown
}

export type Answer =
  | { status?: number; json?: unknown; headers?: Record<string, string>; raw?: BodyInit }
  | 'offline'
  | ((call: Call) => Answer)

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return { status, json: body, headers }
}

/** A binary answer (a QR code, a spreadsheet). */
export function blob(data: BodyInit, type = 'image/png'): Answer {
  return { status: 200, raw: data, headers: { 'Content-Type': type } }
}

export function apiError(status: number, code: string, message = '', details?: Record<string, unknown>, headers: Record<string, string> = {}): Answer {
  return { status, json: { error: { code, message, ...(details ? { details } : {}) } }, headers }
}

export function mockFetch(routes: Record<string, Answer | Answer[]>) {
  const calls: Call[] = []
  const queues = new Map<string, Answer[]>()
  for (const [k, v] of Object.entries(routes)) queues.set(k, Array.isArray(v) ? [...v] : [v])

  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost')
    const method = (init.method ?? 'GET').toUpperCase()
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>))
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : init.body instanceof FormData ? init.body : undefined
    const call: Call = { method, path: url.pathname + url.search, headers, body }
    calls.push(call)
    const q = queues.get(`${method} ${url.pathname + url.search}`) ?? queues.get(`${method} ${url.pathname}`)
    if (!q || q.length === 0) throw new Error(`unexpected fetch ${method} ${call.path}`)
    let answer = q.length > 1 ? q.shift()! : q[0]!
    while (typeof answer === 'function') answer = answer(call)
    if (answer === 'offline') throw new TypeError('Failed to fetch')
    if (answer.raw !== undefined) return new Response(answer.raw, { status: answer.status ?? 200, headers: answer.headers })
    return new Response(answer.json === undefined ? '' : JSON.stringify(answer.json), {
      status: answer.status ?? 200,
      headers: { 'Content-Type': 'application/json', ...answer.headers },
    })
  })
  vi.stubGlobal('fetch', fn)
  return { fn, calls }
}
