// Issue 3's end-to-end acceptance: JS automerge-repo clients write a count session with
// two devices' offline entries (one line in conflict), a checklist run with a failed item
// and an inbound shipment with a damaged line, each part by the role the write policy
// gives it to (the manager plans, expects and closes; the phones count and receive). Within 2 s of the server storing the last
// change, the SQL tables and the KPI endpoints show exactly the hand-computed figures.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import * as A from '@automerge/automerge'
import { backends } from './lib/db.mjs'
import { setupBackend, withServerLogs, PASSWORD, STANDARD_USERS } from './lib/fixture.mjs'
import { Client, waitForDoc } from './lib/client.mjs'
import { getJson, login } from './lib/auth.mjs'
import { waitFor } from './lib/wait.mjs'
import { queryRows } from './lib/sql.mjs'

const DAY = '2026-11-25'
const at = (hhmm) => `${DAY}T${hhmm}:00.000Z`
// Every record names the user and the device that deliver it (the write policy undoes
// any other): `client.record(at)` is {by: its user id, at, device: its peer id}.
const rec = (client, hhmm) => client.record(at(hhmm))
const entry = (location, sku, qty, client, hhmm) => ({
  id: randomUUID(), location, sku, qty, count_index: 1, ...rec(client, hhmm),
})

/** Master data as the desktop writes it: SKU-1 costs 2.50, SKU-2 costs 1.00. */
async function seedSite(server, manager, token) {
  const me = await getJson(server.url, '/api/me', { headers: { authorization: `Bearer ${token}` } })
  const url = me.body?.sites?.find((s) => s.slug === 'north')?.site_document_url
  assert.ok(url, `GET /api/me gave no site document: ${me.text}`)
  const handle = await manager.find(url)
  const [zone, aisle] = [randomUUID(), randomUUID()]
  handle.change((d) => {
    d.locations ??= {}
    d.items ??= {}
    d.locations[zone] = { code: 'A', kind: 'zone', name: 'Ambient' }
    d.locations[aisle] = { code: 'A-01', kind: 'aisle', parent: zone }
    d.locations[randomUUID()] = { code: 'A-01-01', kind: 'bin', parent: aisle }
    d.locations[randomUUID()] = { code: 'A-01-02', kind: 'bin', parent: aisle }
    d.items[randomUUID()] = { sku: 'SKU-1', name: 'Stretch film', barcodes: [], unit: 'each', unit_cost_minor: 250 }
    d.items[randomUUID()] = { sku: 'SKU-2', name: 'Pallet wrap', barcodes: [], unit: 'each', unit_cost_minor: 100 }
  })
  return handle
}

/** Planned by the manager for alice and bob: three lines, due at 17:00 today. */
const plannedSession = (assignees) => ({
  type: 'count_session', schema_version: 1, site: 'north', title: 'Aisle A-01',
  scope: { locations: ['A-01'], skus: [] }, blind: true, assignees,
  due_at: at('17:00'), timeline: [],
  lines: {
    'A-01-01|SKU-1': { expected_qty: 40 },
    'A-01-02|SKU-2': { expected_qty: 12 },
    'A-01-02|SKU-1': { expected_qty: 5 },
  },
  entries: [],
})

const ITEMS = [randomUUID(), randomUUID()]
/** Alice's own run, answered and signed off on her phone. */
const checklistRun = (alice) => ({
  type: 'checklist_run', schema_version: 1, site: 'north',
  template: { template_id: randomUUID(), version: 1, name: 'Dock safety walk', items: [
    { id: ITEMS[0], label: 'Dock doors close fully', kind: 'check', required: true },
    { id: ITEMS[1], label: 'Floor clear', kind: 'check', required: true },
  ] },
  location: 'A', assignee: alice.userId, due_at: at('12:00'),
  responses: {
    [ITEMS[0]]: { answer: { kind: 'check', outcome: 'fail' }, note: 'door 3 sticks', photos: [], ...rec(alice, '09:10') },
    [ITEMS[1]]: { answer: { kind: 'check', outcome: 'pass' }, photos: [], ...rec(alice, '09:12') },
  },
  notes: [], corrective_actions: [],
  sign_off: { name: 'Alice', method: { kind: 'pin' }, ...rec(alice, '09:15') },
  completed_at: at('09:15'),
})

const LINE_FILM = randomUUID()
const LINE_WRAP = randomUUID()
/** Expected by the manager (expected lines are planning); bob receives it on his phone. */
const inboundShipment = () => ({
  type: 'shipment', schema_version: 1, site: 'north', direction: 'inbound', reference: 'PO-7',
  carrier: 'Nordfrakt', counterparty: 'WrapCo', expected_at: at('07:30'),
  expected_lines: [
    { id: LINE_FILM, sku: 'SKU-1', qty: 20, location: 'A-01-01' },
    { id: LINE_WRAP, sku: 'SKU-2', qty: 10, location: 'A-01-02' },
  ],
  entries: [],
  timeline: [],
})
const receiveShipment = (bob) => (d) => {
  d.timeline.push({ id: randomUUID(), status: 'arrived', ...rec(bob, '07:41') })
  d.entries.push({ id: randomUUID(), expected_line: LINE_FILM, sku: 'SKU-1', qty: 18, damaged_qty: 2, photos: [], ...rec(bob, '07:50') })
  d.entries.push({ id: randomUUID(), expected_line: LINE_WRAP, sku: 'SKU-2', qty: 10, damaged_qty: 0, photos: [], ...rec(bob, '07:55') })
}

