// After `vite build`: proves from the built files that the resident app never
// loads the console's libraries. It follows every script the resident page
// (index.html) loads, statically or on demand, plus everything the service
// worker precaches, and fails if any of it is a staff chunk or carries Element
// Plus or ECharts code. The same markers must be found in the staff page's
// files, so a marker that stops matching is noticed. The vote-log verifier
// (src/shared/tlog.ts) must be loaded on demand only, never with the first
// screen. The first screen (the page and what it loads before it runs) must
// reach the phone in FIRST_SCREEN_BUDGET bytes as the server sends it, brotli
// (issue 11: a weak line). Prints the entry sizes.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const OUT = process.argv[2] ? resolve(process.argv[2]) : resolve(here, '../../server/webui/app')

const MARKERS = {
  'element-plus': { js: /\bEl(?:Button|ConfigProvider|Input)\b/, css: /\.el-(?:button|input|dialog)\b/ },
  echarts: { js: /__ec_|\bec_inner\b/, css: null },
}

/** Loaded on demand, never with the page: the vote-log verifier, and the
 * English catalogue (most residents never switch). */
const LAZY_ONLY = { tlog: /cosignature\/v1/, 'the English texts': /This QR code is no longer valid/ }

const read = (rel) => readFileSync(join(OUT, rel), 'utf8')

/** The first screen's transfer, compressed, at most (issue 11). */
export const FIRST_SCREEN_BUDGET = 100 * 1000

/** What the server sends for a file to a phone that accepts brotli:
 * the build's .br copy (scripts/compress.mjs), else the file. */
function sent(rel) {
  const br = join(OUT, `${rel}.br`)
  return existsSync(br) ? readFileSync(br).length : readFileSync(join(OUT, rel)).length
}

/**
 * Files a page loads: its scripts and styles, then their JS imports — only the
 * static ones (what loads before the page runs) with { eager: true }, else
 * every import, static or dynamic.
 */
function pageGraph(html, { eager = false } = {}) {
  const files = new Set()
  const queue = [...read(html).matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1])
  const imports = eager
    ? /(?:\bfrom\s*|\bimport\s*)["']\.\/([^"']+\.js)["']/g
    : /(?:\bfrom\s*|\bimport\s*\(?\s*)["']\.\/([^"']+\.(?:js|css))["']/g
  while (queue.length) {
    const f = queue.pop()
    if (files.has(f)) continue
    files.add(f)
    if (!f.endsWith('.js')) continue
    const src = read(f)
    for (const m of src.matchAll(imports)) queue.push(`assets/${m[1]}`)
    // Vite's preload helper lists dynamic chunks and their CSS as "assets/…".
    if (!eager) for (const m of src.matchAll(/["'](assets\/[^"']+\.(?:js|css))["']/g)) queue.push(m[1])
  }
  return files
}

function precached() {
  if (!existsSync(join(OUT, 'sw.js'))) return new Set()
  return new Set([...read('sw.js').matchAll(/url:"([^"]+)"/g)].map((m) => m[1]).filter((u) => u.startsWith('assets/')))
}

function carries(file) {
  const text = read(file)
  const kind = file.endsWith('.css') ? 'css' : 'js'
  return Object.entries(MARKERS)
    .filter(([, m]) => m[kind] && m[kind].test(text))
    .map(([name]) => name)
}

function size(files) {
  let raw = 0
  let br = 0
  for (const f of files) {
    raw += readFileSync(join(OUT, f)).length
    br += sent(f)
  }
  return `${(raw / 1024).toFixed(1)} KiB (sent ${(br / 1024).toFixed(1)} KiB)`
}

/** Bytes the first screen costs on the wire: the page and its eager files. */
export function firstScreenBytes(eager) {
  if (!existsSync(join(OUT, 'index.html.br'))) return null
  let n = sent('index.html')
  for (const f of eager) n += sent(f)
  return n
}

export function check() {
  const problems = []
  const resident = new Set([...pageGraph('index.html'), ...precached()])
  const staff = pageGraph('staff.html')
  const eager = pageGraph('index.html', { eager: true })
  for (const f of eager) {
    if (!f.endsWith('.js')) continue
    for (const [name, marker] of Object.entries(LAZY_ONLY)) if (marker.test(read(f))) problems.push(`the resident page loads ${name} with its first screen (${f})`)
  }
  for (const [name, marker] of Object.entries(LAZY_ONLY)) {
    if (![...resident].some((f) => f.endsWith('.js') && marker.test(read(f)))) problems.push(`no ${name} found in the resident app: the marker is stale`)
  }
  for (const f of resident) {
    if (/^assets\/staff-/.test(f)) problems.push(`the resident app loads the staff chunk ${f}`)
    for (const lib of carries(f)) problems.push(`the resident app's ${f} contains ${lib}`)
  }
  const staffLibs = new Set([...staff].flatMap(carries))
  for (const lib of Object.keys(MARKERS)) {
    if (!staffLibs.has(lib)) problems.push(`no ${lib} found in the staff page's files: the check's markers are stale`)
  }
  const first = firstScreenBytes(eager)
  if (first === null) problems.push('index.html.br is missing: run scripts/compress.mjs before this check')
  else if (first > FIRST_SCREEN_BUDGET) problems.push(`the first screen sends ${first} bytes, over the budget of ${FIRST_SCREEN_BUDGET}`)
  return { problems, resident, staff, eager, first }
}

const { problems, resident, staff, eager, first } = check()
const staffOnly = [...staff].filter((f) => !resident.has(f))
console.log(`check-bundles: resident page loads ${resident.size} files, ${size(resident)}`)
console.log(`check-bundles: of which with its first screen ${eager.size} files, ${size(eager)}`)
if (first !== null) console.log(`check-bundles: the first screen sends ${(first / 1000).toFixed(1)} kB with brotli (budget ${FIRST_SCREEN_BUDGET / 1000} kB)`)
console.log(`check-bundles: staff console loads ${staff.size} files, ${size(staff)} (of which only the console's: ${size(staffOnly)})`)
if (problems.length) {
  for (const p of problems) console.error(`check-bundles: ${p}`)
  process.exit(1)
}
console.log('check-bundles: the resident app carries no Element Plus and no ECharts')
