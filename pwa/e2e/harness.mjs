// Browser-test harness: the real `floorwalk` binary on a fresh SQLite file (port 0),
// serving the built app from dist/; real Chromium through playwright-core; and a
// Node automerge-repo client (the official JS client) to plan work and to check what
// the server holds.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { chromium } from 'playwright-core'
import { Repo } from '@automerge/automerge-repo'
import * as A from '@automerge/automerge'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { ean13 } from './barcode.mjs'
import { waitFor as sharedWaitFor } from '../../tests/js/lib/wait.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
export const PWA_ROOT = path.resolve(here, '..')
export const FLOORWALK_BIN = process.env.FLOORWALK_BIN ?? path.resolve(PWA_ROOT, '../target/debug/floorwalk')
export const DIST = path.join(PWA_ROOT, 'dist')
export const ARTIFACTS = path.join(PWA_ROOT, 'test-artifacts')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const PHONE = { width: 360, height: 740 }

export function requirePrereqs() {
  const missing = []
  if (!existsSync(FLOORWALK_BIN)) missing.push(`floorwalk binary at ${FLOORWALK_BIN} (set FLOORWALK_BIN)`)
  if (!existsSync(CHROMIUM)) missing.push(`Chromium at ${CHROMIUM} (apt-get install chromium)`)
  if (!existsSync(path.join(DIST, 'index.html'))) missing.push(`the built app in ${DIST} (run npm run build)`)
  if (missing.length) throw new Error(`Browser tests cannot run, missing: ${missing.join('; ')}`)
}

/**
 * The repository's one polling helper (tests/js/lib/wait.mjs), polling every 100 ms by
 * default here: browser-test conditions often run the sqlite3 CLI or a page query.
 */
export function waitFor(cond, options = {}) {
  return sharedWaitFor(cond, { interval: 100, ...options })
}

/** A floorwalk server on its own SQLite file in a temp dir. */
export class Server {
  constructor(label, { webDir = DIST } = {}) {
    this.label = label
    this.webDir = webDir
    this.dir = mkdtempSync(path.join(tmpdir(), 'fw-pwa-e2e-'))
    this.dbPath = path.join(this.dir, 'fw.db')
    this.dbUrl = `sqlite://${this.dbPath}`
    this.url = undefined
    this.proc = undefined
  }

  env() {
    return { ...process.env, FLOORWALK_DATABASE_URL: this.dbUrl, FLOORWALK_WEB_DIR: this.webDir }
  }

