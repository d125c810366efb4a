// The small part of IndexedDB the complaint outbox uses (open, one object
// store with a key path, getAll, put, delete, transactions), kept in a Map
// that outlives the "page": open it again and the data is still there, as
// after a reload. Values are structured-cloned like the real thing, so what
// cannot be stored in IndexedDB (a Vue proxy, a function) fails here too.

type Handler = ((ev: Event) => void) | null

class FakeRequest<T> {
  result!: T
  error: DOMException | null = null
  onsuccess: Handler = null
  onerror: Handler = null
  onupgradeneeded: Handler = null
  onblocked: Handler = null
  succeed(v: T) {
    this.result = v
    this.onsuccess?.(new Event('success'))
  }
}

class FakeTransaction {
  oncomplete: Handler = null
  onerror: Handler = null
  onabort: Handler = null
  error: DOMException | null = null
  private pending = 0
  constructor(private readonly data: Map<string, unknown>, private readonly keyPath: string) {}

  objectStore() {
    const run = <T>(fn: () => T) => {
      const req = new FakeRequest<T>()
      this.pending++
      setTimeout(() => {
        req.succeed(fn())
        if (--this.pending === 0) setTimeout(() => this.oncomplete?.(new Event('complete')))
      })
      return req
    }
    return {
      getAll: () => run(() => [...this.data.values()].map((v) => structuredClone(v))),
      put: (v: Record<string, unknown>) => {
        const copy = structuredClone(v)
        return run(() => void this.data.set(String(copy[this.keyPath]), copy))
      },
      delete: (k: string) => run(() => void this.data.delete(k)),
    }
  }
}

export function fakeIndexedDB() {
  const stores = new Map<string, { keyPath: string; data: Map<string, unknown> }>()
  const db = {
    objectStoreNames: { contains: (n: string) => stores.has(n) },
    createObjectStore: (n: string, o: { keyPath: string }) => void stores.set(n, { keyPath: o.keyPath, data: new Map() }),
    transaction: (n: string) => {
      const s = stores.get(n)
      if (!s) throw new DOMException('no such store', 'NotFoundError')
      return new FakeTransaction(s.data, s.keyPath)
    },
  }
  let version = 0
  const factory = {
    open: (_name: string, v: number) => {
      const req = new FakeRequest<typeof db>()
      setTimeout(() => {
        req.result = db
        if (v > version) {
          version = v
          req.onupgradeneeded?.(new Event('upgradeneeded'))
        }
        req.succeed(db)
      })
      return req
    },
  }
  return { factory: factory as unknown as IDBFactory, stores }
}
