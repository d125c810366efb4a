// localStorage that never throws: private mode, a full quota or a WebView with
// storage switched off must not break the app, only make it forget.

export function readJSON<T>(key: string): T | null {
  try {
    const raw = globalThis.localStorage?.getItem(key)
    return raw ? (JSON.parse(raw) as T) : null
  } catch {
    return null
  }
}

export function writeJSON(key: string, value: unknown): boolean {
  try {
    globalThis.localStorage?.setItem(key, JSON.stringify(value))
    return true
  } catch {
    return false
  }
}

export function readString(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null
  } catch {
    return null
  }
}

export function writeString(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value)
  } catch {
    /* storage unavailable: keep going without it */
  }
}

export function remove(key: string): void {
  try {
    globalThis.localStorage?.removeItem(key)
  } catch {
    /* storage unavailable */
  }
}