  cli(args, input) {
    return new Promise((resolve, reject) => {
      const child = spawn(FLOORWALK_BIN, args, { env: this.env(), stdio: ['pipe', 'pipe', 'pipe'] })
      let out = ''
      let err = ''
      child.stdout.on('data', (d) => (out += d))
      child.stderr.on('data', (d) => (err += d))
      child.on('error', reject)
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`floorwalk ${args.join(' ')} exited ${code}: ${err || out}`))))
      child.stdin.on('error', () => {})
      child.stdin.end(input ?? '')
    })
  }

  async addSite(slug, name) {
    await this.cli(['site', 'add', slug, '--name', name])
  }

  async addUser(email, role, name, sites, password = 'correct-horse-1') {
    await this.cli(['user', 'add', email, '--role', role, '--name', name, ...sites.flatMap((s) => ['--site', s])], `${password}\n`)
    return { email, password, name }
  }

  async start() {
    mkdirSync(ARTIFACTS, { recursive: true })
    this.logPath = path.join(ARTIFACTS, `server-${this.label}.log`)
    const fd = openSync(this.logPath, 'w')
    this.proc = spawn(FLOORWALK_BIN, ['serve', '--bind', '127.0.0.1:0'], { env: this.env(), stdio: ['ignore', 'pipe', fd] })
    closeSync(fd)
    const rl = createInterface({ input: this.proc.stdout })
    this.url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('floorwalk serve did not start in 60 s')), 60_000)
      rl.on('line', (line) => {
        const m = /^floorwalk listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/.exec(line)
        if (m) {
          clearTimeout(timer)
          resolve(m[1])
        }
      })
      this.proc.once('exit', (code) => reject(new Error(`floorwalk serve exited ${code}: ${this.logTail()}`)))
    })
    return this
  }

  logTail(n = 4000) {
    try {
      return readFileSync(this.logPath, 'utf8').slice(-n)
    } catch {
      return ''
    }
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM')
      await new Promise((r) => {
        const t = setTimeout(() => {
          this.proc.kill('SIGKILL')
          r()
        }, 10_000)
        this.proc.once('exit', () => {
          clearTimeout(t)
          r()
        })
      })
    }
    rmSync(this.dir, { recursive: true, force: true })
  }

  async api(pathname, { method = 'GET', token, body, headers = {} } = {}) {
    const h = { ...headers }
    if (token) h.authorization = `Bearer ${token}`
    if (body !== undefined && !(body instanceof Uint8Array)) h['content-type'] = 'application/json'
    const res = await fetch(this.url + pathname, { method, headers: h, body: body === undefined ? undefined : body instanceof Uint8Array ? body : JSON.stringify(body) })
    return res
  }

  /** Rows of a query on the server's SQLite database (the sqlite3 CLI reads it beside the running server). */
  sql(query) {
    let out
    try {
      out = execFileSync('sqlite3', ['-json', '-cmd', '.timeout 3000', this.dbPath, query], { encoding: 'utf8' })
    } catch (e) {
      if (e.code === 'ENOENT') throw new Error('the sqlite3 command is needed to check the reporting tables (apt-get install sqlite3)')
      throw e
    }
    return out.trim() ? JSON.parse(out) : []
  }

  async login(user) {
    const res = await this.api('/api/auth/login', { method: 'POST', body: { email: user.email, password: user.password } })
    if (!res.ok) throw new Error(`login ${user.email}: ${res.status} ${await res.text()}`)
    return res.json()
  }
}

/** An automerge-repo client in Node, with a fresh sync ticket per connection. */
export class NodeClient {
  static async connect(server, user) {
    const tokens = await server.login(user)
    const meRes = await server.api('/api/me', { token: tokens.access_token })
    if (!meRes.ok) throw new Error(`GET /api/me: ${meRes.status} ${await meRes.text()}`)
    const me = await meRes.json()
    const t = await server.api('/api/sync/ticket', { method: 'POST', token: tokens.access_token })
    if (!t.ok) throw new Error(`POST /api/sync/ticket: ${t.status} ${await t.text()}`)
    const { ticket } = await t.json()
    const adapter = new WebSocketClientAdapter(`${server.url.replace(/^http/, 'ws')}/sync?ticket=${encodeURIComponent(ticket)}`, 3_600_000)
    const repo = new Repo({ network: [adapter], peerId: tokens.peer_id })
    const c = new NodeClient(server, tokens, me, repo, adapter)
    await waitFor(() => repo.peers.length > 0, { timeout: 15_000, what: `${user.email} to connect` })
    return c
  }

  constructor(server, tokens, me, repo, adapter) {
    this.server = server
    this.tokens = tokens
    this.me = me
    this.repo = repo
    this.adapter = adapter
    this.shared = new Map()
    repo.synchronizer.on('sync-state', ({ documentId, syncState }) => this.shared.set(documentId, syncState.sharedHeads))
  }

  get userId() {
    return String(this.me.user.id)
  }

  get deviceId() {
    return this.tokens.peer_id
  }

  /**
   * Resolves once the server has every change of the document (its sync state says so).
   * When it does not, the error says what the server stored and what the client's sync
   * state believes, with the server's counters: a stored change the server never
   * acknowledged (stored = local heads, shared = older heads) is a server bug, not a
   * slow test.
   */
  async waitSynced(handle, timeout = 30_000) {
    try {
      await waitFor(
        () => {
          const heads = A.getHeads(handle.doc())
          const shared = this.shared.get(handle.documentId)
          return !!shared && heads.every((h) => shared.includes(h))
        },
        { timeout, what: `document ${handle.documentId} to reach the server` },
      )
    } catch (e) {
      e.message += `\n${await this.syncDiagnosis(handle)}`
      throw e
    }
  }

