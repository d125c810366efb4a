// Empties the build output folder (the Go server embeds it) but keeps the
// committed .gitkeep, so `go build` works even before the first web build.
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const out = resolve(here, '../../server/webui/app')
const KEEP = new Set(['.gitkeep'])

mkdirSync(out, { recursive: true })
let removed = 0
for (const name of readdirSync(out)) {
  if (KEEP.has(name)) continue
  rmSync(join(out, name), { recursive: true, force: true })
  removed++
}
console.log(`clean-out: removed ${removed} entr${removed === 1 ? 'y' : 'ies'} from ${out}`)
