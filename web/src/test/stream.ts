// A server-sent-events body the test feeds chunk by chunk, as a network would.
export function controlledStream() {
  const enc = new TextEncoder()
  let ctl!: ReadableStreamDefaultController<Uint8Array>
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      ctl = c
    },
  })
  return {
    stream,
    push: (text: string) => ctl.enqueue(enc.encode(text)),
    /** Several chunks cut inside lines, even inside a multi-byte character. */
    pushBytes: (bytes: Uint8Array) => ctl.enqueue(bytes),
    end: () => ctl.close(),
    fail: () => ctl.error(new TypeError('network error')),
  }
}

export function sseResponse(stream: ReadableStream<Uint8Array>): Response {
  return new Response(stream, { status: 200, headers: { 'Content-Type': 'text/event-stream' } })
}

/** Lets pending promise callbacks and stream reads run. */
export async function tick(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0))
}
