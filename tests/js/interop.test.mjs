// Interop: the official automerge-repo JS client syncing through the real floorwalk server.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes, createHash } from 'node:crypto'
import { generateAutomergeUrl } from '@automerge/automerge-repo'
import { backends } from './lib/db.mjs'
import { setupBackend, withServerLogs, PASSWORD } from './lib/fixture.mjs'
import { Client, waitForDoc, docOf } from './lib/client.mjs'
import { waitFor, holdsFor } from './lib/wait.mjs'

const has = (pred) => (d) => Array.isArray(d.entries) && d.entries.some(pred)

for (const backend of backends()) {
  describe(`interop (${backend})`, () => {
    let ctx
    const clients = []
    const client = async (email, opts) => {
      const c = await Client.create(ctx.server, email, PASSWORD, opts)
      clients.push(c)
      return c
    }
    before(async () => {
      ctx = await setupBackend(backend, { label: 'interop' })
    })
    after(async () => {
      for (const c of clients) await c.close()
      await ctx?.cleanup()
    })
    const test = (name, fn) => it(name, withServerLogs(() => ctx?.server, fn))

    test('health endpoints answer 200', async () => {
      for (const p of ['/healthz', '/readyz']) {
        const res = await fetch(ctx.server.url + p)
        assert.equal(res.status, 200, `${p} status`)
      }
    })

    test('find of a random unknown URL ends unavailable promptly', async () => {
      const c = await client('carol@north.test')
      await c.waitConnected()
      const ms = await c.findUnavailable(generateAutomergeUrl(), 10_000)
      assert.ok(ms < 5_000, `find took ${ms} ms to end unavailable`)
    })

    test('an ephemeral message from A arrives at B', async () => {
      const a = await client('alice@north.test')
      const b = await client('bob@north.test')
      await a.waitConnected()
      const ha = a.repo.create({ site: 'north', kind: 'presence-test', entries: [] })
      ha.change((d) => d.entries.push({ ...a.record(), n: 1 }))
      const hb = await b.findEventually(ha.url)
      await b.waitConnected()
      const closes = () => [a.adapter.stats.closes, b.adapter.stats.closes]
      const closesBefore = closes()
      const received = []
      hb.on('ephemeral-message', (ev) => received.push(ev))
      const payload = { cursor: 'aisle-4/bin-7', nonce: Math.random() }
      ha.broadcast(payload)
      const ev = await waitFor(() => received.find((r) => r.message?.nonce === payload.nonce), {
        timeout: 10_000,
        what: 'the ephemeral message at B',
      })
      assert.deepEqual(ev.message, payload)
      assert.equal(ev.senderId, a.peerId, 'ephemeral senderId is A')
      // The official client re-forwards every ephemeral message it receives to its other
      // peers with the ORIGINAL senderId, here back to the server: that must not cost B
      // (or A) its connection.
      await holdsFor(() => closes().some((n, i) => n !== closesBefore[i]), {
        window: 1500,
        what: `a connection closed after the ephemeral message (A: ${JSON.stringify(a.adapter.lastClose)}, B: ${JSON.stringify(b.adapter.lastClose)})`,
      }).catch((e) => {
        throw new Error(`${e.message}; A last close ${JSON.stringify(a.adapter.lastClose)}, B last close ${JSON.stringify(b.adapter.lastClose)}`)
      })
      // And the other direction.
      const back = { reply: true, nonce: Math.random() }
      const gotBack = []
      ha.on('ephemeral-message', (e) => gotBack.push(e))
      hb.broadcast(back)
      await waitFor(() => gotBack.find((r) => r.message?.nonce === back.nonce), { timeout: 10_000, what: 'the ephemeral reply at A' })
    })

    test('clients with remote-heads gossiping on (remote-subscription-change) keep syncing', async () => {
      const opts = { storage: 'fs', repoOptions: { enableRemoteHeadsGossiping: true } }
      const a = await client('alice@north.test', opts)
      const b = await client('bob@north.test', opts)
      await a.waitConnected()
      await b.waitConnected()
      const sent = []
      for (const c of [a, b]) {
        const send = c.adapter.send.bind(c.adapter)
        c.adapter.send = (m) => {
          sent.push(m.type)
          return send(m)
        }
      }
      // Each asks the server to tell it about the other's heads: the JS client then sends
      // remote-subscription-change (and may receive remote-heads-changed).
      a.repo.subscribeToRemotes([await b.repo.storageId()])
      b.repo.subscribeToRemotes([await a.repo.storageId()])
      const ha = a.repo.create({ site: 'north', kind: 'gossip-test', entries: [] })
      ha.change((d) => d.entries.push({ ...a.record(), step: 'g1' }))
      const hb = await b.findEventually(ha.url)
      await waitForDoc(hb, has((e) => e.step === 'g1'), { what: "alice's edit at bob" })
      hb.change((d) => d.entries.push({ ...b.record(), step: 'g2' }))
      await waitForDoc(ha, has((e) => e.step === 'g2'), { what: "bob's edit at alice" })
      assert.ok(sent.includes('remote-subscription-change'), `the client sent ${sent.join(', ')}`)
      assert.equal(a.adapter.stats.closes, 0, `alice's connection was closed: ${JSON.stringify(a.adapter.lastClose)}`)
      assert.equal(b.adapter.stats.closes, 0, `bob's connection was closed: ${JSON.stringify(b.adapter.lastClose)}`)
    })

    test('a document created offline reaches B once its creator connects', async () => {
      const a = await client('alice@north.test', { online: false, storage: 'fs' })
      const h = a.repo.create({ site: 'north', kind: 'checklist-run', entries: [] })
      h.change((d) => d.entries.push({ ...a.record(), item: 'fire exits clear', offline: true }))
      assert.equal(a.repo.peers.length, 0, 'really offline')
      a.goOnline()
      await a.waitConnected()
      const b = await client('bob@north.test')
      const hb = await b.findEventually(h.url)
      await waitForDoc(hb, has((e) => e.item === 'fire exits clear'), { what: 'offline-created entry at B' })
      assert.equal(docOf(hb).site, 'north')
    })

    test('100 documents created offline all reach the server once their creator connects', async () => {
      const N = 100
      const a = await client('alice@north.test', { online: false })
      const hs = Array.from({ length: N }, (_, i) => a.repo.create({ site: 'north', kind: 'count-session', n: i, entries: [] }))
      a.goOnline()
      await a.waitConnected()
      const b = await client('bob@north.test')
      await b.waitConnected()
      const deadline = Date.now() + 20_000
      const missing = []
      for (const h of hs) {
        try {
          const hb = await b.findEventually(h.url, Math.max(1_000, deadline - Date.now()))
          if (docOf(hb)?.n !== docOf(h).n) missing.push(docOf(h).n)
        } catch {
          missing.push(docOf(h).n)
        }
      }
      assert.deepEqual(missing, [], `${missing.length} of ${N} offline-created documents never reached the server (creator connection closes: ${a.adapter.stats.closes})`)
    })

    test('a 4 MB document reaches another client and a fresh client (big first sync)', async () => {
      const a = await client('alice@north.test')
      await a.waitConnected()
      const blobs = Array.from({ length: 400 }, () => randomBytes(10_240)) // 4 MB that does not compress
      const digest = (list) => createHash('sha256').update(Buffer.concat(list.map((x) => Buffer.from(x)))).digest('hex')
      const expected = digest(blobs)
      const h = a.repo.create({ site: 'north', kind: 'photo-batch', blobs: [] })
      for (let i = 0; i < blobs.length; i += 100) h.change((d) => blobs.slice(i, i + 100).forEach((x) => d.blobs.push(x)))
      const b = await client('bob@north.test')
      const hb = await b.findEventually(h.url, 60_000)
      await waitForDoc(hb, (d) => d.blobs?.length === blobs.length, { timeout: 60_000, what: 'all 400 blobs at B' })
      assert.equal(digest(docOf(hb).blobs), expected, 'content differs at B')
      const c = await client('carol@north.test')
      const hc = await c.find(h.url, 60_000)
      await waitForDoc(hc, (d) => d.blobs?.length === blobs.length, { timeout: 60_000, what: 'all 400 blobs at a fresh client' })
      assert.equal(digest(docOf(hc).blobs), expected, 'content differs at a fresh client')
    })

    test('A and B sync both ways, offline edits merge, and everything survives restarts', async () => {
      const a = await client('alice@north.test', { storage: 'fs' })
      const b = await client('bob@north.test')
      await a.waitConnected()
      await b.waitConnected()

      // A creates and edits; B finds it by URL and edits; each sees the other's edit.
      const ha = a.repo.create({ site: 'north', kind: 'count-session', title: 'Aisle 4', entries: [] })
      ha.change((d) => d.entries.push({ ...a.record(), qty: 3, step: 'online-1' }))
      const hb = await b.findEventually(ha.url)
      const b2 = b
      await waitForDoc(hb, has((e) => e.step === 'online-1'), { what: "A's first edit at B" })
      hb.change((d) => d.entries.push({ ...b.record(), qty: 4, step: 'online-2' }))
      await waitForDoc(ha, has((e) => e.step === 'online-2'), { what: "B's edit at A" })

      // A goes offline (network removed, storage kept) and edits; B edits meanwhile.
      a.goOffline()
      ha.change((d) => d.entries.push({ ...a.record(), qty: 5, step: 'offline-a1' }))
      hb.change((d) => d.entries.push({ ...b.record(), qty: 6, step: 'while-a-offline' }))
      // A's device is restarted while offline: a new Repo on the same storage and session.
      await a.close({ keepStorage: true })
      const a2 = Client.fromSession(a.session, { storage: a.storageDir, online: false, name: 'alice-reopened' })
      clients.push(a2)
      a2.tempDirs.push(a.storageDir)
      const ha2 = await a2.find(ha.url)
      assert.ok(has((e) => e.step === 'offline-a1')(docOf(ha2)), 'offline edit kept in A storage')
      ha2.change((d) => d.entries.push({ ...a2.record(), qty: 7, step: 'offline-a2' }))
      assert.ok(!has((e) => e.step === 'while-a-offline')(docOf(ha2)), 'A cannot have B edit while offline')

      // A reconnects: both sides end with all edits.
      a2.goOnline()
      const all = ['online-1', 'online-2', 'offline-a1', 'offline-a2', 'while-a-offline']
      const hasAll = (steps) => (d) => steps.every((s) => has((e) => e.step === s)(d))
      await waitForDoc(ha2, hasAll(all), { what: 'all edits at A after reconnect' })
      await waitForDoc(hb, hasAll(all), { what: 'all edits at B after A reconnected' })

      // Graceful restart (SIGTERM): a fresh client C sees everything; A and B reconnect.
      // A failed graceful stop is recorded and the server killed, so that the kill -9
      // part below still runs and reports.
      const problems = []
      try {
        const term = await ctx.server.stop({ timeout: 15_000 })
        if (!(term.code === 0 || term.signal === 'SIGTERM')) problems.push(`SIGTERM exit status ${JSON.stringify(term)}`)
      } catch (e) {
        problems.push(`SIGTERM: ${e.message} (killed with SIGKILL instead)`)
      }
      await ctx.server.start()
      const c = await client('carol@north.test')
      const hc = await c.find(ha.url)
      await waitForDoc(hc, hasAll(all), { what: 'all edits at fresh client C after SIGTERM restart' })
      await waitFor(() => a2.connected && b2.connected, { timeout: 15_000, what: 'A and B to reconnect' })
      ha2.change((d) => d.entries.push({ ...a2.record(), qty: 8, step: 'after-restart' }))
      await waitForDoc(hb, hasAll([...all, 'after-restart']), { what: "A's post-restart edit at B" })

      // kill -9 and restart: everything B has seen is on disk.
      await ctx.server.kill()
      await ctx.server.start()
      const d = await client('dave@north.test')
      const hd = await d.find(ha.url)
      await waitForDoc(hd, hasAll([...all, 'after-restart']), { what: 'all edits at fresh client D after kill -9' })
      assert.equal(docOf(hd).title, 'Aisle 4')
      assert.equal(docOf(hd).entries.length, 6)
      assert.deepEqual(problems, [])
    })
  })
}

