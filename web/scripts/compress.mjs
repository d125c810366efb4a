// After `vite build`: writes NAME.br (brotli, quality 11) and NAME.gz (gzip,
// level 9) beside every text file of the build, which the Go server sends to
// phones that accept them (server/webui/webui.go). Compressing once here, at
// the strongest settings, costs the server nothing per request. Node's own
// zlib does both (no plugin needed). A copy that would not be smaller is not
// written.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const here = dirname(fileURLToPath(import.meta.url))
const OUT = process.argv[2] ? resolve(process.argv[2]) : resolve(here, '../../server/webui/app')

/** Files worth compressing: text. Images and fonts are compressed already. */
const TEXT = /\.(?:html|js|mjs|css|svg|json|webmanifest|txt|map)$/

function brotli(buf) {
  return brotliCompressSync(buf, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    },
  })
}

function gzip(buf) {
  return gzipSync(buf, { level: 9 })
}

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) yield* files(p)
    else if (TEXT.test(name)) yield p
  }
}

let raw = 0
let br = 0
let gz = 0
let count = 0
for (const f of files(OUT)) {
  const buf = readFileSync(f)
  const b = brotli(buf)
  const g = gzip(buf)
  if (b.length < buf.length) writeFileSync(`${f}.br`, b)
  if (g.length < buf.length) writeFileSync(`${f}.gz`, g)
  raw += buf.length
  br += Math.min(b.length, buf.length)
  gz += Math.min(g.length, buf.length)
  count++
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`
console.log(`compress: ${count} files in ${relative(process.cwd(), OUT) || '.'}: ${kib(raw)} → brotli ${kib(br)}, gzip ${kib(gz)}`)
