// The write policy's acceptance, through the official automerge-repo client on both
// backends: staff and a viewer at a seeded site try what only a manager (or nobody) may
// write. For each attempt: the desk's reports do not change, the attacker's own copy
// converges back (the server's undo change reaches it), the attempt is listed by
// GET /api/reports/policy-violations naming the user and device that delivered it, and
// the attacker's copy carries a `policy_notices` entry addressed to them. A malformed
// line is kept out at the smallest unit: the rest of the session still flattens.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { backends } from './lib/db.mjs'
import { setupBackend, withServerLogs, PASSWORD, STANDARD_USERS } from './lib/fixture.mjs'
import { Client, docOf, waitForDoc } from './lib/client.mjs'
import { report, reports, waitFlattened, waitViolations } from './lib/reports.mjs'
import { queryRows } from './lib/sql.mjs'
import { holdsFor, waitFor } from './lib/wait.mjs'

const FILM = 'A-01-01|SKU-1'
const WRAP = 'A-01-01|SKU-2'
const TEMPLATE = randomUUID()
const TEMPLATE_ITEM = randomUUID()

/** Master data, as the manager's desk writes it: SKU-1 is below its reorder point (on hand 0 ≤ 5). */
function seedMasterData(d) {
  const [zone, aisle] = [randomUUID(), randomUUID()]
  d.locations ??= {}
  d.items ??= {}
  d.checklist_templates ??= {}
  d.locations[zone] = { code: 'A', kind: 'zone', name: 'Ambient' }
  d.locations[aisle] = { code: 'A-01', kind: 'aisle', parent: zone }
  d.locations[randomUUID()] = { code: 'A-01-01', kind: 'bin', parent: aisle }
  d.locations[randomUUID()] = { code: 'A-01-02', kind: 'bin', parent: aisle }
  for (let i = 1; i <= 6; i++) {
    d.items[randomUUID()] = { sku: `SKU-${i}`, name: `Item ${i}`, barcodes: [], unit: 'each', unit_cost_minor: 100, ...(i === 1 ? { reorder_point: 5, max_qty: 20 } : {}) }
  }
  d.checklist_templates[TEMPLATE] = {
    name: 'Dock safety walk',
    versions: [{ version: 1, published_at: '2026-11-01T08:00:00.000Z', items: [{ id: TEMPLATE_ITEM, label: 'Dock doors close fully', kind: 'check', required: true }] }],
  }
}

const countSession = (title, lines, assignees = []) => ({
  type: 'count_session', schema_version: 1, site: 'north', title,
  scope: { locations: ['A-01'], skus: [] }, blind: false, assignees,
  due_at: new Date(Date.now() + 4 * 3600_000).toISOString(), timeline: [],
  lines, entries: [],
})

const countEntry = (client, key, qty, extra = {}) => {
  const [location, sku] = key.split('|')
  return { id: randomUUID(), location, sku, qty, count_index: 1, ...client.record(), ...extra }
}

