// Durability: "a change is committed before the server relays it to anyone".
// Writers append entries continuously; the server is killed with SIGKILL at random moments;
// after each restart, and before any client may reconnect (their connect() awaits a gate),
// a brand-new client checks that every entry any client had seen arrive from another
// client is on the server.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { backends } from './lib/db.mjs'
import { setupBackend, withServerLogs, PASSWORD, STANDARD_USERS } from './lib/fixture.mjs'
import { Client, docOf } from './lib/client.mjs'
import { waitFor, delay, Gate } from './lib/wait.mjs'

const CYCLES = Number(process.env.FLOORWALK_DURABILITY_CYCLES ?? 10)
const DOCS = 3
const WRITE_EVERY_MS = 40
const STRIDE = 1_000_000 // entry = writer * STRIDE + n
const WRITERS = ['alice@north.test', 'bob@north.test', 'carol@north.test', 'dave@north.test']
const OBSERVERS = ['erin@both.test', 'vera@north.test'] // a staff member and a viewer who only read
const CHECKER = { email: 'checker@north.test', role: 'staff', sites: ['north'] }

const writerOf = (entry) => Math.floor(entry / STRIDE)
const fmt = (entry) => `${WRITERS[writerOf(entry) - 1]?.split('@')[0] ?? '?'}#${entry % STRIDE}`

for (const backend of backends()) {
  describe(`durability under kill -9 (${backend})`, () => {
    let ctx
    const gate = new Gate(true)
    const parts = [] // { client, writer (1-based) | 0, handles: [] }
    const timers = []

    before(async () => {
      ctx = await setupBackend(backend, { label: 'durability', users: [...STANDARD_USERS, CHECKER] })
    })
    after(async () => {
      timers.forEach(clearInterval)
      gate.open()
      for (const p of parts) await p.client.close()
      await ctx?.cleanup()
    })

    it(
      `every entry seen through the server survives ${CYCLES} kill -9 restarts`,
      withServerLogs(() => ctx?.server, async () => {
        // --- set-up: writers and observers, all holding the same documents
        const emails = [...WRITERS, ...OBSERVERS]
        for (const [i, email] of emails.entries()) {
          const client = await Client.create(ctx.server, email, PASSWORD, { gate: () => gate.wait(), name: email.split('@')[0] })
          parts.push({ client, writer: i < WRITERS.length ? i + 1 : 0, handles: [] })
        }
        await Promise.all(parts.map((p) => p.client.waitConnected()))
        const creator = parts[0]
        for (let i = 0; i < DOCS; i++) {
          const h = creator.client.repo.create({ site: 'north', kind: 'stock-movements', doc: i, entries: [] })
          creator.handles.push(h)
        }
        const urls = creator.handles.map((h) => h.url)
        for (const p of parts.slice(1)) {
          for (const url of urls) {
            p.handles.push(await p.client.findEventually(url))
          }
        }

        // --- writers append continuously, online or not
        const counters = new Map()
        for (const p of parts.filter((q) => q.writer)) {
          counters.set(p.writer, 0)
          timers.push(
            setInterval(() => {
              const n = counters.get(p.writer) + 1
              counters.set(p.writer, n)
              const h = p.handles[Math.floor(Math.random() * DOCS)]
              h.change((d) => d.entries.push(p.writer * STRIDE + n))
            }, WRITE_EVERY_MS),
          )
        }

        /** Per document: entries some client holds that another client wrote, and who saw them. */
        const seenByOthers = () =>
          Array.from({ length: DOCS }, (_, i) => {
            const seen = new Map()
            for (const p of parts) {
              for (const e of docOf(p.handles[i])?.entries ?? []) {
                if (writerOf(e) !== p.writer && !seen.has(e)) seen.set(e, p.client.name)
              }
            }
            return seen
          })
        const total = (snap) => snap.reduce((n, m) => n + m.size, 0)

        const failures = []
        let lastTotal = 0
        const cycleLog = []
        for (let cycle = 1; cycle <= CYCLES; cycle++) {
          // Let traffic flow: some new entries must cross the server, then a random moment.
          await waitFor(() => total(seenByOthers()) >= lastTotal + 20, {
            timeout: 20_000,
            interval: 200, // a scan reads every entry of every client's documents
            what: `cycle ${cycle}: new entries crossing the server (sync stalled?)`,
          })
          await delay(Math.floor(Math.random() * 1200))

          gate.close()
          await ctx.server.kill()
          // Everything the server sent before dying has been processed once every socket closed.
          await waitFor(() => parts.every((p) => !p.client.adapter.isOpen), { timeout: 10_000, what: 'all clients to notice the kill' })
          const snap = seenByOthers()
          lastTotal = total(snap)

          await ctx.server.start()
          const checker = await Client.create(ctx.server, CHECKER.email, PASSWORD, { name: `checker-${cycle}` })
          try {
            for (let i = 0; i < DOCS; i++) {
              const h = await checker.find(urls[i])
              const missing = () => {
                const have = new Set(docOf(h)?.entries ?? [])
                return [...snap[i].keys()].filter((e) => !have.has(e))
              }
              try {
                await waitFor(() => missing().length === 0, { timeout: 10_000, what: 'the server copy to hold every seen entry' })
              } catch {
                const m = missing()
                failures.push(
                  `cycle ${cycle}, doc ${i}: ${m.length} of ${snap[i].size} seen entries lost, e.g. ` +
                    m.slice(0, 8).map((e) => `${fmt(e)} (seen by ${snap[i].get(e)})`).join(', '),
                )
              }
            }
            assert.ok(parts.every((p) => !p.client.adapter.isOpen), 'a gated client reconnected during the check')
          } finally {
            await checker.close()
          }
          cycleLog.push(lastTotal)
          gate.open()
          await waitFor(() => parts.every((p) => p.client.connected), { timeout: 20_000, what: `cycle ${cycle}: clients to reconnect` })
        }

        // --- finally: stop writing, everything converges everywhere (resends included)
        timers.forEach(clearInterval)
        const written = [...counters.entries()].reduce((n, [, c]) => n + c, 0)
        const fresh = await Client.create(ctx.server, CHECKER.email, PASSWORD, { name: 'checker-final' })
        try {
          const finalHandles = []
          for (const url of urls) finalHandles.push(await fresh.find(url))
          const count = (h) => (docOf(h)?.entries ?? []).length
          const sum = (hs) => hs.reduce((n, h) => n + count(h), 0)
          await waitFor(() => sum(finalHandles) === written && parts.every((p) => sum(p.handles) === written), {
            timeout: 60_000,
            interval: 200,
            what: `all ${written} entries on the server and on every client (server has ${sum(finalHandles)})`,
          })
        } finally {
          await fresh.close()
        }
        console.log(`# ${backend}: ${CYCLES} kills, ${written} entries written, cross-client entries seen at each kill: ${cycleLog.join(', ')}`)
        assert.deepEqual(failures, [], 'entries seen through the server were lost by kill -9')
      }),
    )
  })
}
