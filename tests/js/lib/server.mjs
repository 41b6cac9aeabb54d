// Start/stop/kill/restart the real `floorwalk` binary and run its provisioning CLI.
import { spawn } from 'node:child_process'
import { openSync, closeSync, readFileSync, mkdirSync, existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { withTimeout } from './wait.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = path.resolve(here, '../../..')
export const FLOORWALK_BIN = process.env.FLOORWALK_BIN ?? path.join(REPO_ROOT, 'target/debug/floorwalk')
export const ARTIFACTS =
  process.env.FLOORWALK_TEST_ARTIFACTS ?? path.join(REPO_ROOT, 'tests/artifacts/js', new Date().toISOString().replace(/[:.]/g, '-'))

const LISTENING = /^floorwalk listening on (http:\/\/127\.0\.0\.1:(\d+))\s*$/
let logCounter = 0

// Servers started by this process: never leave one running if the test process dies.
const live = new Set()
function killLive() {
  for (const p of live) {
    try {
      p.kill('SIGKILL')
    } catch {
      /* already gone */
    }
  }
}
process.once('exit', killLive)
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.once(sig, () => {
    killLive()
    process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[sig] ?? 0))
  })
}

function requireBinary() {
  if (!existsSync(FLOORWALK_BIN)) {
    throw new Error(`floorwalk binary not found at ${FLOORWALK_BIN} (build it, or set FLOORWALK_BIN)`)
  }
}

function logFile(label) {
  mkdirSync(ARTIFACTS, { recursive: true })
  logCounter += 1
  const safe = label.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80)
  return path.join(ARTIFACTS, `${String(logCounter).padStart(3, '0')}-${process.pid}-${safe}.log`)
}

function serverEnv(dbUrl, extra = {}) {
  return { ...process.env, FLOORWALK_DATABASE_URL: dbUrl, ...extra }
}

/** Run a floorwalk CLI command; resolves { code, stdout, stderr }. */
export function runCli(dbUrl, args, { input, env = {}, timeout = 30_000 } = {}) {
  requireBinary()
  return new Promise((resolve, reject) => {
    const child = spawn(FLOORWALK_BIN, args, { env: serverEnv(dbUrl, env), stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`floorwalk ${args.join(' ')} timed out after ${timeout} ms\n${stderr}`))
    }, timeout)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
    child.stdin.on('error', () => {}) // the command may not read stdin
    if (input !== undefined) child.stdin.end(input)
    else child.stdin.end()
  })
}

/** Like runCli, but throws (with stderr) unless the command exits 0. */
export async function cli(dbUrl, args, opts) {
  const r = await runCli(dbUrl, args, opts)
  if (r.code !== 0) {
    throw new Error(`floorwalk ${args.join(' ')} exited ${r.code ?? r.signal}: ${r.stderr.trim() || r.stdout.trim()}`)
  }
  return r
}

/**
 * A running (or restartable) floorwalk server on one database.
 * `url` is http://127.0.0.1:<port>; restarts reuse the same port so clients reconnect
 * to the same address, as phones would.
 */
export class FloorwalkServer {
  constructor({ dbUrl, env = {}, label = 'server' }) {
    this.dbUrl = dbUrl
    this.env = env
    this.label = label
    this.port = 0
    this.url = undefined
    this.proc = undefined
    this.logs = [] // one log file per process start
    this.starts = 0
  }

  get pid() {
    return this.proc?.pid
  }

  get wsUrl() {
    return this.url.replace(/^http/, 'ws')
  }

  get running() {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null
  }

  /** Start the server and resolve once it printed its listening line. */
  async start({ timeout = 60_000 } = {}) {
    requireBinary()
    if (this.running) throw new Error('server already running')
    this.starts += 1
    const log = logFile(`${this.label}-start${this.starts}`)
    this.logs.push(log)
    const fd = openSync(log, 'a')
    const bind = `127.0.0.1:${this.port}`
    const proc = spawn(FLOORWALK_BIN, ['serve', '--bind', bind], {
      env: serverEnv(this.dbUrl, this.env),
      stdio: ['ignore', 'pipe', fd],
    })
    closeSync(fd)
    this.proc = proc
    live.add(proc)
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        live.delete(proc)
        resolve({ code, signal })
      }),
    )
    this.stdoutLines = []
    const rl = createInterface({ input: proc.stdout })
    const listening = new Promise((resolve, reject) => {
      rl.on('line', (line) => {
        this.stdoutLines.push(line)
        const m = LISTENING.exec(line)
        if (m) resolve(m)
      })
      proc.once('error', reject)
      this.exited.then(({ code, signal }) =>
        reject(new Error(`floorwalk serve exited (${code ?? signal}) before listening.\n${this.logTail()}`)),
      )
    })
    let m
    try {
      m = await withTimeout(listening, timeout, 'floorwalk serve start-up')
    } catch (e) {
      if (this.running) await this.kill()
      throw new Error(`${e.message}\nstdout: ${this.stdoutLines.join('\n')}\n${this.logTail()}`)
    }
    this.url = m[1]
    this.port = Number(m[2])
    return this
  }

  /** SIGTERM and wait for exit (graceful shutdown); resolves the exit status. */
  async stop({ timeout = 20_000 } = {}) {
    if (!this.running) return this.exited
    this.proc.kill('SIGTERM')
    try {
      return await withTimeout(this.exited, timeout, 'graceful shutdown after SIGTERM')
    } catch (e) {
      this.proc.kill('SIGKILL')
      await this.exited
      throw e
    }
  }

  /** kill -9 and wait until the process is gone. */
  async kill() {
    if (!this.running) return this.exited
    this.proc.kill('SIGKILL')
    return this.exited
  }

  async restart({ hard = false } = {}) {
    if (hard) await this.kill()
    else await this.stop()
    return this.start()
  }

  /** Current resident set size of the server process in kB (Linux). */
  rssKb() {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8')
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status)
    if (!m) throw new Error('no VmRSS in /proc status')
    return Number(m[1])
  }

  /** The last `n` characters of the logs of this server (all starts). */
  logTail(n = 6000) {
    let text = ''
    for (const f of this.logs) {
      try {
        text += `--- ${f}\n${readFileSync(f, 'utf8')}`
      } catch {
        /* not written yet */
      }
    }
    return `server stderr (tail):\n${text.slice(-n)}`
  }
}

/** Create and start a server; the caller stops it. */
export async function startServer(opts) {
  const s = new FloorwalkServer(opts)
  await s.start()
  return s
}