/** True once the server stored every change `handle` has (its heads in `documents`). */
async function serverHas(db, handle) {
  const heads = A.getHeads(handle.doc()).sort()
  const rows = await queryRows(db, `SELECT heads FROM documents WHERE id = '${handle.documentId}'`)
  return rows.length === 1 && JSON.stringify(JSON.parse(rows[0].heads).sort()) === JSON.stringify(heads)
}

const figure = (report, kpi, direction) =>
  report.figures.find((f) => f.kpi === kpi && (direction === undefined || f.group === direction))?.current?.value

for (const backend of backends()) {
  describe(`flattening acceptance (${backend})`, () => {
    let ctx
    const clients = []
    before(async () => {
      ctx = await setupBackend(backend, {
        label: 'flatten-acceptance',
        users: [...STANDARD_USERS, { email: 'mona@north.test', role: 'manager', sites: ['north'] }],
      })
    })
    after(async () => {
      for (const c of clients) await c.close().catch(() => {})
      await ctx?.cleanup()
    })
    const test = (name, fn) => it(name, withServerLogs(() => ctx?.server, fn))

    test('synced documents reach the SQL tables and the KPIs with exactly the expected figures', async () => {
      const connect = async (email) => {
        const c = await Client.create(ctx.server, email, PASSWORD)
        clients.push(c)
        await c.waitConnected()
        return c
      }
      const [mona, alice, bob] = [await connect('mona@north.test'), await connect('alice@north.test'), await connect('bob@north.test')]
      const { access_token: token } = await login(ctx.server.url, 'mona@north.test', PASSWORD)
      const site = await seedSite(ctx.server, mona, token)

      // The manager plans the session and expects the shipment; both phones open them,
      // then lose signal.
      const planned = mona.repo.create(plannedSession([alice.userId, bob.userId]))
      const shipment = mona.repo.create(inboundShipment())
      const aliceSession = await alice.findEventually(planned.url)
      const bobSession = await bob.findEventually(planned.url)
      const bobShipment = await bob.findEventually(shipment.url)
      await waitForDoc(bobSession, (d) => Object.keys(d.lines ?? {}).length === 3, { what: 'the plan on bob' })
      await waitForDoc(bobShipment, (d) => d.expected_lines?.length === 2, { what: 'the expected shipment on bob' })
      alice.goOffline()
      bob.goOffline()
      aliceSession.change((d) => {
        d.entries.push(entry('A-01-01', 'SKU-1', 38, alice, '08:01'))
        d.entries.push(entry('A-01-02', 'SKU-2', 10, alice, '08:05'))
        d.entries.push(entry('A-01-02', 'SKU-1', 5, alice, '08:07'))
      })
      bobSession.change((d) => {
        d.entries.push(entry('A-01-01', 'SKU-1', 39, bob, '08:03'))
        d.entries.push(entry('A-01-02', 'SKU-2', 10, bob, '08:06'))
      })
      // Closing a session is the manager's decision (staff set only counting/review).
      planned.change((d) => {
        d.timeline.push({ id: randomUUID(), status: 'closed', ...rec(mona, '16:00') })
      })
      const run = alice.repo.create(checklistRun(alice))
      bobShipment.change(receiveShipment(bob))
      alice.goOnline()
      bob.goOnline()

      // Both phones' entries are on both phones, and the server stored everything.
      for (const h of [aliceSession, bobSession]) {
        await waitForDoc(h, (d) => d.entries.length === 5, { what: 'all five entries on each phone' })
      }
      await waitFor(
        async () => (await serverHas(ctx.db, aliceSession)) && (await serverHas(ctx.db, bobSession)) &&
          (await serverHas(ctx.db, run)) && (await serverHas(ctx.db, bobShipment)) && (await serverHas(ctx.db, site)),
        { timeout: 20_000, what: 'the server to store every change' },
      )

      // From here: 2 s for the tables and the KPIs to be exactly right.
      const session = planned.documentId
      const sql = (q) => queryRows(ctx.db, q)
      const num = (v) => (v === null ? null : Number(v))
      const kpis = async () => {
        const res = await getJson(ctx.server.url, `/api/reports/kpis?site=north&from=${DAY}&to=${DAY}`, {
          headers: { authorization: `Bearer ${token}` },
        })
        assert.equal(res.status, 200, res.text)
        return res.body
      }
      let lastSeen
      const expected = async () => {
        const lines = await sql(
          `SELECT line_key, counted_qty, status FROM count_lines WHERE document_id = '${session}' ORDER BY line_key`)
        const conflicts = await sql(
          `SELECT line_key, quantities, resolved FROM count_conflicts WHERE document_id = '${session}'`)
        const entries = await sql(`SELECT COUNT(*) AS n FROM count_entries WHERE document_id = '${session}'`)
        const runs = await sql(`SELECT failed_count, responses_count FROM checklist_runs WHERE document_id = '${run.documentId}'`)
        const failed = await sql(
          `SELECT item_id FROM checklist_responses WHERE document_id = '${run.documentId}' AND failed = ${backend === 'sqlite' ? 1 : 'true'}`)
        const shipLines = await sql(
          `SELECT sku, expected_qty, handled_qty, damaged_qty, over_qty, short_qty FROM shipment_lines
           WHERE document_id = '${shipment.documentId}' ORDER BY sku`)
        const receipts = await sql(
          `SELECT sku, location, qty FROM stock_movements WHERE document_id = '${shipment.documentId}' ORDER BY sku`)
        const report = await kpis()
        lastSeen = { lines, conflicts, entries, runs, failed, shipLines, receipts, figures: report.figures }
        return (
          JSON.stringify(lines.map((l) => [l.line_key, num(l.counted_qty), l.status])) ===
            JSON.stringify([
              // 38 (alice) vs 39 (bob) in the same pass: a conflict, no quantity stands.
              ['A-01-01|SKU-1', null, 'conflict'],
              ['A-01-02|SKU-1', 5, 'counted'],
              // Both phones counted 10: they agree.
              ['A-01-02|SKU-2', 10, 'counted'],
            ]) &&
          conflicts.length === 1 && conflicts[0].quantities === '[38,39]' && !Number(conflicts[0].resolved) &&
          Number(entries[0].n) === 5 &&
          Number(runs[0]?.failed_count) === 1 && Number(runs[0]?.responses_count) === 2 &&
          failed.length === 1 && failed[0].item_id === ITEMS[0] &&
          JSON.stringify(shipLines.map((l) => Object.values(l).map((v, i) => (i === 0 ? v : Number(v))))) ===
            JSON.stringify([
              // 18 good + 2 damaged of 20: nothing over or short, 2 damaged.
              ['SKU-1', 20, 18, 2, 0, 0],
              ['SKU-2', 10, 10, 0, 0, 0],
            ]) &&
          // Good units go into stock at the expected lines' locations.
          JSON.stringify(receipts.map((r) => [r.sku, r.location, Number(r.qty)])) ===
            JSON.stringify([['SKU-1', 'A-01-01', 18], ['SKU-2', 'A-01-02', 10]]) &&
          kpisAsExpected(report)
        )
      }
      try {
        await waitFor(expected, { timeout: 2_000, what: 'the flattened tables and KPIs' })
      } catch (e) {
        e.message += `\nlast seen: ${JSON.stringify(lastSeen, null, 1).slice(0, 6000)}`
        throw e
      }
      // Every write above was authorized: the server undid none of them.
      for (const h of [aliceSession, bobSession, run, bobShipment, site]) {
        assert.deepEqual(h.doc().policy_notices ?? [], [], `no edit of ${h.documentId} was undone`)
      }
    })
  })
}

