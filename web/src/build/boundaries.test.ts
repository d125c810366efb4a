// The two pages stay apart: the staff console never pulls in Vant, the
// resident app never pulls in staff code, Element Plus or ECharts. Follows the
// relative imports (static and dynamic) from each entry. The built files are
// checked by every `npm run build` (scripts/check-bundles.mjs fails the build).
import { readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const CONSOLE_ONLY = ['element-plus', 'echarts', 'zrender', '@element-plus']

function graph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const todo = [resolve(SRC, entry)]
  while (todo.length) {
    const file = todo.pop()!
    if (files.has(file)) continue
    files.add(file)
    const text = readFileSync(file, 'utf8')
    const specs = [
      ...[...text.matchAll(/^\s*import\s+(?:[^'"]*?from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
      ...[...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
    ]
    for (const spec of specs) {
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
  it('the staff console does not import Vant, and does use Element Plus and ECharts', () => {
    const { packages, files } = graph('staff/main.ts')
    expect([...files]).toContain(resolve(SRC, 'i18n/index.ts'))
    expect([...files]).toContain(resolve(SRC, 'staff/views/project/TallyTab.vue'))
    expect([...files]).toContain(resolve(SRC, 'staff/charts/echarts.ts'))
    expect([...packages]).not.toContain('vant')
    expect([...packages]).toEqual(expect.arrayContaining(['element-plus', 'echarts']))
    expect([...files].some((f) => f.includes(`${SRC}/resident/`))).toBe(false)
  })

  it('the resident app imports neither staff code nor Element Plus nor ECharts', () => {
    const { packages, files } = graph('resident/main.ts')
    expect([...packages]).toContain('vant')
    for (const lib of CONSOLE_ONLY) expect([...packages], lib).not.toContain(lib)
    expect([...files].some((f) => f.includes(`${SRC}/staff/`))).toBe(false)
    // The staff-only client modules stay out as well (they would ride along in the shared chunk).
    for (const f of ['api/staff.ts', 'api/sse.ts', 'staff/vocabulary.ts']) expect([...files]).not.toContain(resolve(SRC, f))
  })
})