  async syncDiagnosis(handle) {
    const metrics = await fetch(`${this.server.url}/metrics`).then((r) => r.text(), (err) => String(err))
    let stored
    try {
      stored = this.server.sql(`SELECT heads FROM documents WHERE id = '${handle.documentId}'`)[0]?.heads ?? 'not stored'
    } catch (err) {
      stored = String(err)
    }
    const counters = metrics.split('\n').filter((l) => /^floorwalk_/.test(l)).join(', ')
    return `local heads ${JSON.stringify(A.getHeads(handle.doc()))}, shared heads (client's sync state) ${JSON.stringify(this.shared.get(handle.documentId) ?? null)}, stored heads ${stored}, peers ${JSON.stringify(this.repo.peers)}; server: ${counters}`
  }

  async close() {
    try {
      await Promise.race([this.repo.shutdown(), new Promise((r) => setTimeout(r, 5000))])
    } catch {
      /* best effort */
    }
  }
}

/** A fresh Node client that loads a document from the server only (no local copy). */
export async function readFromServer(server, user, url, until = () => true, timeout = 10_000) {
  const c = await NodeClient.connect(server, user)
  let last
  try {
    const handle = await c.repo.find(url)
    return await waitFor(
      () => {
        last = JSON.parse(JSON.stringify(handle.doc() ?? null))
        return last && until(last) ? last : false
      },
      { timeout, interval: 100, what: `${url} on the server to satisfy the check` },
    )
  } catch (e) {
    e.message += `\nlast seen: ${JSON.stringify(last)?.slice(0, 3000)}`
    throw e
  } finally {
    await c.close()
  }
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage']

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
}

/** A phone: fresh browser context (its own storage) at 360×740. */
export async function newPhone(browser, server) {
  const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, baseURL: server.url, serviceWorkers: 'allow', locale: 'en-US' })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  return { context, page, errors }
}

export async function screenshot(page, name, { top = true, a11y = true } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true })
  if (a11y) await assertAccessible(page, name)
  if (top) await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false })
}

export async function loginInBrowser(page, user) {
  await page.goto('/')
  await page.getByLabel('Email').fill(user.email)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('heading', { name: 'My work today' }).waitFor({ timeout: 20_000 })
}

const uuid = () => crypto.randomUUID()
const at = () => new Date().toISOString()

/**
 * Master data for a test site (written by a manager through automerge, as the desktop
 * will): 2 bins, 10 items, one checklist template.
 */
export async function seedSite(manager, slug) {
  const site = manager.me.sites.find((s) => s.slug === slug)
  if (!site?.site_document_url) throw new Error(`GET /api/me gave no site_document_url for ${slug}: ${JSON.stringify(manager.me)}`)
  const handle = await manager.repo.find(site.site_document_url)
  const zone = uuid()
  const aisle = uuid()
  const items = Array.from({ length: 10 }, (_, i) => ({ id: uuid(), sku: `SKU-${i + 1}`, name: `Test item ${i + 1}`, barcodes: [ean13(`4000000000${String(i + 10).padStart(2, '0')}`)] }))
  const template = { id: uuid(), items: [uuid(), uuid(), uuid()] }
  handle.change((d) => {
    d.locations ??= {}
    d.items ??= {}
    d.checklist_templates ??= {}
    d.item_classes ??= {}
    if (!d.currency) d.currency = 'EUR'
    d.locations[zone] = { code: 'A', kind: 'zone', name: 'Ambient' }
    d.locations[aisle] = { code: 'A-01', kind: 'aisle', parent: zone }
    d.locations[uuid()] = { code: 'A-01-01', kind: 'bin', parent: aisle }
    d.locations[uuid()] = { code: 'A-01-02', kind: 'bin', parent: aisle }
    for (const it of items) d.items[it.id] = { sku: it.sku, name: it.name, barcodes: it.barcodes, unit: 'each', unit_cost_minor: 100 }
    d.checklist_templates[template.id] = {
      name: 'Dock safety walk',
      versions: [
        {
          version: 1,
          published_at: '2026-11-01T08:00:00.000Z',
          items: [
            { id: template.items[0], label: 'Dock doors close fully', kind: 'check', required: true },
            { id: template.items[1], label: 'Chiller temperature', kind: 'number', required: true, unit: 'C', min: 0, max: 5 },
            { id: template.items[2], label: 'Anything else?', kind: 'text', required: false },
          ],
        },
      ],
    }
  })
  await manager.waitSynced(handle)
  return { siteUrl: site.site_document_url, items, template }
}

