// The one fetch wrapper both apps use: JSON in, JSON out, every failure an
// ApiError the screens can translate by its code.
import { takePrefetched } from './prefetch'

/** Code used when the request never reached the server (offline, DNS, reset). */
export const NETWORK_ERROR = 'network_error'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: Record<string, unknown>
  /** Seconds from the Retry-After header of a 429, if any. */
  readonly retryAfter: number | null
  /** The whole JSON answer: some errors carry more than the envelope
   * (an import's row-by-row report sits beside it). */
  readonly body: unknown

  constructor(
    status: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    retryAfter: number | null = null,
    body: unknown = null,
  ) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
    this.retryAfter = retryAfter
    this.body = body
  }

  /** True when the server was not reached at all, so retrying later makes sense. */
  get isNetwork(): boolean {
    return this.status === 0
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}

export interface RequestOptions {
  body?: unknown
  headers?: Record<string, string>
  /** Overrides the client's token for this call. */
  token?: string | null
  signal?: AbortSignal
}

export interface ClientOptions {
  /** Prefix of every path; same origin by default. */
  base?: string
  /** Bearer token to send, read on every call. */
  token?: () => string | null
  /** Told when the server answers with a fresh token for the one sent
   * (a household's session is renewed while the phone is in use). */
  onToken?: (token: string, expiresAt: string) => void
  fetch?: typeof fetch
}

/** The headers that carry a renewed token and its expiry (server/auth/token.go). */
export const RENEWED_TOKEN = 'X-Anju-Token'
export const RENEWED_EXPIRES = 'X-Anju-Token-Expires'

export class ApiClient {
  private readonly base: string
  private readonly token: () => string | null
  private readonly onToken: (token: string, expiresAt: string) => void
  private readonly fetchImpl: () => typeof fetch

  constructor(opts: ClientOptions = {}) {
    this.base = opts.base ?? '/api/v1'
    this.token = opts.token ?? (() => null)
    this.onToken = opts.onToken ?? (() => {})
    // Looked up per call so tests can replace globalThis.fetch after import.
    this.fetchImpl = () => opts.fetch ?? globalThis.fetch.bind(globalThis)
  }

  get<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, opts)
  }

  post<T>(path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...opts, body })
  }

  put<T>(path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, { ...opts, body })
  }

  delete<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, opts)
  }

  /** A multipart upload (files); the browser sets the boundary. */
  upload<T>(path: string, form: FormData, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...opts, body: form })
  }

  /** A binary answer (a QR code PNG, a spreadsheet) with the token attached. */
  async blob(path: string, opts: RequestOptions = {}): Promise<Blob> {
    const res = await this.send('GET', path, { ...opts, headers: { Accept: '*/*', ...opts.headers } })
    if (!res.ok) throw await errorOf(res)
    return res.blob()
  }

  /** The raw response of a successful call, for streams (server-sent events). */
  async open(path: string, opts: RequestOptions = {}): Promise<Response> {
    const res = await this.send('GET', path, opts)
    if (!res.ok) throw await errorOf(res)
    return res
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    if (method === 'GET' && this.base === '/api/v1') {
      const body = takePrefetched(path)
      if (body !== undefined) return body as T
    }
    const res = await this.send(method, path, opts)
    const text = await res.text().catch(() => '')
    let data: unknown = null
    if (text) {
      try {
        data = JSON.parse(text)
      } catch {
        data = null
      }
    }
    if (res.ok) return data as T
    throw toApiError(res, data)
  }

  private async send(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers }
    const token = opts.token !== undefined ? opts.token : this.token()
    if (token) headers.Authorization = `Bearer ${token}`
    let body: string | FormData | undefined
    if (opts.body instanceof FormData) {
      body = opts.body
    } else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(opts.body)
    }
    let res: Response
    try {
      res = await this.fetchImpl()(this.base + path, { method, headers, body, signal: opts.signal })
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e
      if (e instanceof Error && e.name === 'AbortError') throw e
      throw new ApiError(0, NETWORK_ERROR, e instanceof Error ? e.message : String(e))
    }
    const renewed = res.headers.get(RENEWED_TOKEN)
    const expires = res.headers.get(RENEWED_EXPIRES)
    if (token && renewed && expires) this.onToken(renewed, expires)
    return res
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '')
  let data: unknown = null
  try {
    data = text ? JSON.parse(text) : null
  } catch {
    data = null
  }
  return toApiError(res, data)
}

function toApiError(res: Response, data: unknown): ApiError {
  const retryHeader = res.headers.get('Retry-After')
  const retryAfter = retryHeader !== null && /^\d+$/.test(retryHeader.trim()) ? Number(retryHeader) : null
  const env = data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null
  const err = env && typeof env === 'object' ? env.error : undefined
  if (err && typeof err.code === 'string') {
    const details = err.details && typeof err.details === 'object' ? (err.details as Record<string, unknown>) : {}
    const message = typeof err.message === 'string' ? err.message : ''
    return new ApiError(res.status, err.code, message, details, retryAfter, data)
  }
  // Not our envelope: a proxy page, a gateway timeout, the service worker's offline answer.
  return new ApiError(res.status, `http_${res.status}`, res.statusText || `HTTP ${res.status}`, {}, retryAfter, data)
}
