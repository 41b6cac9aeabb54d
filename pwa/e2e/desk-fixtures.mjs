// Known fixtures for the desk's browser tests: a site with master data, count sessions,
// checklist runs and shipments written as documents by a manager's automerge-repo client,
// with times placed in today's period or the previous one so KPI figures can be
// computed by hand in the tests.
import { after, before } from 'node:test'
import { launchBrowser, loginInBrowser, NodeClient, requirePrereqs, Server, waitFor } from './harness.mjs'

export const DESK = { width: 1440, height: 900 }
const DAY = 86_400_000
const uuid = () => crypto.randomUUID()

/** Today's UTC midnight, and times inside today (k in 0..1 between midnight and now). */
export function clock(now = Date.now()) {
  const todayStart = Math.floor(now / DAY) * DAY
  const iso = (ms) => new Date(ms).toISOString()
  return {
    now,
    todayStart,
    today: iso(todayStart).slice(0, 10),
    /** A moment today, before now. */
    cur: (k) => iso(todayStart + Math.floor((now - todayStart) * k)),
    /** A moment `days` days before today, at hh:00 UTC. */
    daysAgo: (days, hh = 10) => iso(todayStart - days * DAY + hh * 3600_000),
    iso,
  }
}

/**
 * The lifecycle every desk test file shares. Registers `before`: prerequisites, a fresh
 * `deskServer(label)`, the manager's Node client (`manager: false` skips it), north's
 * master data (`master: false` skips it), then `setup(suite)`, then Chromium; and `after`:
 * whatever the tests handed to `suite.defer` (last first), Node clients from
 * `suite.connect`, the browser, the manager's client and the server.
 *
 * The returned suite is filled in by `before`: `server`; `users` (the accounts of
 * `deskServer`: manager, viewer, staff, admin); `manager` (the manager's Node client);
 * `site` (north's site document handle); `browser`; and whatever `setup` puts on it.
 */
export function deskSuite(label, { manager = true, master = true, setup } = {}) {
  const cleanups = []
  const suite = {
    label,
    /** Runs `fn` in `after`, before the browser and server go. */
    defer: (fn) => cleanups.push(fn),
    /** A Node client for `user`, closed in `after`. */
    connect: async (user) => {
      const client = await NodeClient.connect(suite.server, user)
      cleanups.push(() => client.close())
      return client
    },
    /** A logged-in desk page of `user` at `deskPath` (1440×900, en-US, UTC). */
    openDesk: (user, deskPath) => openDesk(suite.browser, suite.server, user, deskPath),
  }
  before(async () => {
    requirePrereqs()
    const { server, ...users } = await deskServer(label)
    Object.assign(suite, { server, users })
    if (manager || master) suite.manager = await NodeClient.connect(server, users.manager)
    if (master) suite.site = await seedMaster(suite.manager, 'north')
    if (!manager) {
      await suite.manager?.close()
      suite.manager = undefined
    }
    if (setup) await setup(suite)
    suite.browser = await launchBrowser()
  })
  after(async () => {
    for (const fn of cleanups.reverse()) await fn()
    await suite.browser?.close()
    await suite.manager?.close()
    await suite.server?.stop()
  })
  return suite
}

/**
 * Waits, if UTC midnight is less than `margin` ms away, until it has passed: tests that
 * compare "today" and "the last 7 days" figures seeded now must not cross a day boundary.
 */
export async function clearOfMidnight(margin) {
  const toMidnight = DAY - (Date.now() % DAY)
  if (toMidnight < margin) await new Promise((r) => setTimeout(r, toMidnight + 1000))
}

/** A server with sites north and south, a manager and an admin of both, a viewer and staff at north. */
export async function deskServer(label) {
  const server = new Server(label)
  await server.addSite('north', 'North DC')
  await server.addSite('south', 'South DC')
  const manager = await server.addUser('manager@north.test', 'manager', 'Maria Manager', ['north', 'south'])
  const viewer = await server.addUser('auditor@north.test', 'viewer', 'Aud Itor', ['north'])
  const staff = await server.addUser('staff@north.test', 'staff', 'Sam Staff', ['north'])
  const admin = await server.addUser('admin@north.test', 'admin', 'Ada Admin', ['north', 'south'])
  await server.start()
  return { server, manager, viewer, staff, admin }
}