export async function planCount(manager, slug, assignees, title = 'Cycle count aisle A-01', { blind = true } = {}) {
  const rec = { by: manager.userId, at: at(), device: manager.deviceId }
  const lines = {}
  for (let i = 1; i <= 10; i++) lines[`A-01-0${i <= 5 ? 1 : 2}|SKU-${i}`] = { expected_qty: 10 }
  const handle = manager.repo.create({
    type: 'count_session',
    schema_version: 1,
    site: slug,
    title,
    scope: { locations: ['A-01'], skus: [] },
    blind,
    assignees,
    due_at: new Date(Date.now() + 4 * 3600_000).toISOString(),
    timeline: [{ id: uuid(), status: 'open', ...rec }],
    lines,
    entries: [],
  })
  await manager.waitSynced(handle)
  return handle.url
}

export async function planShipment(manager, slug) {
  const rec = { by: manager.userId, at: at(), device: manager.deviceId }
  const handle = manager.repo.create({
    type: 'shipment',
    schema_version: 1,
    site: slug,
    direction: 'inbound',
    reference: 'PO-4711',
    carrier: 'Nordfrakt',
    expected_at: new Date(Date.now() + 3600_000).toISOString(),
    expected_lines: [
      { id: uuid(), sku: 'SKU-1', qty: 24, location: 'A-01-01' },
      { id: uuid(), sku: 'SKU-2', qty: 10 },
    ],
    entries: [],
    timeline: [{ id: uuid(), status: 'expected', ...rec }],
  })
  await manager.waitSynced(handle)
  return handle.url
}