/** Every KPI of the day, computed by hand. */
function kpisAsExpected(report) {
  const want = {
    // Counted lines (a quantity stands): A-01-02|SKU-1 (5 of 5) and A-01-02|SKU-2
    // (10 of 12); the conflict line has none. Within tolerance ±0: 1 of 2.
    lines_counted: 2,
    inventory_record_accuracy: 0.5,
    // |10 − 12| × 100 + |5 − 5| × 250 = 200; net (10 − 12) × 100 = −200.
    variance_value_minor: 200,
    net_adjustment_value_minor: -200,
    // One session due today, closed at 16:00 before its 17:00 due time: 1 / 1.
    count_completion: 1,
    // Active items SKU-1 and SKU-2 both have a counted line today: 2 / 2.
    count_coverage: 1,
    // One run due today, completed 09:15 before its 12:00 due: 1 / 1 and on time 1 / 1.
    checklist_completion: 1,
    checklist_on_time: 1,
    overdue_open_runs: 0,
    // Two check responses answered, one failed: 1 / 2.
    failed_item_rate: 0.5,
    // Lines received: 2, one with damage: 1 / 2. Units 18 + 2 + 10 = 30, damaged 2: 2 / 30.
    receiving_discrepancy_rate: 0.5,
    damage_rate: 2 / 30,
  }
  for (const [kpi, value] of Object.entries(want)) {
    const got = figure(report, kpi)
    if (got === undefined || Math.abs(got - value) > 1e-9) return false
  }
  // One inbound shipment expected today (07:30), arrived 07:41: expected 1, arrived 1, late 0.
  return (
    figure(report, 'shipments_expected', 'inbound') === 1 &&
    figure(report, 'shipments_arrived', 'inbound') === 1 &&
    figure(report, 'shipments_late', 'inbound') === 0
  )
}