for (const backend of backends()) {
  describe(`interop with a tiny document cache (${backend}): FLOORWALK_MAX_LOADED_DOCS=2, FLOORWALK_IDLE_UNLOAD_SECS=1`, () => {
    let ctx
    const clients = []
    const client = async (email, opts) => {
      const c = await Client.create(ctx.server, email, PASSWORD, opts)
      clients.push(c)
      return c
    }
    before(async () => {
      ctx = await setupBackend(backend, {
        label: 'interop-evict',
        env: { FLOORWALK_MAX_LOADED_DOCS: '2', FLOORWALK_IDLE_UNLOAD_SECS: '1' },
      })
    })
    after(async () => {
      for (const c of clients) await c.close()
      await ctx?.cleanup()
    })

    it(
      'six documents edited in turns by two clients sync and persist although at most two stay loaded',
      withServerLogs(() => ctx?.server, async () => {
        const DOCS = 6
        const a = await client('alice@north.test')
        const b = await client('bob@north.test')
        await a.waitConnected()
        const has_ = (step) => has((e) => e.step === step)
        const ha = []
        for (let i = 0; i < DOCS; i++) {
          const h = a.repo.create({ site: 'north', kind: 'checklist-run', n: i, entries: [] })
          h.change((d) => d.entries.push({ ...a.record(), step: `created-${i}` }))
          ha.push(h)
        }
        const hb = []
        for (let i = 0; i < DOCS; i++) {
          const handle = await b.findEventually(ha[i].url)
          await waitForDoc(handle, has_(`created-${i}`), { what: `doc ${i} at bob` })
          hb.push(handle)
        }
        for (let round = 0; round < 3; round++) {
          for (let i = 0; i < DOCS; i++) {
            const [from, to] = (i + round) % 2 ? [ha[i], hb[i]] : [hb[i], ha[i]]
            const step = `r${round}-d${i}`
            from.change((d) => d.entries.push({ step }))
            await waitForDoc(to, has_(step), { what: `${step} across` })
          }
        }
        for (const c of clients) await c.close()
        clients.length = 0
        // All idle now: the server unloads them; a fresh client reloads each from storage.
        const c = await client('carol@north.test')
        for (let i = 0; i < DOCS; i++) {
          const h = await c.find(ha[i].url)
          await waitForDoc(h, (d) => d.entries.length === 1 + 3, { what: `all 4 entries of doc ${i} at a fresh client` })
        }
      }),
    )
  })
}