/** A checklist run planned by the manager from the seeded template (a snapshot of version 1). */
export async function planChecklist(manager, slug, seed, assignee) {
  const siteDoc = (await manager.repo.find(seed.siteUrl)).doc()
  const tpl = JSON.parse(JSON.stringify(siteDoc.checklist_templates[seed.template.id]))
  const v = tpl.versions[tpl.versions.length - 1]
  const run = {
    type: 'checklist_run',
    schema_version: 1,
    site: slug,
    template: { template_id: seed.template.id, version: v.version, name: tpl.name, items: v.items },
    due_at: new Date(Date.now() + 2 * 3600_000).toISOString(),
    responses: {},
    notes: [],
    corrective_actions: [],
  }
  if (assignee) run.assignee = assignee
  const handle = manager.repo.create(run)
  await manager.waitSynced(handle)
  return handle.url
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/**
 * The value rules of shared/src/validation that a phone's writes must meet (until the
 * server reports validation problems itself): device-made ids are lowercase UUIDs,
 * timestamps RFC 3339, user/device ids opaque without spaces, quantities whole numbers,
 * attachments named by SHA-256, every root with type, schema_version and site.
 */
export function assertDocumentRules(doc, where = doc?.type ?? 'document') {
  const problems = []
  if (!doc?.type || doc.schema_version !== 1 || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(doc.site ?? '')) problems.push(`${where}: root needs type, schema_version 1 and a site slug`)
  const walk = (v, path) => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`))
    if (!v || typeof v !== 'object') return
    for (const [k, x] of Object.entries(v)) {
      const p = `${path}.${k}`
      if (x === undefined) problems.push(`${p} is undefined`)
      if (k === 'id' && typeof x === 'string' && !UUID.test(x)) problems.push(`${p} is not a lowercase UUID: ${x}`)
      if (['at', 'due_at', 'expected_at', 'completed_at', 'published_at'].includes(k) && x != null && !RFC3339.test(x)) problems.push(`${p} is not RFC 3339: ${x}`)
      if (['by', 'device', 'assignee'].includes(k) && x != null && !/^\S{1,128}$/.test(x)) problems.push(`${p} is not an opaque id: ${x}`)
      if (['qty', 'damaged_qty', 'expected_qty', 'count_index', 'size'].includes(k) && !(Number.isInteger(x) && x >= 0)) problems.push(`${p} is not a whole number: ${x}`)
      if (k === 'sha256' && !/^[0-9a-f]{64}$/.test(x)) problems.push(`${p} is not a SHA-256: ${x}`)
      if (['location', 'sku'].includes(k) && x != null && (x !== String(x).trim() || String(x).includes('|') || !x)) problems.push(`${p} is not a code: ${x}`)
      walk(x, p)
    }
  }
  walk(doc, where)
  if (problems.length) throw new Error(`document breaks the shared rules:\n${problems.join('\n')}`)
}

/**
 * Every visible control has an accessible name, and every control a finger hits is at
 * least 44×44 CSS px (hidden file inputs are checked through their visible label).
 */
export async function assertAccessible(page, screen) {
  const problems = await page.evaluate(() => {
    const out = []
    const visible = (el) => {
      const r = el.getBoundingClientRect()
      const st = getComputedStyle(el)
      return r.width > 2 && r.height > 2 && st.visibility !== 'hidden' && st.display !== 'none'
    }
    const nameOf = (el) => {
      const aria = el.getAttribute('aria-label') || (el.getAttribute('aria-labelledby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ')
      if (aria.trim()) return aria.trim()
      if (el.labels && el.labels.length) return [...el.labels].map((l) => l.textContent).join(' ').trim()
      if (el.tagName === 'BUTTON' || el.tagName === 'A' || el.tagName === 'SUMMARY') return (el.textContent ?? '').trim()
      return el.getAttribute('title') ?? ''
    }
    for (const el of document.querySelectorAll('button, a[href], input, select, textarea, summary, [role=button]')) {
      const target = el.matches('input[type=file]') ? el.closest('label') : el
      if (!target || !visible(target)) continue
      const what = `${el.tagName.toLowerCase()}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''} "${(nameOf(el) || '').slice(0, 30)}"`
      if (!nameOf(el)) out.push(`${what}: no accessible name`)
      const r = target.getBoundingClientRect()
      if (r.height < 44 || r.width < 44) out.push(`${what}: ${Math.round(r.width)}×${Math.round(r.height)} px touch target`)
    }
    // Text contrast (WCAG AA): 4.5:1, or 3:1 for large text.
    const rgb = (c) => (c.match(/[\d.]+/g) ?? []).map(Number)
    const lum = ([r, g, b]) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)
    }
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor)
        if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c
      }
      return [255, 255, 255]
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement
      if (!el || !n.textContent?.trim() || !visible(el) || el.closest('.visually-hidden, [disabled], .disabled')) continue
      const st = getComputedStyle(el)
      const fg = rgb(st.color)
      const [l1, l2] = [lum(fg), lum(background(el))].sort((a, b) => b - a)
      const ratio = (l1 + 0.05) / (l2 + 0.05)
      const size = parseFloat(st.fontSize)
      const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700)
      if (ratio < (large ? 3 : 4.5)) out.push(`"${n.textContent.trim().slice(0, 30)}": contrast ${ratio.toFixed(2)}:1`)
    }
    return out
  })
  if (problems.length) throw new Error(`accessibility problems on ${screen}:\n${problems.join('\n')}`)
}
