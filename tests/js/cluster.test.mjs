// Several `floorwalk serve` instances on one Postgres database, as behind a load
// balancer (issue 12): phones spread over three instances see each other's edits
// live; one instance is killed with SIGKILL mid-run, its phones reconnect to the
// others, and nothing any phone saw go through is lost. The flattener and the
// checklist scheduler run on exactly one instance at a time and fail over when it dies.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createDatabase } from './lib/db.mjs'
import { provision, withServerLogs, PASSWORD, STANDARD_USERS } from './lib/fixture.mjs'
import { FloorwalkServer } from './lib/server.mjs'
import { Client, docOf } from './lib/client.mjs'
import { login, postJson } from './lib/auth.mjs'
import { waitFlattened } from './lib/reports.mjs'
import { queryRows } from './lib/sql.mjs'
import { waitFor, holdsFor, delay } from './lib/wait.mjs'

const INSTANCES = 3
// What every instance must share besides the database: the token signing secret.
const SECRET = 'cluster-test-secret-that-is-long-enough-for-hs256'
const MANAGER = { email: 'max@north.test', role: 'manager', sites: ['north'] }
const CHECKER = { email: 'checker@north.test', role: 'staff', sites: ['north'] }
const DOCS = 2
const STRIDE = 1_000_000 // entry = writer * STRIDE + n
// [email, home instance, writes?]
const PHONES = [
  ['alice@north.test', 0, true],
  ['bob@north.test', 1, true],
  ['carol@north.test', 2, true],
  ['dave@north.test', 0, true],
  ['erin@both.test', 1, false],
  ['vera@north.test', 2, false],
]