/**
 * Master data: locations A-01-01 and A-01-02, 10 items SKU-1..SKU-10 at 1.00 each.
 * Reorder settings: SKU-1 rp 5 / max 20 (Acme), SKU-3 rp 5 / max 20 (Acme),
 * SKU-9 rp 0 / max 6 (no supplier); the rest have none.
 */
export async function seedMaster(client, slug) {
  const site = client.me.sites.find((s) => s.slug === slug)
  const handle = await client.repo.find(site.site_document_url)
  const reorder = { 'SKU-1': [5, 20, 'Acme'], 'SKU-3': [5, 20, 'Acme'], 'SKU-9': [0, 6, null] }
  handle.change((d) => {
    d.locations ??= {}
    d.items ??= {}
    d.checklist_templates ??= {}
    d.item_classes ??= {}
    if (!d.currency) d.currency = 'EUR'
    const zone = uuid()
    const aisle = uuid()
    d.locations[zone] = { code: 'A', kind: 'zone', name: 'Ambient' }
    d.locations[aisle] = { code: 'A-01', kind: 'aisle', parent: zone }
    d.locations[uuid()] = { code: 'A-01-01', kind: 'bin', parent: aisle }
    d.locations[uuid()] = { code: 'A-01-02', kind: 'bin', parent: aisle }
    for (let i = 1; i <= 10; i++) {
      const sku = `SKU-${i}`
      const item = { sku, name: `Item ${i}`, barcodes: [], unit: 'each', unit_cost_minor: 100 }
      const r = reorder[sku]
      if (r) {
        item.reorder_point = r[0]
        item.max_qty = r[1]
        if (r[2]) item.supplier = r[2]
      }
      d.items[uuid()] = item
    }
  })
  await client.waitSynced(handle)
  return handle
}

/**
 * A count session planned by `client` (a manager's: only a manager plans lines and
 * closes). `lines`: {key: expected}; `entries`: [{key, qty, at, index?, counter?}], each
 * written by `counter` (the Node client of the device that counted it, default `client`):
 * the server undoes any record that does not name the user and device delivering it.
 * `closedAt`: adds a closed status event at that time.
 */
export async function writeCount(client, slug, { title, lines, entries = [], dueAt, closedAt, blind = false }) {
  const rec = (at) => ({ by: client.userId, at, device: client.deviceId })
  const timeline = [{ id: uuid(), status: 'open', ...rec(entries[0]?.at ?? dueAt) }]
  if (closedAt) timeline.push({ id: uuid(), status: 'closed', ...rec(closedAt) })
  const counted = (counter) => entries.filter((e) => (e.counter ?? client) === counter).map((e) => countEntry(counter, e))
  const handle = client.repo.create({
    type: 'count_session',
    schema_version: 1,
    site: slug,
    title,
    scope: { locations: ['A-01-01', 'A-01-02'], skus: [] },
    blind,
    assignees: [],
    due_at: dueAt,
    timeline,
    lines: Object.fromEntries(Object.entries(lines).map(([k, expected_qty]) => [k, { expected_qty }])),
    entries: counted(client),
  })
  await client.waitSynced(handle)
  for (const counter of new Set(entries.map((e) => e.counter).filter((c) => c && c !== client))) {
    const copy = await counter.repo.find(handle.url)
    copy.change((d) => {
      for (const e of counted(counter)) d.entries.push(e)
    })
    await counter.waitSynced(copy)
  }
  if (entries.some((e) => e.counter && e.counter !== client)) {
    await waitFor(() => handle.doc().entries.length === entries.length, { timeout: 15_000, what: "every counter's entries at the planner" })
  }
  return handle
}

/** A count entry of `counter`'s user on its device. */
function countEntry(counter, { key, qty, at, index = 1 }) {
  const [location, sku] = key.split('|')
  return { id: uuid(), location, sku, qty, count_index: index, by: counter.userId, at, device: counter.deviceId }
}

/** Appends one count entry (as a phone would) and waits until the server has it. */
export async function addEntry(client, handle, { key, qty, at = new Date().toISOString(), index = 1 }) {
  handle.change((d) => {
    d.entries.push(countEntry(client, { key, qty, at, index }))
  })
  await client.waitSynced(handle)
}

