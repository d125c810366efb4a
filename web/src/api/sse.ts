// Server-sent events read with fetch and a ReadableStream, because EventSource
// cannot send the Authorization header. The parser follows the WHATWG
// event-stream format (lines ending in \n, \r\n or \r, possibly split across
// network chunks; comments start with ":"); the connection loop reconnects with
// exponential backoff and says whether it is live or reconnecting.
import { isApiError } from './http'

export interface SSEEvent {
  /** `event:` field; "message" when the server gave none. */
  event: string
  data: string
  id?: string
}

export class SSEParser {
  private buf = ''
  private data: string[] = []
  private eventName = ''
  private lastId: string | undefined
  /** Reconnection delay the server asked for with `retry:`, in ms. */
  retry: number | null = null

  /** Feeds one decoded chunk; answers the events it completed. */
  feed(chunk: string): SSEEvent[] {
    this.buf += chunk
    const out: SSEEvent[] = []
    for (;;) {
      const m = /\r\n|\n|\r/.exec(this.buf)
      if (!m) break
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (m[0] === '\r' && m.index === this.buf.length - 1) break
      const line = this.buf.slice(0, m.index)
      this.buf = this.buf.slice(m.index + m[0].length)
      const ev = this.line(line)
      if (ev) out.push(ev)
    }
    return out
  }

  private line(line: string): SSEEvent | null {
    if (line === '') return this.dispatch()
    if (line.startsWith(':')) return null
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    switch (field) {
      case 'event':
        this.eventName = value
        break
      case 'data':
        this.data.push(value)
        break
      case 'id':
        if (!value.includes('\0')) this.lastId = value
        break
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value)
        break
    }
    return null
  }

  private dispatch(): SSEEvent | null {
    const name = this.eventName || 'message'
    const data = this.data
    this.data = []
    this.eventName = ''
    if (data.length === 0) return null
    return { event: name, data: data.join('\n'), ...(this.lastId !== undefined ? { id: this.lastId } : {}) }
  }
}

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped'

export interface StreamOptions {
  /** Opens the stream (fetch with the token); throws ApiError when refused. */
  open: (signal: AbortSignal) => Promise<Response>
  onEvent: (ev: SSEEvent) => void
  onStatus?: (status: StreamStatus) => void
  /** A refusal that retrying will not fix (401, 403, 404): the loop stops. */
  onFatal?: (err: unknown) => void
  initialDelayMs?: number
  maxDelayMs?: number
  /** Reconnect when nothing (not even a keep-alive comment) arrived this long. */
  idleTimeoutMs?: number
  /** Replaceable in tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
}

export interface EventStream {
  close(): void
  /** Settles when the loop has stopped. */
  done: Promise<void>
}

/** Delay before the n-th reconnection attempt (0-based): 1 s, 2 s, 4 s … up to max. */
export function backoffDelay(attempt: number, initialMs = 1000, maxMs = 30_000): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 16))
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done)
  })
}

function isFatal(err: unknown): boolean {
  return isApiError(err) && (err.status === 401 || err.status === 403 || err.status === 404)
}

export function connectEvents(opts: StreamOptions): EventStream {
  const stopper = new AbortController()
  const sleep = opts.sleep ?? defaultSleep
  const initial = opts.initialDelayMs ?? 1000
  const max = opts.maxDelayMs ?? 30_000
  const idle = opts.idleTimeoutMs ?? 60_000
  let status: StreamStatus | null = null
  const say = (s: StreamStatus) => {
    if (s !== status) {
      status = s
      opts.onStatus?.(s)
    }
  }

  async function readOnce(parser: SSEParser, onProgress: () => void): Promise<void> {
    const attempt = new AbortController()
    let reader: ReadableStreamDefaultReader<Uint8Array> | null = null
    // Cancelling the reader too ends a read that the fetch signal cannot reach.
    const abort = () => {
      attempt.abort()
      reader?.cancel().catch(() => {})
    }
    stopper.signal.addEventListener('abort', abort)
    let idleTimer: ReturnType<typeof setTimeout> | null = null
    const touch = () => {
      if (idleTimer) clearTimeout(idleTimer)
      if (idle > 0) idleTimer = setTimeout(abort, idle)
    }
    try {
      const res = await opts.open(attempt.signal)
      if (!res.body) throw new Error('no response body')
      say('live')
      touch()
      reader = res.body.getReader()
      if (attempt.signal.aborted) return
      const decoder = new TextDecoder()
      try {
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          touch()
          for (const ev of parser.feed(decoder.decode(value, { stream: true }))) {
            onProgress()
            opts.onEvent(ev)
          }
        }
      } finally {
        reader.cancel().catch(() => {})
        reader = null
      }
    } finally {
      if (idleTimer) clearTimeout(idleTimer)
      stopper.signal.removeEventListener('abort', abort)
    }
  }

  async function loop(): Promise<void> {
    let failures = 0
    say('connecting')
    while (!stopper.signal.aborted) {
      const parser = new SSEParser()
      try {
        await readOnce(parser, () => {
          failures = 0
        })
      } catch (err) {
        if (stopper.signal.aborted) break
        if (isFatal(err)) {
          say('stopped')
          opts.onFatal?.(err)
          return
        }
      }
      if (stopper.signal.aborted) break
      say('reconnecting')
      const wait = parser.retry !== null && failures === 0 ? parser.retry : backoffDelay(failures, initial, max)
      failures++
      await sleep(wait, stopper.signal)
    }
    say('stopped')
  }

  const done = loop()
  return {
    close: () => stopper.abort(),
    done,
  }
}
