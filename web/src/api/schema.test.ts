// schema.ts is generated from openapi.json (make api-types): this fails when
// someone edited one without the other, as `npm run build` does.
import { spawnSync } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

it('schema.ts is what openapi-typescript makes of openapi.json', () => {
  const run = spawnSync(process.execPath, ['scripts/api-types.mjs', '--check'], { cwd: WEB, encoding: 'utf8' })
  expect(run.stderr, 'run `make api-types`').toBe('')
  expect(run.status).toBe(0)
}, 60_000)