for (const backend of backends()) {
  describe(`write policy (${backend})`, () => {
    let ctx
    let mona // manager
    let alice // staff, assigned to the session
    let bob // staff, assigned to the session
    let vera // viewer
    let site // mona's handle of north's site document
    let session // mona's handle of the planned count session
    let aliceSession
    let bobEntry // id of bob's count of WRAP
    const get = (path) => report(ctx.server.url, mona.session.accessToken, path)
    const snapshot = (paths) => reports(ctx.server.url, mona.session.accessToken, paths)

    before(async () => {
      ctx = await setupBackend(backend, {
        label: 'policy',
        users: [...STANDARD_USERS, { email: 'mona@north.test', role: 'manager', sites: ['north'] }],
      })
      const connect = async (email) => {
        const c = await Client.create(ctx.server, email, PASSWORD)
        ctx.clients.push(c)
        await c.waitConnected()
        return c
      }
      mona = await connect('mona@north.test')
      alice = await connect('alice@north.test')
      bob = await connect('bob@north.test')
      vera = await connect('vera@north.test')
      const me = await get('/api/me')
      site = await mona.find(me.sites.find((s) => s.slug === 'north').site_document_url)
      site.change(seedMasterData)
      // The manager plans; alice counts FILM 8 of 10, bob counts WRAP 5 of 5.
      session = mona.repo.create(countSession('Aisle A-01', { [FILM]: { expected_qty: 10 }, [WRAP]: { expected_qty: 5 } }, [alice.userId, bob.userId]))
      aliceSession = await alice.findEventually(session.url)
      const bobSession = await bob.findEventually(session.url)
      await waitForDoc(aliceSession, (d) => Object.keys(d.lines ?? {}).length === 2, { what: 'the plan at alice' })
      await waitForDoc(bobSession, (d) => Object.keys(d.lines ?? {}).length === 2, { what: 'the plan at bob' })
      aliceSession.change((d) => d.entries.push(countEntry(alice, FILM, 8)))
      const wrap = countEntry(bob, WRAP, 5)
      bobEntry = wrap.id
      bobSession.change((d) => d.entries.push(wrap))
      await waitForDoc(aliceSession, (d) => d.entries.length === 2, { what: "bob's entry at alice" })
      await waitForDoc(session, (d) => d.entries.length === 2, { what: 'both entries at the manager' })
      await waitFlattened(ctx.db, [session, site])
      // The seeded state the attacks must not change.
      const lines = await get(`/api/reports/count-lines?document=${session.documentId}`)
      assert.deepEqual(lines.rows.map((r) => [r.line_key, r.counted_qty, r.status]).sort(), [[FILM, 8, 'counted'], [WRAP, 5, 'counted']])
      const low = await get('/api/reports/replenishment?site=north')
      assert.deepEqual(low.rows.map((r) => r.sku), ['SKU-1'])
    })
    after(async () => {
      await ctx?.cleanup()
    })
    const test = (name, fn, opts) => it(name, opts ?? {}, withServerLogs(() => ctx?.server, fn))

    /** The reports the desk shows for a count session (its review, the list, stock, KPIs). */
    const countReports = () => [
      `/api/reports/count-lines?document=${session.documentId}`,
      `/api/reports/count-entries?document=${session.documentId}`,
      `/api/reports/count-conflicts?document=${session.documentId}`,
      '/api/reports/count-sessions?site=north',
      '/api/reports/stock-levels?site=north',
      '/api/reports/replenishment?site=north',
      '/api/reports/kpis?site=north',
    ]
    /** The reports fed by master data. */
    const masterReports = ['/api/reports/items?site=north', '/api/reports/locations?site=north', '/api/reports/replenishment?site=north', '/api/reports/stock-levels?site=north']

    /**
     * One attack by `attacker` on their `handle`: `attack(doc)` is their change, `gone(doc)`
     * holds once the forbidden value is out of a copy. Checks the four promises and
     * returns the violation rows. `flattened: false` for a document of no Floorwalk type.
     */
    async function refused({ attacker, handle, attack, gone, part, message, paths, flattened = true }) {
      const reportsBefore = await snapshot(paths)
      handle.change(attack)
      const rows = await waitViolations(
        ctx.server.url,
        mona.session.accessToken,
        handle.documentId,
        (r) => r.part === part && message.test(r.message) && String(r.user_id) === attacker.userId && r.device === attacker.peerId,
      )
      for (const r of rows) {
        assert.equal(r.site, 'north')
        assert.equal(r.user_email, attacker.session.email)
        assert.ok(!Number.isNaN(Date.parse(r.detected_at)), `detected_at ${r.detected_at}`)
      }
      // The attacker's own copy converges back and tells them why.
      await waitForDoc(handle, gone, { what: `the forbidden ${part} to leave ${attacker.name}'s copy` })
      const notice = await waitForDoc(
        handle,
        (d) => d.policy_notices?.find((n) => n.part === part && message.test(n.message) && n.user === attacker.userId && n.device === attacker.peerId),
        { what: `a policy notice for ${attacker.name}` },
      )
      assert.ok(notice.id && !Number.isNaN(Date.parse(notice.at)), JSON.stringify(notice))
      // The server's copy and the reports never had it.
      await waitFlattened(ctx.db, [handle], { flattened })
      assert.deepEqual(await snapshot(paths), reportsBefore, 'the reports are unchanged')
      return rows
    }

    test('(a) a staff approval naming the manager is undone', async () => {
      const rows = await refused({
        attacker: alice,
        handle: aliceSession,
        attack: (d) => {
          d.lines[FILM].approval = { qty: 999, by: mona.userId, at: new Date().toISOString(), device: mona.peerId }
        },
        gone: (d) => !d.lines[FILM].approval,
        part: `lines[${JSON.stringify(FILM)}]`,
        message: /only a manager can approve counts/,
        paths: countReports(),
      })
      assert.equal(rows[0].doc_type, 'count_session')
      assert.equal(rows[0].attempted?.approval?.qty, 999, 'the violation shows what was tried')
      // The manager's copy never shows it either.
      assert.equal(docOf(session).lines[FILM].approval, undefined)
    })

    test("(b) an entry whose `by` names the manager is undone", async () => {
      const forged = countEntry(alice, FILM, 999, { by: mona.userId, device: mona.peerId })
      const rows = await refused({
        attacker: alice,
        handle: aliceSession,
        attack: (d) => d.entries.push(forged),
        gone: (d) => !d.entries.some((e) => e.id === forged.id),
        part: `entries[id=${JSON.stringify(forged.id)}]`,
        message: /a record must name who made it/,
        paths: countReports(),
      })
      assert.equal(rows[0].attempted?.qty, 999)
    })

    test('(c) a staff-made document of type "site" does not feed master data', async () => {
      // Created as a site document right away: every part is undone, and the
      // emptied document is kept at the site it named, so the violation is
      // listed and the creator's copy converges (not refused: it would stay
      // forged on the phone, offered again on every reconnect).
      const before = await snapshot(masterReports)
      const direct = alice.repo.create({
        type: 'site', schema_version: 1, site: 'north', name: 'North', currency: 'EUR', locations: {}, item_classes: {}, checklist_templates: {},
        items: { [randomUUID()]: { sku: 'FORGED-1', name: 'Forged', barcodes: [], unit: 'each', unit_cost_minor: 1, reorder_point: 50, max_qty: 500 } },
      })
      const rows = await waitViolations(ctx.server.url, mona.session.accessToken, direct.documentId, (r) => String(r.user_id) === alice.userId && r.device === alice.peerId)
      assert.ok(rows.some((r) => /only a manager can change master data/.test(r.message)), JSON.stringify(rows))
      await waitForDoc(direct, (d) => d.type === undefined && Object.keys(d.items ?? {}).length === 0, { what: "the creator's copy to converge back" })
      const notices = docOf(direct).policy_notices ?? []
      assert.ok(notices.some((n) => n.user === alice.userId), `the creator is told: ${JSON.stringify(notices)}`)
      const managers = await mona.findEventually(direct.url)
      await waitForDoc(managers, (d) => d.type === undefined, { what: "the manager's copy, emptied" })
      await waitFlattened(ctx.db, [direct], { flattened: false })
      assert.deepEqual(await snapshot(masterReports), before, 'the reports are unchanged')

      // A staff document turned into a site document later: the turn is undone.
      const notes = alice.repo.create({ site: 'north', title: 'Shift notes' })
      await mona.findEventually(notes.url)
      const forgedItem = randomUUID()
      await refused({
        attacker: alice,
        handle: notes,
        attack: (d) => {
          d.type = 'site'
          d.schema_version = 1
          d.items = { [forgedItem]: { sku: 'FORGED-2', name: 'Forged', barcodes: [], unit: 'each', unit_cost_minor: 1, reorder_point: 50, max_qty: 500 } }
        },
        gone: (d) => d.type === undefined && !d.items?.[forgedItem],
        part: 'type',
        message: /only a manager can change master data/,
        paths: masterReports,
        flattened: false,
      })
      assert.equal(docOf(notes).title, 'Shift notes', 'the rest of the document stays')
    })

    test('(d) a forged recount request is undone', async () => {
      await refused({
        attacker: alice,
        handle: aliceSession,
        attack: (d) => {
          d.lines[FILM].recount = { count_index: 2, ...alice.record() }
        },
        gone: (d) => !d.lines[FILM].recount,
        part: `lines[${JSON.stringify(FILM)}]`,
        message: /only a manager can ask for a recount/,
        paths: countReports(),
      })
    })

    test('(e) a staff status change to closed is undone', async () => {
      const step = randomUUID()
      await refused({
        attacker: alice,
        handle: aliceSession,
        attack: (d) => d.timeline.push({ id: step, status: 'closed', ...alice.record() }),
        gone: (d) => !d.timeline.some((e) => e.id === step),
        part: `timeline[id=${JSON.stringify(step)}]`,
        message: /only a manager can set a count session to closed/,
        paths: countReports(),
      })
      assert.notEqual((await get('/api/reports/count-sessions?site=north')).rows.find((r) => r.document_id === session.documentId)?.status, 'closed')
    })

    test('(f) a staff edit of a checklist template is undone', async () => {
      const aliceSite = await alice.find(site.url)
      await waitForDoc(aliceSite, (d) => !!d.checklist_templates?.[TEMPLATE], { what: 'the template at alice' })
      const templateRows = () => queryRows(ctx.db, `SELECT template_id, version, items FROM checklist_template_versions WHERE template_id = '${TEMPLATE}'`)
      const sqlBefore = await templateRows()
      assert.equal(sqlBefore.length, 1, 'the template is flattened')
      await refused({
        attacker: alice,
        handle: aliceSite,
        attack: (d) => {
          d.checklist_templates[TEMPLATE].versions[0].items[0].label = 'Doors: skip'
        },
        gone: (d) => d.checklist_templates[TEMPLATE].versions[0].items[0].label === 'Dock doors close fully',
        part: `checklist_templates[${JSON.stringify(TEMPLATE)}]`,
        message: /only a manager can change master data/,
        paths: masterReports,
      })
      assert.deepEqual(await templateRows(), sqlBefore, 'the flattened template is unchanged')
      assert.equal(docOf(site).checklist_templates[TEMPLATE].versions[0].items[0].label, 'Dock doors close fully')
    })

    test("(g) a staff edit of another user's entry is undone", async () => {
      const bobs = (d) => d.entries.find((e) => e.id === bobEntry)
      const part = `entries[id=${JSON.stringify(bobEntry)}]`
      await refused({
        attacker: alice,
        handle: aliceSession,
        attack: (d) => {
          bobs(d).void = { reason: 'wrong count', ...alice.record() }
        },
        gone: (d) => !bobs(d).void,
        part,
        message: /you can only undo your own count entries/,
        paths: countReports(),
      })
      await refused({
        attacker: alice,
        handle: aliceSession,
        attack: (d) => {
          bobs(d).qty = 50
        },
        gone: (d) => bobs(d).qty === 5,
        part,
        message: /recorded entries cannot be changed/,
        paths: countReports(),
      })
      assert.equal(bobs(docOf(session)).qty, 5)
    })

    test("(h) a viewer's write never reaches anyone else or the reports", async () => {
      const paths = countReports()
      const before = await snapshot(paths)
      const hv = await vera.find(session.url)
      await waitForDoc(hv, (d) => d.entries?.length >= 2, { what: 'the session at the viewer' })
      const forged = countEntry(vera, FILM, 999)
      hv.change((d) => {
        d.lines[FILM].approval = { qty: 999, ...vera.record() }
        d.entries.push(forged)
      })
      const applied = (h) => () => {
        const d = docOf(h)
        return !!d && (d.lines?.[FILM]?.approval !== undefined || d.entries?.some((e) => e.id === forged.id))
      }
      await holdsFor(applied(session), { window: 2500, what: "the viewer's write reaching the manager" })
      assert.ok(!applied(aliceSession)(), "the viewer's write reached alice")
      const carol = await Client.create(ctx.server, 'carol@north.test', PASSWORD)
      ctx.clients.push(carol)
      const fresh = await carol.find(session.url)
      await waitForDoc(fresh, (d) => d.entries?.length >= 2, { what: 'the session at a fresh client' })
      assert.ok(!applied(fresh)(), "the viewer's write is in the server's copy")
      await waitFlattened(ctx.db, [session])
      assert.deepEqual(await snapshot(paths), before, 'the reports are unchanged')
      // The viewer still receives what others write.
      const marker = randomUUID()
      session.change((d) => d.timeline.push({ id: marker, status: 'counting', ...mona.record() }))
      await waitForDoc(hv, (d) => d.timeline.some((e) => e.id === marker), { what: "the manager's later change at the viewer" })
    })

    test("(h) a viewer's write is listed as a violation and undone in the viewer's copy", async () => {
      const hv = await vera.find(session.url)
      hv.change((d) => {
        d.title = 'Viewer was here'
      })
      await waitViolations(ctx.server.url, mona.session.accessToken, session.documentId, (r) => String(r.user_id) === vera.userId && r.device === vera.peerId && r.part === 'title', { timeout: 5_000 })
      await waitForDoc(hv, (d) => d.title === 'Aisle A-01', { timeout: 5_000, what: "the viewer's copy to converge" })
    })

    test('a malformed line is left out; every other line flattens, and later changes still reach the reports', async () => {
      const [good1, good2, bad, found] = ['A-01-01|SKU-3', 'A-01-02|SKU-4', 'A-01-02|SKU-5', 'A-01-01|SKU-6']
      const planned = mona.repo.create(
        countSession('Malformed', { [good1]: { expected_qty: 4 }, [good2]: { expected_qty: 6 }, [bad]: { expected_qty: 2, reason: { not: 'a reason code' } } }),
      )
      const copy = await alice.findEventually(planned.url)
      await waitForDoc(copy, (d) => Object.keys(d.lines ?? {}).length === 3, { what: 'the malformed plan at alice' })
      copy.change((d) => {
        d.entries.push(countEntry(alice, good1, 4))
        d.entries.push(countEntry(alice, good2, 5))
        d.entries.push(countEntry(alice, bad, 2))
      })
      let rowsOf = {}
      const linesOf = async () => {
        const body = await get(`/api/reports/count-lines?document=${planned.documentId}`)
        rowsOf = Object.fromEntries(body.rows.map((r) => [r.line_key, r]))
        return Object.fromEntries(body.rows.map((r) => [r.line_key, [r.counted_qty, r.status]]))
      }
      let last
      await waitFor(
        async () => {
          last = await linesOf()
          return last[good1]?.[0] === 4 && last[good2]?.[0] === 5
        },
        { what: `the good lines in the reports (now ${JSON.stringify(last)})` },
      )
      const problems = await waitFor(
        async () => {
          const body = await get(`/api/reports/document-problems?document=${planned.documentId}`)
          return body.rows.length > 0 && body.rows
        },
        { what: 'the malformed line among the document problems' },
      )
      assert.ok(
        problems.some((p) => p.part === `lines[${JSON.stringify(bad)}]` && /reason/.test(p.message)),
        `the problem is the line's part: ${JSON.stringify(problems)}`,
      )
      // The line's plan (expected 2, the broken reason) stays out of the reports; its
      // count is a valid entry of its own and stands like a count of an unplanned line.
      assert.equal(rowsOf[bad]?.expected_qty ?? null, null, `the malformed plan is not reported: ${JSON.stringify(rowsOf[bad])}`)
      assert.equal(rowsOf[bad]?.reason ?? null, null)
      // A later valid change of the same session: a found item counted on the phone.
      copy.change((d) => d.entries.push(countEntry(alice, found, 3)))
      await waitFor(async () => (await linesOf())[found]?.[0] === 3, { what: 'the later count in the reports' })
      const now = await linesOf()
      assert.deepEqual([now[good1], now[good2]], [[4, 'counted'], [5, 'counted']], 'the other lines stay')
    })
  })
}
