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

/** A count session whose line A-01-01|SKU-9 was counted 38 on one phone and 39 on another. */
function conflictingSession() {
  const entry = (qty, by, device, minute) => ({
    id: randomUUID(), location: 'A-01-01', sku: 'SKU-9', qty, count_index: 1, by, at: at(minute), device,
  })
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
    entries: [entry(38, 'alice', 'alice-phone', 1), entry(39, 'bob', 'bob-phone', 3)],
  }
}

for (const backend of backends()) {
  describe(`manager actions (${backend})`, () => {
    let ctx
    let alice
    before(async () => {
      ctx = await setupBackend(backend, {
        label: 'actions',
        users: [...STANDARD_USERS, { email: 'mona@north.test', role: 'manager', sites: ['north'] }],
      })
      alice = await Client.create(ctx.server, 'alice@north.test', PASSWORD)
    })
    after(async () => {
      await alice?.close()
      await ctx?.cleanup()
    })
    const test = (name, fn) => it(name, withServerLogs(() => ctx?.server, fn))

    test('resolving a conflict over REST reaches the phone that has the session open', async () => {
      await alice.waitConnected()
      const handle = alice.repo.create(conflictingSession())
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
      // The phone's own entries are untouched.
      assert.deepEqual(doc.entries.map((e) => e.qty), [38, 39])

      // The phone keeps editing the same document after the server's change.
      handle.change((d) => {
        d.timeline.push({ id: randomUUID(), status: 'closed', by: 'alice', at: at(30), device: 'alice-phone' })
      })
      // ...and the manager's reports see both: the approval and the phone's closing.
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