/**
 * A checklist run with two items: a check and a number (range 0..5). `answers`:
 * {check: 'pass'|'fail', number: n}; `completedAt` marks it complete; `action`: a
 * corrective action {priority, dueAt} for the number item.
 */
export async function writeChecklist(client, slug, { dueAt, answers = {}, answeredAt, completedAt, action }) {
  const rec = (at) => ({ by: client.userId, at, device: client.deviceId })
  const items = [
    { id: uuid(), label: 'Dock doors close fully', kind: 'check', required: true },
    { id: uuid(), label: 'Chiller temperature', kind: 'number', required: true, unit: 'C', min: 0, max: 5 },
  ]
  const responses = {}
  if (answers.check) responses[items[0].id] = { answer: { kind: 'check', outcome: answers.check }, photos: [], ...rec(answeredAt) }
  if (answers.number !== undefined) responses[items[1].id] = { answer: { kind: 'number', value: answers.number }, photos: [], ...rec(answeredAt) }
  const run = {
    type: 'checklist_run',
    schema_version: 1,
    site: slug,
    template: { template_id: uuid(), version: 1, name: 'Dock safety walk', items },
    due_at: dueAt,
    responses,
    notes: [],
    corrective_actions: action
      ? [{ id: uuid(), item_id: items[1].id, description: 'Chiller too warm', priority: action.priority, due_at: action.dueAt, timeline: [], ...rec(answeredAt) }]
      : [],
  }
  if (completedAt) {
    run.completed_at = completedAt
    run.sign_off = { name: 'Maria Manager', method: { kind: 'pin' }, ...rec(completedAt) }
  }
  const handle = client.repo.create(run)
  await client.waitSynced(handle)
  return handle
}

/**
 * An inbound shipment. `lines`: [{sku, qty, location}]; `received`: [{sku, qty, damaged}]
 * entries; `arrivedAt`: adds an arrived event.
 */
export async function writeShipment(client, slug, { reference, expectedAt, lines, received = [], arrivedAt, carrier = 'Nordfrakt' }) {
  const rec = (at) => ({ by: client.userId, at, device: client.deviceId })
  const expected = lines.map((l) => ({ id: uuid(), sku: l.sku, qty: l.qty, location: l.location ?? 'A-01-01' }))
  const timeline = [{ id: uuid(), status: 'expected', ...rec(expectedAt) }]
  if (arrivedAt) timeline.push({ id: uuid(), status: 'arrived', ...rec(arrivedAt) })
  const handle = client.repo.create({
    type: 'shipment',
    schema_version: 1,
    site: slug,
    direction: 'inbound',
    reference,
    carrier,
    expected_at: expectedAt,
    expected_lines: expected,
    entries: received.map((r) => ({ id: uuid(), expected_line: expected.find((e) => e.sku === r.sku)?.id, sku: r.sku, qty: r.qty, damaged_qty: r.damaged ?? 0, location: 'A-01-01', photos: [], ...rec(arrivedAt) })),
    timeline,
  })
  await client.waitSynced(handle)
  return handle
}

/** A desk page at 1440×900, logged in, on the given desk path. */
export async function openDesk(browser, server, user, deskPath = '/desk') {
  const context = await browser.newContext({ viewport: DESK, baseURL: server.url, locale: 'en-US', timezoneId: 'UTC', serviceWorkers: 'block' })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  await loginInBrowser(page, user)
  await page.goto(deskPath)
  await page.locator('.desk').waitFor({ timeout: 20_000 })
  return { context, page, errors }
}

/** The text of a KPI tile's part (value, previous, detail, beside, groups). */
export async function tileText(page, kpi, part) {
  return (await page.getByTestId(`kpi-${kpi}`).getByTestId(part).textContent())?.trim()
}

export async function waitServerRows(server, query, check, what, timeout = 15_000) {
  return waitFor(
    () => {
      const rows = server.sql(query)
      return check(rows) ? rows : false
    },
    { timeout, what },
  )
}

export { launchBrowser, NodeClient, Server, waitFor }

/**
 * The KPI fixtures at site north (and one count at south that north must not show).
 * The expected figures are worked out in desk-overview.test.mjs.
 */