describe('several instances on one Postgres database', () => {
  let db
  const servers = []
  const phones = [] // { client, writer (1-based) | 0, handles: [] }
  let urls = []

  /** A phone's way in: its home instance while it runs, else any that does (the balancer). */
  const via = (home) => ({
    get url() {
      return (servers[home].running ? servers[home] : servers.find((s) => s.running)).url
    },
  })
  const running = () => servers.filter((s) => s.running)
  const entriesOf = (handle) => new Set(docOf(handle)?.entries ?? [])

  before(async () => {
    db = await createDatabase('postgres')
    await provision(db.url, { users: [...STANDARD_USERS, MANAGER, CHECKER] })
    for (let i = 0; i < INSTANCES; i++) {
      const server = new FloorwalkServer({ dbUrl: db.url, env: { FLOORWALK_JWT_SECRET: SECRET }, label: `cluster-${i}` })
      servers.push(await server.start())
    }
  })
  after(async () => {
    for (const p of phones) await p.client.close()
    for (const s of servers) await s.kill()
    await db?.drop()
  })

  it(
    'edits flow live between instances, and a kill -9 of one loses nothing any phone saw',
    withServerLogs(() => servers, async () => {
      for (const [email, home, writes] of PHONES) {
        const client = await Client.create(via(home), email, PASSWORD, { name: email.split('@')[0] })
        phones.push({ client, writer: writes ? phones.length + 1 : 0, handles: [] })
      }
      await Promise.all(phones.map((p) => p.client.waitConnected()))
      const [alice, bob, carol, , , vera] = phones
      for (let i = 0; i < DOCS; i++) {
        alice.handles.push(alice.client.repo.create({ site: 'north', kind: 'stock-movements', doc: i, entries: [] }))
      }
      urls = alice.handles.map((h) => h.url)
      for (const p of phones.slice(1)) {
        for (const url of urls) p.handles.push(await p.client.findEventually(url))
      }

      // One edit on instance 0 reaches phones on 1 and 2; one on 2 reaches 0 and 1.
      alice.handles[0].change((d) => d.entries.push(alice.writer * STRIDE))
      await waitFor(() => entriesOf(bob.handles[0]).has(alice.writer * STRIDE) && entriesOf(vera.handles[0]).has(alice.writer * STRIDE), {
        timeout: 10_000,
        what: "alice's edit (instance 0) on bob's (1) and vera's (2) phones",
      })
      carol.handles[1].change((d) => d.entries.push(carol.writer * STRIDE))
      await waitFor(() => entriesOf(alice.handles[1]).has(carol.writer * STRIDE) && entriesOf(bob.handles[1]).has(carol.writer * STRIDE), {
        timeout: 10_000,
        what: "carol's edit (instance 2) on alice's (0) and bob's (1) phones",
      })

      // Writers append on all three instances; instance 1 dies mid-run.
      const counters = new Map(phones.filter((p) => p.writer).map((p) => [p.writer, 0]))
      const timers = phones
        .filter((p) => p.writer)
        .map((p) =>
          setInterval(() => {
            const n = counters.get(p.writer) + 1
            counters.set(p.writer, n)
            p.handles[n % DOCS].change((d) => d.entries.push(p.writer * STRIDE + n))
          }, 60),
        )
      /** Per document: entries a phone holds that another phone wrote. */
      const seenByOthers = () =>
        urls.map((_, i) => {
          const seen = new Set()
          for (const p of phones) for (const e of entriesOf(p.handles[i])) if (Math.floor(e / STRIDE) !== p.writer) seen.add(e)
          return seen
        })
      try {
        await delay(2_000)
        await servers[1].kill()
        const seenAtKill = seenByOthers()
        await waitFor(() => phones.every((p) => p.client.connected), {
          timeout: 20_000,
          what: 'the phones of the killed instance to reconnect through the others',
        })
        await delay(2_000)
        timers.forEach(clearInterval)

        // Everything converges on every phone and on the database, through the survivors.
        const written = urls.map((_, i) => {
          const all = new Set(i === 0 ? [alice.writer * STRIDE] : [carol.writer * STRIDE])
          for (const [writer, count] of counters) for (let n = 1; n <= count; n++) if (n % DOCS === i) all.add(writer * STRIDE + n)
          return all
        })
        const checker = await Client.create(via(2), CHECKER.email, PASSWORD, { name: 'checker' })
        try {
          const fresh = []
          for (const url of urls) fresh.push(await checker.find(url))
          const complete = (handle, i) => [...written[i]].every((e) => entriesOf(handle).has(e))
          await waitFor(() => fresh.every(complete) && phones.every((p) => p.handles.every(complete)), {
            timeout: 60_000,
            interval: 200,
            what: 'every entry written, on the database and on every phone',
          })
          for (const [i, seen] of seenAtKill.entries()) {
            const lost = [...seen].filter((e) => !entriesOf(fresh[i]).has(e))
            assert.deepEqual(lost, [], `doc ${i}: entries seen through the killed instance were lost`)
          }
          const total = written.reduce((n, s) => n + s.size, 0)
          assert.ok(total > 100, `enough traffic crossed the instances (${total} entries)`)
          console.log(`# cluster: ${total} entries written over ${INSTANCES} instances, one killed mid-run`)
        } finally {
          await checker.close()
        }
      } finally {
        timers.forEach(clearInterval)
      }
    }),
  )

  it(
    'the flattener and the scheduler run on one instance at a time and fail over when it dies',
    withServerLogs(() => servers, async () => {
      const leaders = async (job) => {
        const found = []
        for (const s of running()) {
          const text = await (await fetch(`${s.url}/metrics`)).text()
          if (text.includes(`floorwalk_leading{job="${job}"} 1`)) found.push(s)
        }
        return found
      }
      const oneLeader = async (job) => {
        const found = await waitFor(async () => {
          const l = await leaders(job)
          return l.length === 1 && l
        }, { timeout: 15_000, what: `exactly one running instance to lead the ${job}` })
        return found[0]
      }
      const scheduler = await oneLeader('scheduler')
      const flattener = await oneLeader('flattener')
      // A desk connected to an instance that does not flatten still hears of flattens.
      const desk = running().find((s) => s !== flattener)
      assert.ok(desk, 'two instances are running')
      const { access_token: deskToken } = await login(desk.url, MANAGER.email, PASSWORD)
      const events = await fetch(`${desk.url}/api/events`, { headers: { authorization: `Bearer ${deskToken}` } })
      assert.equal(events.status, 200)
      const stream = events.body.getReader()
      let heard = ''
      const reading = (async () => {
        const decoder = new TextDecoder()
        for (;;) {
          const { done, value } = await stream.read()
          if (done) return
          heard += decoder.decode(value, { stream: true })
        }
      })().catch(() => {})
      await waitFor(() => heard.includes('event: ready'), { what: "the desk's event stream to be ready" })

      const runsMade = async (scheduleId) =>
        Number((await queryRows(db, `SELECT runs_made FROM checklist_schedules WHERE id = ${scheduleId}`))[0].runs_made)
      const runDocs = async () =>
        Number((await queryRows(db, `SELECT COUNT(*) AS n FROM work_index WHERE doc_type = 'checklist_run'`))[0].n)
      const flattenedRuns = async () => Number((await queryRows(db, 'SELECT COUNT(*) AS n FROM checklist_runs'))[0].n)

      /** A daily schedule due an hour ago, planned through `server`: the route makes its first run, the scheduler the next. */
      const schedule = async (server, name) => {
        const { access_token: token } = await login(server.url, MANAGER.email, PASSWORD)
        const auth = { headers: { authorization: `Bearer ${token}` } }
        const template = await postJson(server.url, '/api/sites/north/templates', { name: `Walk ${name}`, items: [{ label: 'Doors close', kind: 'check', required: true }] }, auth)
        assert.equal(template.status, 201, JSON.stringify(template.body))
        const first = new Date(Date.now() - 3_600_000).toISOString()
        const created = await postJson(server.url, '/api/sites/north/checklist-schedules', { template_id: template.body.template_id, recurrence: 'daily', first_due_at: first }, auth)
        assert.equal(created.status, 201, JSON.stringify(created.body))
        return created.body.schedule_id
      }

      const before = await runDocs()
      const first = await schedule(desk, 'A-01')
      await waitFor(async () => (await runsMade(first)) === 2, { timeout: 20_000, what: 'the scheduler to make the second run' })
      await holdsFor(async () => (await runsMade(first)) !== 2 || (await runDocs()) !== before + 2, {
        window: 3_000,
        what: 'a run made twice, or a third run (each must be made once, however many instances run)',
      })
      // Runs committed on other instances reach the flattener's instance and are flattened.
      await waitFor(async () => (await flattenedRuns()) === 2, { timeout: 20_000, what: 'both runs flattened by the one flattener' })
      await waitFor(() => heard.includes('event: site-changed') && heard.includes('checklist_run'), {
        timeout: 10_000,
        what: `the flattener's instance telling the desk on another instance (heard: ${heard.slice(-300)})`,
      })
      await stream.cancel().catch(() => {})
      await reading

      // The leaders die; a survivor takes over each job and catches up.
      await scheduler.kill()
      if (flattener.running) await flattener.kill()
      assert.ok(running().length >= 1, 'an instance survives')
      await oneLeader('scheduler')
      await oneLeader('flattener')
      const second = await schedule(running()[0], 'B-02')
      await waitFor(async () => (await runsMade(second)) === 2, { timeout: 20_000, what: "the new leader's scheduler to make the next run" })
      await waitFor(async () => (await flattenedRuns()) === 4, { timeout: 20_000, what: "the new leader's flattener to flatten the new runs" })

      // A phone's own document, through whichever instance it reaches, is flattened once.
      const alice = phones[0]
      await alice.client.waitConnected(20_000)
      const handle = alice.client.repo.create({
        type: 'checklist_run', schema_version: 1, site: 'north',
        template: { template_id: randomUUID(), version: 1, name: 'Own walk', items: [{ id: randomUUID(), label: 'Floor clear', kind: 'check', required: true }] },
        location: 'A', assignee: alice.client.userId, due_at: new Date().toISOString(),
        responses: {}, notes: [], corrective_actions: [],
      })
      await waitFlattened(db, [handle], { timeout: 20_000 })
      const rows = await queryRows(db, `SELECT COUNT(*) AS n FROM checklist_runs WHERE document_id = '${handle.documentId}'`)
      assert.equal(Number(rows[0].n), 1)
    }),
  )
})
