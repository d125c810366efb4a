// Where complaints waiting to be sent are kept. Photos do not fit in
// localStorage, so the queue lives in IndexedDB; the photos are stored as
// ArrayBuffers (older iOS WebViews cannot store Blobs there). Where IndexedDB
// is missing or refused (some private modes), a memory store keeps the queue
// until the page is closed, and says it is not persistent.

/** The fields of POST /me/complaints besides the photos, as the form sends
 * them (multipart: the server reads each as text). */
export interface ComplaintFields {
  category: string
  description: string
  catalog_code?: string
  /** Another building of the community; absent: the household's own. */
  building_id?: number
  entrance?: string
  floor?: string
  warranty?: boolean
  warranty_kind?: string
}

export interface QueuedPhoto {
  name: string
  type: string
  data: ArrayBuffer
}

export interface QueuedComplaint {
  /** The Idempotency-Key, made when the resident pressed "submit". */
  key: string
  householdId: number
  fields: ComplaintFields
  photos: QueuedPhoto[]
  queuedAt: string
  /** Set when the server refused it for good: it stays until the resident discards it. */
  error?: { status: number; code: string; message: string } | null
}

export interface QueueStore {
  /** False for the memory store: the queue is lost when the page closes. */
  readonly persistent: boolean
  all(): Promise<QueuedComplaint[]>
  put(q: QueuedComplaint): Promise<void>
  remove(key: string): Promise<void>
}

export function memoryStore(): QueueStore {
  const items = new Map<string, QueuedComplaint>()
  return {
    persistent: false,
    all: async () => [...items.values()],
    put: async (q) => void items.set(q.key, q),
    remove: async (key) => void items.delete(key),
  }
}

const DB_NAME = 'anju'
const STORE = 'complaint-outbox'

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

function openDb(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(DB_NAME, 1)
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'key' })
    }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
    req.onblocked = () => reject(new Error('indexedDB blocked'))
  })
}

export function idbStore(factory: IDBFactory): QueueStore {
  let db: Promise<IDBDatabase> | null = null
  const connect = () => (db ??= openDb(factory).catch((e) => ((db = null), Promise.reject(e))))

  async function run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const tx = (await connect()).transaction(STORE, mode)
    const result = done(fn(tx.objectStore(STORE)))
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve()
      tx.onerror = () => reject(tx.error)
      tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'))
    })
    return result
  }

  return {
    persistent: true,
    all: () => run('readonly', (s) => s.getAll() as IDBRequest<QueuedComplaint[]>),
    put: async (q) => void (await run('readwrite', (s) => s.put(q))),
    remove: async (key) => void (await run('readwrite', (s) => s.delete(key))),
  }
}

/** IndexedDB when the browser has it and lets us open it, memory otherwise. */
export async function defaultStore(): Promise<QueueStore> {
  const factory = typeof indexedDB !== 'undefined' ? indexedDB : undefined
  if (!factory) return memoryStore()
  const store = idbStore(factory)
  try {
    await store.all()
    return store
  } catch {
    return memoryStore()
  }
}

/** Reads a photo into what the queue keeps. */
export async function toQueuedPhoto(file: Blob, index: number): Promise<QueuedPhoto> {
  const name = file instanceof File && file.name ? file.name : `photo-${index + 1}.jpg`
  return { name, type: file.type || 'image/jpeg', data: await readBuffer(file) }
}

function readBuffer(file: Blob): Promise<ArrayBuffer> {
  if (typeof file.arrayBuffer === 'function') return file.arrayBuffer()
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve(r.result as ArrayBuffer)
    r.onerror = () => reject(r.error)
    r.readAsArrayBuffer(file)
  })
}
