// The answer the server put into the page (server/webui/firstscreen.go): for
// the QR code's landing page and the notice board, the server renders the
// first screen into the HTML and carries the API answer it came from in a
// <script type="application/json" id="anju-prefetch"> element. The app's
// first GET of that path takes it instead of asking again — on a weak line a
// round trip saved is most of a second. Taken once: a later GET (a retry, a
// refresh) asks the server.

export const PREFETCH_ID = 'anju-prefetch'

interface Carried {
  path: string
  body: unknown
}

let carried: Carried | null | undefined

function read(doc: Document | undefined): Carried | null {
  const el = doc?.getElementById(PREFETCH_ID)
  if (!el?.textContent) return null
  el.remove()
  try {
    const c = JSON.parse(el.textContent) as Partial<Carried>
    return typeof c.path === 'string' && 'body' in c ? { path: c.path, body: c.body } : null
  } catch {
    return null
  }
}

/** The carried answer for a GET of path (below /api/v1), once; else undefined. */
export function takePrefetched(path: string, doc: Document | undefined = globalThis.document): unknown {
  if (carried === undefined) carried = read(doc)
  if (!carried || carried.path !== path) return undefined
  const { body } = carried
  carried = null
  return body
}

/** For tests: forget what was read. */
export function resetPrefetched(): void {
  carried = undefined
}
