// Starts the real server (bin/anju serve --demo) on a fresh SQLite file and a
// free port, and reads what the demo prints: the resident link, the household
// code of room 601 and the staff password.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const BINARY = process.env.ANJU_BINARY || resolve(here, '../../../bin/anju')

const START_TIMEOUT_MS = 60_000

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', fail)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => ok(port))
    })
  })
}

/** Parses the banner `anju serve --demo` prints; null until all of it is there. */
export function parseDemoBanner(text) {
  const link = text.match(/(https?:\/\/\S+\/b\/[A-Za-z0-9_-]+)/)
  const code = text.match(/户码\s+([23456789A-Z]{8})\b/)
  const room = text.match(/房号\s+(\S+?),/)
  const staff = text.match(/username\s+(\S+),\s+password\s+(\S+)/)
  const project = text.match(/\/api\/v1\/projects\/(\d+)\/consent/)
  if (!link || !code || !room || !staff || !project) return null
  return {
    residentLink: link[1],
    room: room[1],
    code: code[1],
    staffUser: staff[1],
    staffPassword: staff[2],
    projectId: Number(project[1]),
  }
}

/**
 * Starts the server. Returns { baseURL, demo, stop(), log() }.
 * `logFile`, if given, receives the server's stdout and stderr when it stops.
 */
export async function startServer({ logFile } = {}) {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} is missing: run make build first (from the repository root).`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'anju-browser-'))
  const port = await freePort()
  const baseURL = `http://127.0.0.1:${port}`
  const child = spawn(BINARY, ['serve', '--demo'], {
    cwd: dir, // no configs/anju.yaml here: the defaults and the environment below only
    env: {
      ...process.env,
      ANJU_DATABASE_URL: join(dir, 'anju.db'),
      ANJU_HTTP_ADDR: `127.0.0.1:${port}`,
      ANJU_PUBLIC_URL: baseURL,
      ANJU_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (s) => (out += s))
  child.stderr.setEncoding('utf8').on('data', (s) => (err += s))
  let exited = null
  const exitPromise = new Promise((ok) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal }
      ok(exited)
    }),
  )
  // If the test process dies, take the server with it.
  const killOnExit = () => child.kill('SIGKILL')
  process.on('exit', killOnExit)

  let stopped = false
  async function stop() {
    if (stopped) return
    stopped = true
    process.off('exit', killOnExit)
    if (!exited) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exitPromise
      clearTimeout(timer)
    }
    if (logFile) writeFileSync(logFile, `# stdout\n${out}\n# stderr\n${err}\n`)
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    const deadline = Date.now() + START_TIMEOUT_MS
    let demo = null
    let healthy = false
    while (!(demo && healthy)) {
      if (exited) throw new Error(`anju serve --demo exited (${JSON.stringify(exited)}) before it was ready.\nstdout:\n${out}\nstderr:\n${err}`)
      if (Date.now() > deadline) throw new Error(`anju serve --demo was not ready within ${START_TIMEOUT_MS / 1000} s.\nstdout:\n${out}\nstderr:\n${err}`)
      demo ??= parseDemoBanner(out)
      if (!healthy) {
        try {
          const res = await fetch(`${baseURL}/healthz`)
          healthy = res.ok && (await res.json()).status === 'ok'
        } catch {
          /* not listening yet */
        }
      }
      if (!(demo && healthy)) await Promise.race([exitPromise, new Promise((ok) => setTimeout(ok, 100))])
    }
    return { baseURL, demo, stop, log: () => ({ stdout: out, stderr: err }) }
  } catch (e) {
    await stop()
    throw e
  }
}