export async function seedKpiFixtures(client, c = clock()) {
  await seedMaster(client, 'north')
  const docs = []
  const key = (i, bin = 'A-01-01') => `${bin}|SKU-${i}`
  // Session A, this period: 4 lines expected 10, counted 10, 8, 13, 10; closed before due.
  docs.push(
    await writeCount(client, 'north', {
      title: 'Session A',
      lines: { [key(1)]: 10, [key(2)]: 10, [key(3)]: 10, [key(4)]: 10 },
      entries: [10, 8, 13, 10].map((qty, i) => ({ key: key(i + 1), qty, at: c.cur(0.2) })),
      dueAt: c.cur(0.8),
      closedAt: c.cur(0.7),
    }),
  )
  // Session C, this period: due, never counted nor closed.
  docs.push(await writeCount(client, 'north', { title: 'Session C', lines: { [key(5, 'A-01-02')]: 10 }, dueAt: c.cur(0.9) }))
  // Session B, previous period: 3 lines expected 10, counted 10, 10, 9; closed after due.
  docs.push(
    await writeCount(client, 'north', {
      title: 'Session B',
      lines: { [key(1)]: 10, [key(2)]: 10, [key(3)]: 10 },
      entries: [10, 10, 9].map((qty, i) => ({ key: key(i + 1), qty, at: c.daysAgo(9) })),
      dueAt: c.daysAgo(8),
      closedAt: c.daysAgo(7, 12),
    }),
  )
  // At south: a counted line that must not show at north.
  docs.push(await writeCount(client, 'south', { title: 'South count', lines: { [key(1)]: 5 }, entries: [{ key: key(1), qty: 1, at: c.cur(0.3) }], dueAt: c.cur(0.9) }))
  // Checklists this period: run 1 completed on time (check pass, number 7 out of 0..5: failed)
  // with a high-priority corrective action already overdue; run 2 due and open.
  docs.push(await writeChecklist(client, 'north', { dueAt: c.cur(0.5), answers: { check: 'pass', number: 7 }, answeredAt: c.cur(0.3), completedAt: c.cur(0.4), action: { priority: 'high', dueAt: c.cur(0.45) } }))
  docs.push(await writeChecklist(client, 'north', { dueAt: c.cur(0.6) }))
  // Previous period: one run completed on time with a failed check.
  docs.push(await writeChecklist(client, 'north', { dueAt: c.daysAgo(10, 12), answers: { check: 'fail' }, answeredAt: c.daysAgo(10, 8), completedAt: c.daysAgo(10, 9) }))
  // Shipments this period: S1 arrived (SKU-1 10 of 10; SKU-2 8 good + 2 damaged of 10), S2 late.
  docs.push(
    await writeShipment(client, 'north', {
      reference: 'PO-S1',
      expectedAt: c.cur(0.3),
      arrivedAt: c.cur(0.35),
      lines: [
        { sku: 'SKU-1', qty: 10 },
        { sku: 'SKU-2', qty: 10 },
      ],
      received: [
        { sku: 'SKU-1', qty: 10 },
        { sku: 'SKU-2', qty: 8, damaged: 2 },
      ],
    }),
  )
  docs.push(await writeShipment(client, 'north', { reference: 'PO-S2', expectedAt: c.cur(0.2), lines: [{ sku: 'SKU-4', qty: 3 }], carrier: 'Slowline' }))
  // Previous period: S0 arrived complete (SKU-3 5 of 5).
  docs.push(await writeShipment(client, 'north', { reference: 'PO-S0', expectedAt: c.daysAgo(9), arrivedAt: c.daysAgo(9, 11), lines: [{ sku: 'SKU-3', qty: 5 }], received: [{ sku: 'SKU-3', qty: 5 }] }))
  return docs
}

/** Waits until the server has flattened every given document and north's items (`items: 0` when not seeded). */
export async function waitFlattened(server, handles, { items = 10 } = {}) {
  const ids = handles.map((h) => `'${h.documentId}'`).join(',')
  await waitFor(() => server.sql(`SELECT COUNT(*) AS n FROM flattened_heads WHERE document_id IN (${ids})`)[0].n === handles.length, { timeout: 30_000, what: 'the fixtures to be flattened' })
  if (items) await waitFor(() => server.sql(`SELECT COUNT(*) AS n FROM items i JOIN sites s ON s.id = i.site_id WHERE s.slug = 'north'`)[0].n === items, { timeout: 30_000, what: "north's items to be flattened" })
}
