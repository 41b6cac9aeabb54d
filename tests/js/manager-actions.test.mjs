// A manager's decision over REST reaches a phone running the official automerge-repo
// client, as an ordinary Automerge change, on every backend.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { backends } from './lib/db.mjs'
import { setupBackend, withServerLogs, PASSWORD, STANDARD_USERS } from './lib/fixture.mjs'
import { Client, waitForDoc } from './lib/client.mjs'
import { getJson, login, postJson } from './lib/auth.mjs'
import { waitFor } from './lib/wait.mjs'

const LINE = 'A-01-01|SKU-9'
const at = (minute) => `2026-11-25T08:${String(minute).padStart(2, '0')}:00.000Z`

/** A count session the manager planned: one line, A-01-01|SKU-9, nobody counted it yet. */
function plannedSession() {
  return {
    type: 'count_session',
    schema_version: 1,
    site: 'north',
    title: 'Aisle A-01',
    scope: { locations: ['A-01'], skus: [] },
    blind: true,
    assignees: [],
    timeline: [],
    lines: { [LINE]: { expected_qty: 40 } },
    entries: [],
  }
}

/** An entry of A-01-01|SKU-9 by `client`'s user on its device (the write policy's rule). */
const entry = (client, qty, minute) => ({
  id: randomUUID(), location: 'A-01-01', sku: 'SKU-9', qty, count_index: 1, ...client.record(at(minute)),
})

for (const backend of backends()) {
  describe(`manager actions (${backend})`, () => {
    let ctx
    let alice
    let bob
    let monaDevice
    before(async () => {
      ctx = await setupBackend(backend, {
        label: 'actions',
        users: [...STANDARD_USERS, { email: 'mona@north.test', role: 'manager', sites: ['north'] }],
      })
      alice = await Client.create(ctx.server, 'alice@north.test', PASSWORD)
      bob = await Client.create(ctx.server, 'bob@north.test', PASSWORD)
      monaDevice = await Client.create(ctx.server, 'mona@north.test', PASSWORD)
    })
    after(async () => {
      for (const c of [alice, bob, monaDevice]) await c?.close()
      await ctx?.cleanup()
    })
    const test = (name, fn) => it(name, withServerLogs(() => ctx?.server, fn))

    test('resolving a conflict over REST reaches the phone that has the session open', async () => {
      await alice.waitConnected()
      // The manager plans the line; alice counts 38 and bob 39 in the same pass: a conflict.
      const planned = monaDevice.repo.create(plannedSession())
      const handle = await alice.findEventually(planned.url)
      const bobs = await bob.findEventually(planned.url)
      handle.change((d) => d.entries.push(entry(alice, 38, 1)))
      bobs.change((d) => d.entries.push(entry(bob, 39, 3)))
      await waitForDoc(handle, (d) => d.entries.length === 2, { what: "both phones' entries on alice" })
      const { access_token: mona } = await login(ctx.server.url, 'mona@north.test', PASSWORD)
      const act = (body) =>
        postJson(ctx.server.url, `/api/documents/${handle.documentId}/actions`, body, {
          headers: { authorization: `Bearer ${mona}` },
        })
      // Until the phone's first sync is stored, the server does not know the document.
      const resolved = await waitFor(
        async () => {
          const res = await act({ action: 'resolve_conflict', line: LINE, qty: 38, reason: 'damaged', note: 'two crushed' })
          if (res.status === 404) return false
          assert.equal(res.status, 200, res.text)
          return res
        },
        { timeout: 15_000, what: 'the server to accept the resolution' },
      )
      assert.equal(resolved.body.result.variance, -2)

      await waitForDoc(handle, (d) => d.lines?.[LINE]?.approval?.qty === 38, {
        what: 'the approval on the phone',
      })
      const doc = handle.doc()
      assert.equal(doc.lines[LINE].reason, 'damaged')
      assert.equal(doc.lines[LINE].reason_note, 'two crushed')
      // The server wrote it on the manager's behalf, from the server, not a phone.
      assert.equal(doc.lines[LINE].approval.device, 'server')
      // The phones' own entries are untouched.
      assert.deepEqual(doc.entries.map((e) => e.qty).sort(), [38, 39])

      // The phone keeps editing the same document after the server's change (its
      // count is ready for review), and the manager's device closes it.
      const step = randomUUID()
      handle.change((d) => {
        d.timeline.push({ id: step, status: 'review', ...alice.record(at(30)) })
      })
      await waitForDoc(planned, (d) => d.timeline.some((e) => e.id === step) && d.lines?.[LINE]?.approval?.qty === 38, {
        what: "the phone's review step and the approval on the manager's device",
      })
      planned.change((d) => {
        d.timeline.push({ id: randomUUID(), status: 'closed', ...monaDevice.record(at(31)) })
      })
      // ...and the manager's reports see both: the approval and the closing.
      const session = await waitFor(
        async () => {
          const res = await getJson(ctx.server.url, '/api/reports/count-sessions?site=north', {
            headers: { authorization: `Bearer ${mona}` },
          })
          const row = res.body?.rows?.find((r) => r.document_id === handle.documentId)
          return row?.status === 'closed' && row
        },
        { timeout: 5_000, what: 'the closed session in the reports' },
      )
      assert.equal(session.lines_counted, 1)
      // Every write above was authorized: the server undid none of them.
      assert.deepEqual(handle.doc().policy_notices ?? [], [], 'no edit was undone')
      const { access_token: vera } = await login(ctx.server.url, 'vera@north.test', PASSWORD)
      const refused = await postJson(
        ctx.server.url,
        `/api/documents/${handle.documentId}/actions`,
        { action: 'set_count_status', status: 'open' },
        { headers: { authorization: `Bearer ${vera}` } },
      )
      assert.equal(refused.status, 403, 'a viewer may not act')
      assert.match(refused.body.message, /may not act/)
    })
  })
}
