// Malformed and hostile input on the sync websocket: each bad frame closes that one
// connection (with an `error` message where one can be sent), while a healthy pair of
// official automerge-repo clients keeps syncing through the same server.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo'
import * as A from '@automerge/automerge'
import { backends } from './lib/db.mjs'
import { setupBackend, withServerLogs, PASSWORD } from './lib/fixture.mjs'
import { Client, waitForDoc } from './lib/client.mjs'
import { Session } from './lib/auth.mjs'
import { FloorwalkServer } from './lib/server.mjs'
import { RawPeer, encodeCbor, openSync } from './lib/raw.mjs'
import { waitFor, delay } from './lib/wait.mjs'

const MAX_FRAME = 65536
const PING_INTERVAL = 1
const PING_TIMEOUT = 3
const QUEUE_FRAMES = 64
// Bad input is protocol handling, not storage: one backend is enough (the first listed).
const backend = process.env.FLOORWALK_TEST_BAD_INPUT_BACKEND ?? backends()[0]
const emptySyncMessage = () => A.generateSyncMessage(A.init(), A.initSyncState())[1]

describe(`bad input on /sync (${backend})`, () => {
  let ctx
  let alice, bob, ha, hb, docId
  let carol // the session the hostile raw connections use (a staff member of north)
  let bystander // a raw connection (another user) that stays open throughout
  let round = 0
  const clients = []

  before(async () => {
    ctx = await setupBackend(backend, {
      label: 'bad-input',
      env: {
        FLOORWALK_MAX_FRAME_BYTES: String(MAX_FRAME),
        // Frequent pings: healthy clients (which answer) must stay connected all along.
        FLOORWALK_PING_INTERVAL_SECS: String(PING_INTERVAL),
        FLOORWALK_PING_TIMEOUT_SECS: String(PING_TIMEOUT),
      },
    })
    alice = await Client.create(ctx.server, 'alice@north.test', PASSWORD)
    bob = await Client.create(ctx.server, 'bob@north.test', PASSWORD)
    clients.push(alice, bob)
    await alice.waitConnected()
    ha = alice.repo.create({ site: 'north', kind: 'count-session', entries: [] })
    ha.change((d) => d.entries.push({ ...alice.record(), step: 'created' }))
    docId = ha.documentId
    hb = await bob.findEventually(ha.url)
    await waitForDoc(hb, (d) => d.entries.length >= 1, { what: 'the healthy doc at bob' })
    carol = await Session.login(ctx.server.url, 'carol@north.test', PASSWORD)
    // The bystander is another login (another peer id) than the hostile connections.
    const dave = await Session.login(ctx.server.url, 'dave@north.test', PASSWORD)
    bystander = await RawPeer.connect(ctx.server.url, { ticket: await dave.ticket() })
    await bystander.join(dave.peerId)
  })
  after(async () => {
    bystander?.close()
    for (const c of clients) await c.close()
    await ctx?.cleanup()
  })

  /** The healthy pair still syncs both ways, and the server process is alive. */
  async function assertHealthy(label) {
    round += 1
    assert.ok(ctx.server.running, `server process died after: ${label}`)
    const a = `a-${round}`
    const b = `b-${round}`
    ha.change((d) => d.entries.push({ ...alice.record(), step: a, after: label }))
    hb.change((d) => d.entries.push({ ...bob.record(), step: b, after: label }))
    await waitForDoc(hb, (d) => d.entries.some((e) => e.step === a), { what: `alice's edit at bob after ${label}` })
    await waitForDoc(ha, (d) => d.entries.some((e) => e.step === b), { what: `bob's edit at alice after ${label}` })
    assert.equal(bystander.closed, undefined, `the bystander connection was closed after: ${label}`)
  }

  /** A fresh raw connection as carol, joined unless `join` is false. */
  async function hostile({ join = true } = {}) {
    const raw = await RawPeer.connect(ctx.server.url, { ticket: await carol.ticket() })
    if (join) await raw.join(carol.peerId)
    return raw
  }

  /**
   * After `raw` sent something bad: the server must close it (with a close frame and a
   * reason) and, unless `errorOptional`, send an `error` message first.
   */
  async function expectRejected(raw, label, { errorOptional = false } = {}) {
    const problems = []
    let closed
    try {
      closed = await raw.waitClosed(10_000)
    } catch {
      raw.close()
      assert.fail(`${label}: the server did not close the connection within 10 s (messages: ${JSON.stringify(raw.messages.map((m) => m.type))})`)
    }
    const errors = raw.errorMessages()
    if (!errorOptional && errors.length === 0) problems.push(`no {type:"error"} message before the close (got ${JSON.stringify(raw.messages.map((m) => m.type ?? m))}, text frames ${JSON.stringify(raw.textFrames)})`)
    for (const e of errors) if (typeof e.message !== 'string' || !e.message) problems.push(`error message without text: ${JSON.stringify(e)}`)
    if (closed.code === 1006) problems.push('connection dropped without a close frame (1006)')
    else if (!closed.reason) problems.push(`close frame ${closed.code} without a reason`)
    assert.deepEqual(problems, [], `${label}: ${problems.join('; ')} [close ${closed.code} "${closed.reason}"]`)
    return { closed, errors }
  }

  const test = (name, fn) => it(name, withServerLogs(() => ctx?.server, fn))

  test('the healthy pair syncs before any bad input', async () => {
    await assertHealthy('start')
  })

  const cases = [
    ['a text frame', (raw) => raw.sendRaw('{"type":"request"}', { binary: false })],
    ['binary that is not CBOR', (raw) => raw.sendRaw(Buffer.from([0x1c, 0x1d, 0x1e, 0x1f, 0xfe, 0xfd]), { binary: true })],
    [
      'truncated CBOR',
      (raw) => {
        const full = encodeCbor({ type: 'request', senderId: carol.peerId, targetId: raw.serverPeerId, documentId: docId, data: emptySyncMessage() })
        raw.sendRaw(full.subarray(0, Math.floor(full.length / 2)), { binary: true })
      },
    ],
    ['CBOR null', (raw) => raw.sendRaw(encodeCbor(null), { binary: true })],
    ['a CBOR number', (raw) => raw.sendRaw(encodeCbor(42), { binary: true })],
    ['a CBOR string', (raw) => raw.sendRaw(encodeCbor('request'), { binary: true })],
    ['a CBOR array', (raw) => raw.sendRaw(encodeCbor(['request', carol.peerId]), { binary: true })],
    [
      'a request with documentId: 42',
      (raw) => raw.send({ type: 'request', senderId: carol.peerId, targetId: raw.serverPeerId, documentId: 42, data: emptySyncMessage() }),
    ],
    [
      'a sync with data: "str"',
      (raw) => raw.send({ type: 'sync', senderId: carol.peerId, targetId: raw.serverPeerId, documentId: docId, data: 'str' }),
    ],
    ['a message with type: 7', (raw) => raw.send({ type: 7, senderId: carol.peerId, targetId: raw.serverPeerId })],
    [
      'an unknown message type',
      (raw) => raw.send({ type: 'frobnicate', senderId: carol.peerId, targetId: raw.serverPeerId, documentId: docId }),
    ],
    [
      'a sync with garbage sync-message bytes for a real document',
      (raw) => raw.send({ type: 'sync', senderId: carol.peerId, targetId: raw.serverPeerId, documentId: docId, data: randomBytes(64) }),
    ],
    [
      'a request with garbage sync-message bytes',
      (raw) => raw.send({ type: 'request', senderId: carol.peerId, targetId: raw.serverPeerId, documentId: docId, data: Buffer.from([0x42, 0, 1, 2, 3]) }),
    ],
    [
      "a message with bob's senderId (a connected client)",
      (raw) => raw.send({ type: 'request', senderId: bob.peerId, targetId: raw.serverPeerId, documentId: docId, data: emptySyncMessage() }),
    ],
  ]
  for (const [label, send] of cases) {
    test(`${label} closes that connection only`, async () => {
      const raw = await hostile()
      send(raw)
      await expectRejected(raw, label)
      await assertHealthy(label)
    })
  }

  test(`a frame larger than FLOORWALK_MAX_FRAME_BYTES (${MAX_FRAME}) closes that connection only`, async () => {
    const raw = await hostile()
    // A well-formed sync message, just too big.
    raw.send({ type: 'sync', senderId: carol.peerId, targetId: raw.serverPeerId, documentId: docId, data: randomBytes(MAX_FRAME + 4096) })
    const { closed } = await expectRejected(raw, 'oversized frame', { errorOptional: true })
    assert.ok(closed.code === 1009 || raw.errorMessages().length > 0, `close code ${closed.code} (expected 1009 "message too big" or an error message)`)
    await assertHealthy('oversized frame')
  })

  test('a frame just under the limit is accepted (the limit is not too strict)', async () => {
    const raw = await hostile()
    raw.send({ type: 'ephemeral', senderId: carol.peerId, targetId: raw.serverPeerId, documentId: docId, sessionId: 'x', count: 1, data: encodeCbor({ pad: randomBytes(MAX_FRAME - 1024) }) })
    const ping = parseAutomergeUrl(generateAutomergeUrl()).documentId
    raw.send({ type: 'request', senderId: carol.peerId, targetId: raw.serverPeerId, documentId: ping, data: emptySyncMessage() })
    await raw.waitMessage((m) => m.documentId === ping, { what: 'an answer after the large frame' })
    assert.equal(raw.closed, undefined, `closed: ${JSON.stringify(raw.closed)}`)
    raw.close()
    await assertHealthy('large but allowed frame')
  })

  test('a message before join closes that connection only', async () => {
    const raw = await hostile({ join: false })
    raw.send({ type: 'request', senderId: carol.peerId, targetId: 'server', documentId: docId, data: emptySyncMessage() })
    await expectRejected(raw, 'request before join')
    await assertHealthy('request before join')
  })

  test('join claiming a random other peer id is refused', async () => {
    const raw = await hostile({ join: false })
    raw.send({ type: 'join', senderId: `impostor-${randomBytes(4).toString('hex')}`, peerMetadata: { isEphemeral: true }, supportedProtocolVersions: ['1'] })
    await expectRejected(raw, 'join with a random peer id')
    assert.ok(!raw.messages.some((m) => m.type === 'peer'), 'server answered the impostor join with peer')
    await assertHealthy('join with a random peer id')
  })

  test("join claiming the peer id of connected client alice is refused; alice keeps syncing", async () => {
    const raw = await hostile({ join: false })
    raw.send({ type: 'join', senderId: alice.peerId, peerMetadata: { isEphemeral: true }, supportedProtocolVersions: ['1'] })
    await expectRejected(raw, "join with alice's peer id")
    assert.ok(!raw.messages.some((m) => m.type === 'peer'), 'server answered the impostor join with peer')
    assert.ok(alice.connected, "alice's own connection was dropped")
    await assertHealthy("join with alice's peer id")
  })

  test('join with only an unsupported protocol version is refused', async () => {
    const raw = await hostile({ join: false })
    raw.send({ type: 'join', senderId: carol.peerId, peerMetadata: { isEphemeral: true }, supportedProtocolVersions: ['99'] })
    await expectRejected(raw, 'join with protocol version 99')
    assert.ok(!raw.messages.some((m) => m.type === 'peer'), 'server answered an unsupported version with peer')
    await assertHealthy('unsupported protocol version')
  })

  test('a peer that stops answering pings is disconnected; answering peers stay', async () => {
    const r = await openSync(ctx.server.url, { ticket: await carol.ticket() }, { autoPong: false })
    assert.equal(r.status, 101, r.text)
    const silent = new RawPeer(r.ws)
    let pings = 0
    r.ws.on('ping', () => (pings += 1))
    await silent.join(carol.peerId)
    const t0 = Date.now()
    const closed = await silent.waitClosed((PING_INTERVAL + PING_TIMEOUT) * 1000 + 6000).catch(() => undefined)
    const after = Date.now() - t0
    silent.close()
    assert.ok(pings > 0, 'the server sent no ping')
    assert.ok(closed, `a peer that never answered ${pings} pings was still connected after ${after} ms`)
    assert.equal(bystander.closed, undefined, 'the (answering) bystander was disconnected')
    await assertHealthy('ping timeout')
  })

  test('a peer that stops reading is disconnected instead of growing server memory', async () => {
    // A second server on the same database with a small outgoing queue (so little data is
    // needed). A document only alice and the slow peer have open: alice's ephemeral burst
    // on it is relayed to the slow peer alone.
    const small = new FloorwalkServer({
      dbUrl: ctx.db.url,
      // The burst below is the vehicle for a slow reader, so the ephemeral rate limit is lifted.
      env: { FLOORWALK_OUTGOING_QUEUE_FRAMES: String(QUEUE_FRAMES), FLOORWALK_MAX_FRAME_BYTES: String(MAX_FRAME), FLOORWALK_EPHEMERAL_PER_SECOND: '100000', FLOORWALK_EPHEMERAL_BURST: '100000' },
      label: `bad-input-small-queue-${backend}`,
    })
    await small.start()
    const alice = await Client.create(small, 'alice@north.test', PASSWORD, { name: 'alice-small-queue' })
    clients.push(alice)
    await alice.waitConnected()
    const h2 = alice.repo.create({ site: 'north', kind: 'count-session', entries: [{ ...alice.record() }] })
    const erin = await Session.login(small.url, 'erin@both.test', PASSWORD)
    const slow = await RawPeer.connect(small.url, { ticket: await erin.ticket() })
    await slow.join(erin.peerId)
    await waitFor(
      async () => {
        const from = slow.messages.length
        slow.send({ type: 'request', senderId: erin.peerId, targetId: slow.serverPeerId, documentId: h2.documentId, data: emptySyncMessage() })
        const answer = await slow.waitMessage((m) => m.documentId === h2.documentId, { from, what: 'an answer for the new document' })
        return answer.type === 'sync'
      },
      { timeout: 20_000, interval: 200, what: 'the new document at the slow peer' },
    )
    slow.ws._socket.pause() // stop reading: the kernel buffers fill, then the server's queue
    const aliceCloses = alice.adapter.stats.closes
    const rssBefore = small.rssKb()
    let rssPeak = rssBefore
    const N = 600 // 600 x 60 kB = 36 MB sent to a peer that reads nothing
    const pad = 'x'.repeat(60_000)
    for (let i = 0; i < N; i++) {
      h2.broadcast({ burst: true, i, pad })
      if (i % 20 === 19) {
        await delay(5) // let alice's socket drain
        rssPeak = Math.max(rssPeak, small.rssKb())
      }
    }
    await delay(500)
    rssPeak = Math.max(rssPeak, small.rssKb())
    slow.ws._socket.resume()
    const closed = await slow.waitClosed(15_000).catch(() => undefined)
    slow.close()
    const growthMb = (rssPeak - rssBefore) / 1024
    console.log(`# slow reader: closed ${JSON.stringify(closed)}, RSS ${rssBefore} -> peak ${rssPeak} kB`)
    assert.ok(closed, 'the server kept a peer that read nothing while 36 MB were sent to it')
    assert.ok(growthMb < 30, `server RSS grew by ${growthMb.toFixed(1)} MB while a peer did not read`)
    assert.equal(alice.adapter.stats.closes, aliceCloses, `the sender was disconnected: ${JSON.stringify(alice.adapter.lastClose)}`)
    await small.kill()
    await assertHealthy('slow reader')
  })

  test('2,000 pipelined requests from a peer that reads promptly are all answered (no "slow peer" close)', async () => {
    // What the official client does when it connects with many documents: one message per
    // document at once. The replies are to this peer's own requests and it reads them as
    // fast as loopback allows: that is not a slow peer.
    const raw = await hostile()
    const data = emptySyncMessage()
    const ids = Array.from({ length: 2000 }, () => parseAutomergeUrl(generateAutomergeUrl()).documentId)
    for (const id of ids) raw.send({ type: 'request', senderId: carol.peerId, targetId: raw.serverPeerId, documentId: id, data })
    const answered = () => raw.messages.filter((m) => m.type === 'doc-unavailable').length
    await waitFor(() => answered() === ids.length || raw.closed, { timeout: 30_000, what: 'answers to 2000 requests' })
    raw.close()
    assert.equal(answered(), ids.length, `only ${answered()} answers; connection closed: ${JSON.stringify(raw.closed)}`)
    await assertHealthy('2000 pipelined requests')
  })

  test('20,000 requests for random document ids: all doc-unavailable, RSS stays flat', async () => {
    const N = 20_000
    const BATCH = 500
    const raw = await hostile()
    const data = emptySyncMessage()
    const answered = new Set()
    const sendBatch = async (ids) => {
      for (const id of ids) raw.send({ type: 'request', senderId: carol.peerId, targetId: raw.serverPeerId, documentId: id, data })
      await waitFor(
        () => {
          if (raw.closed) throw new Error(`connection closed: ${JSON.stringify(raw.closed)} ${JSON.stringify(raw.errorMessages())}`)
          return ids.every((id) => answered.has(id))
        },
        { timeout: 30_000, interval: 20, what: `answers to ${ids.length} requests (${answered.size} so far)` },
      )
    }
    const unexpected = []
    raw.ws.on('message', () => {
      const m = raw.messages.pop() // consume as we go: keep the test's own memory flat
      if (m?.type === 'doc-unavailable') answered.add(m.documentId)
      else unexpected.push(m)
    })
    const ids = (n) => Array.from({ length: n }, () => parseAutomergeUrl(generateAutomergeUrl()).documentId)
    await sendBatch(ids(BATCH)) // warm-up: first-use allocations are not a leak
    const rssBefore = ctx.server.rssKb()
    const t0 = Date.now()
    let total = 0
    while (total < N) {
      await sendBatch(ids(BATCH))
      total += BATCH
    }
    const seconds = (Date.now() - t0) / 1000
    const rssAfter = ctx.server.rssKb()
    raw.close()
    assert.deepEqual(unexpected.slice(0, 5).map((m) => JSON.stringify(m).slice(0, 200)), [], `only doc-unavailable answers expected (${unexpected.length} others)`)
    assert.equal(answered.size, N + BATCH)
    // Margin: 30 MB. Allocator retention and buffer growth of a busy connection are a few
    // MB; anything kept per unknown id (a loaded document, an actor, a sync state: several
    // kB each) would cost well over 30 MB for 20,000 ids.
    const growthMb = (rssAfter - rssBefore) / 1024
    console.log(`# 20k unknown ids: ${seconds.toFixed(1)} s, RSS ${rssBefore} kB -> ${rssAfter} kB (${growthMb.toFixed(1)} MB)`)
    assert.ok(growthMb < 30, `server RSS grew by ${growthMb.toFixed(1)} MB for ${N} unknown ids`)
    await assertHealthy('20k unknown ids')
  })
})
