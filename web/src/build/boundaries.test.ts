// The two pages stay apart: the staff page never pulls in Vant, the resident
// app never pulls in staff code. Follows the relative imports from each entry.
import { readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..')

function graph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const todo = [resolve(SRC, entry)]
  while (todo.length) {
    const file = todo.pop()!
    if (files.has(file)) continue
    files.add(file)
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/^\s*import\s+(?:[^'"]*?from\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!
      if (!spec.startsWith('.')) {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!)
        continue
      }
      const base = resolve(dirname(file), spec)
      const found = [base, `${base}.ts`, `${base}/index.ts`].find((p) => statSync(p, { throwIfNoEntry: false })?.isFile())
      if (found && /\.(ts|vue)$/.test(found)) todo.push(found)
    }
  }
  return { files, packages }
}

describe('bundle boundaries', () => {
  it('the staff page does not import Vant', () => {
    const { packages, files } = graph('staff/main.ts')
    expect([...files]).toContain(resolve(SRC, 'i18n/index.ts'))
    expect([...files]).toContain(resolve(SRC, 'staff/views/TallyView.vue'))
    expect([...packages]).not.toContain('vant')
    expect([...files].some((f) => f.includes(`${SRC}/resident/`))).toBe(false)
  })

  it('the resident app does not import staff code', () => {
    const { packages, files } = graph('resident/main.ts')
    expect([...packages]).toContain('vant')
    expect([...files].some((f) => f.includes(`${SRC}/staff/`))).toBe(false)
  })
})
