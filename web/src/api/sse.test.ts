// The live tally's stream reader: events split anywhere across network
// chunks, keep-alive comments, and a connection that drops and comes back.
import { describe, expect, it } from 'vitest'
import { ApiError } from './http'
import { SSEParser, backoffDelay, connectEvents, type SSEEvent, type StreamStatus } from './sse'
import { controlledStream, sseResponse, tick } from '../test/stream'

describe('SSEParser', () => {
  it('parses an event split across chunks at every possible point', () => {
    const text = 'event: tally\ndata: {"voted":41,"name":"纺织厂"}\n\n: keep-alive\n\nevent: tally\r\ndata: {"voted":42}\r\n\r\n'
    for (let cut = 1; cut < text.length; cut++) {
      const p = new SSEParser()
      const events = [...p.feed(text.slice(0, cut)), ...p.feed(text.slice(cut))]
      expect(events, `cut at ${cut}`).toEqual([
        { event: 'tally', data: '{"voted":41,"name":"纺织厂"}' },
        { event: 'tally', data: '{"voted":42}' },
      ])
    }
  })

  it('handles a \\r\\n line end split between two chunks without an empty event', () => {
    const p = new SSEParser()
    expect(p.feed('data: a\r')).toEqual([])
    expect(p.feed('\ndata: b\r')).toEqual([])
    expect(p.feed('\n\r\n')).toEqual([{ event: 'message', data: 'a\nb' }])
  })

  it('ignores comments, keeps the id and the retry hint', () => {
    const p = new SSEParser()
    expect(p.feed(': ping\n\nid: 7\nretry: 1500\nevent: tally\ndata:x\n\n')).toEqual([{ event: 'tally', data: 'x', id: '7' }])
    expect(p.retry).toBe(1500)
  })
})

describe('connectEvents', () => {
  it('reads events from the stream, reconnects with backoff when it drops, and says so', async () => {
    const streams = [controlledStream(), controlledStream()]
    let opened = 0
    const waits: number[] = []
    const statuses: StreamStatus[] = []
    const events: SSEEvent[] = []
    const s = connectEvents({
      open: async () => sseResponse(streams[opened++]!.stream),
      onEvent: (e) => events.push(e),
      onStatus: (st) => statuses.push(st),
      sleep: async (ms) => {
        waits.push(ms)
      },
      idleTimeoutMs: 0,
    })
    await tick()
    expect(statuses).toEqual(['connecting', 'live'])
    // One event in three pieces, a multi-byte character cut in half.
    const bytes = new TextEncoder().encode('event: tally\ndata: {"名":1}\n\n')
    streams[0]!.pushBytes(bytes.slice(0, 10))
    streams[0]!.pushBytes(bytes.slice(10, 21))
    streams[0]!.pushBytes(bytes.slice(21))
    await tick()
    expect(events).toEqual([{ event: 'tally', data: '{"名":1}' }])

    streams[0]!.fail()
    await tick()
    expect(statuses).toContain('reconnecting')
    expect(opened).toBe(2)
    expect(waits).toEqual([1000])
    expect(statuses[statuses.length - 1]).toBe('live')
    streams[1]!.push('event: tally\ndata: 2\n\n')
    await tick()
    expect(events.map((e) => e.data)).toEqual(['{"名":1}', '2'])
    s.close()
    await s.done
    expect(statuses[statuses.length - 1]).toBe('stopped')
  })

  it('backs off 1 s, 2 s, 4 s … up to 30 s while the server cannot be reached', async () => {
    const waits: number[] = []
    let tries = 0
    const s = connectEvents({
      open: async () => {
        tries++
        if (tries > 7) s.close()
        throw new ApiError(0, 'network_error', 'offline')
      },
      onEvent: () => {},
      sleep: async (ms) => {
        waits.push(ms)
      },
    })
    await s.done
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000])
    expect(backoffDelay(20)).toBe(30000)
  })

  it('stops for good on 401 or 404 and reports it', async () => {
    let fatal: unknown = null
    const statuses: StreamStatus[] = []
    const s = connectEvents({
      open: async () => {
        throw new ApiError(404, 'not_found', 'no such route')
      },
      onEvent: () => {},
      onStatus: (st) => statuses.push(st),
      onFatal: (e) => {
        fatal = e
      },
      sleep: async () => {},
    })
    await s.done
    expect((fatal as ApiError).status).toBe(404)
    expect(statuses).toEqual(['connecting', 'stopped'])
  })
})
