// Access control and authentication against the real floorwalk server.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo'
import * as A from '@automerge/automerge'
import { backends } from './lib/db.mjs'
import { setupBackend, withServerLogs, PASSWORD } from './lib/fixture.mjs'
import { cli, runCli, FloorwalkServer } from './lib/server.mjs'
import { Client, waitForDoc, docOf } from './lib/client.mjs'
import { Session, postJson, login, requestTicket } from './lib/auth.mjs'
import { RawPeer, openSync } from './lib/raw.mjs'
import { decodeJwt, signHs256, algNone, b64urlJson } from './lib/jwt.mjs'
import { waitFor, holdsFor, delay } from './lib/wait.mjs'

const has = (pred) => (d) => Array.isArray(d.entries) && d.entries.some(pred)

/** Assert a 401 JSON error with one of `codes` and a human message. */
function assertAuthError(res, codes, what) {
  const ctx = `${what}: got HTTP ${res.status} ${res.text ?? ''}`
  assert.equal(res.status, 401, ctx)
  assert.ok(res.body && typeof res.body === 'object', `${ctx} (body is not JSON)`)
  assert.ok([codes].flat().includes(res.body.error), `${ctx} (expected error code ${[codes].flat().join(' or ')})`)
  assert.equal(typeof res.body.message, 'string', ctx)
  assert.ok(res.body.message.length > 0, `${ctx} (empty message)`)
}

for (const backend of backends()) {
  describe(`access control and auth (${backend})`, () => {
    let ctx
    const clients = []
    const secrets = new Set() // every token/ticket used: none may appear in the server logs
    let earlyTicket // taken at the start, checked for expiry at the end
    const client = async (email, opts) => {
      const c = await Client.create(ctx.server, email, PASSWORD, opts)
      clients.push(c)
      secrets.add(c.session.accessToken)
      secrets.add(c.session.refreshToken)
      return c
    }
    /** Alice creates a north document; bob (staff) has loaded it. */
    const northDoc = async (title) => {
      const alice = await client('alice@north.test')
      const bob = await client('bob@north.test')
      await alice.waitConnected()
      const ha = alice.repo.create({ site: 'north', kind: 'count-session', title, entries: [] })
      ha.change((d) => d.entries.push({ ...alice.record(), step: 'created' }))
      const hb = await bob.findEventually(ha.url)
      await waitForDoc(hb, has((e) => e.step === 'created'), { what: 'creation at bob' })
      return { alice, bob, ha, hb, url: ha.url }
    }
    before(async () => {
      ctx = await setupBackend(backend, { label: 'access' })
      const s = await Session.login(ctx.server.url, 'carol@north.test', PASSWORD)
      const res = await requestTicket(ctx.server.url, s.accessToken)
      assert.equal(res.status, 200, res.text)
      earlyTicket = { ticket: res.body.ticket, expiresIn: res.body.expires_in, at: Date.now() }
      secrets.add(s.accessToken)
      secrets.add(s.refreshToken)
      secrets.add(earlyTicket.ticket)
    })
    after(async () => {
      for (const c of clients) await c.close()
      await ctx?.cleanup()
    })
    const test = (name, fn) => it(name, withServerLogs(() => ctx?.server, fn))

    test('a member of another site cannot load a north document (same answer as an unknown id)', async () => {
      const { url } = await northDoc('Aisle 1')
      const sam = await client('sam@south.test')
      await sam.findUnavailable(url)

      // On the wire: forbidden and unknown ids get the same doc-unavailable message.
      const raw = await RawPeer.connect(ctx.server.url, { ticket: await sam.session.ticket() })
      try {
        await raw.join(sam.session.peerId)
        const empty = A.generateSyncMessage(A.init(), A.initSyncState())[1]
        const forbiddenId = parseAutomergeUrl(url).documentId
        const unknownId = parseAutomergeUrl(generateAutomergeUrl()).documentId
        for (const documentId of [forbiddenId, unknownId]) {
          raw.send({ type: 'request', senderId: sam.session.peerId, targetId: raw.serverPeerId, documentId, data: empty })
        }
        const answers = []
        for (const documentId of [forbiddenId, unknownId]) {
          answers.push(await raw.waitMessage((m) => m.documentId === documentId, { what: `answer for ${documentId}` }))
        }
        const shape = (m) => {
          const { documentId, ...rest } = m
          return rest
        }
        assert.equal(answers[0].type, 'doc-unavailable', JSON.stringify(answers[0]))
        assert.deepEqual(shape(answers[0]), shape(answers[1]), 'forbidden and unknown answers differ')
        assert.ok(!raw.messages.some((m) => m.type === 'sync' && m.documentId === forbiddenId), 'no data for a forbidden doc')
      } finally {
        raw.close()
      }
    })

    test('a viewer receives the document but its edits never reach anyone else', async () => {
      const { alice, bob, ha, hb, url } = await northDoc('Viewer check')
      const vera = await client('vera@north.test')
      const hv = await vera.find(url)
      await waitForDoc(hv, has((e) => e.step === 'created'), { what: 'document data at the viewer' })
      hv.change((d) => {
        d.entries.push({ ...vera.record(), step: 'viewer-edit' })
        d.viewerWasHere = true
      })
      // Positive control: staff edits made after the viewer's still flow everywhere.
      hb.change((d) => d.entries.push({ ...bob.record(), step: 'bob-after-viewer' }))
      await waitForDoc(hv, has((e) => e.step === 'bob-after-viewer'), { what: "bob's edit at the viewer" })
      await waitForDoc(ha, has((e) => e.step === 'bob-after-viewer'), { what: "bob's edit at alice" })
      const viewerEditAt = (h) => () => {
        const d = docOf(h)
        return d && (d.viewerWasHere || has((e) => e.by === vera.userId)(d))
      }
      await holdsFor(viewerEditAt(hb), { window: 2500, what: "the viewer's edit reaching bob" })
      assert.ok(!viewerEditAt(ha)(), "the viewer's edit reached alice")
      const carol = await client('carol@north.test')
      const hc = await carol.find(url)
      await waitForDoc(hc, has((e) => e.step === 'bob-after-viewer'), { what: "bob's edit at a fresh client" })
      assert.ok(!viewerEditAt(hc)(), "the viewer's edit is in the server's copy")
      void alice
    })

    test('only members (not viewers, not other sites) can create a document for north', async () => {
      const sam = await client('sam@south.test')
      const vera = await client('vera@north.test')
      const alice = await client('alice@north.test')
      await Promise.all([sam.waitConnected(), vera.waitConnected(), alice.waitConnected()])
      const hs = sam.repo.create({ site: 'north', kind: 'shipment', entries: [{ ...sam.record() }] })
      const hv = vera.repo.create({ site: 'north', kind: 'shipment', entries: [{ ...vera.record() }] })
      // Positive control, created after the forbidden ones on the same server.
      const ha = alice.repo.create({ site: 'north', kind: 'shipment', entries: [{ ...alice.record() }] })
      const carol = await client('carol@north.test')
      const hc = await carol.findEventually(ha.url)
      await waitForDoc(hc, has((e) => e.by === alice.userId), { what: "alice's new document at carol" })
      const dave = await client('dave@north.test')
      await dave.findUnavailable(hs.url)
      await dave.findUnavailable(hv.url)
    })

    test('disabling a user closes their connection within ~3 s and their later edits never arrive', async () => {
      const { alice, ha, hb, url } = await northDoc('Disable check')
      const dave = await client('dave@north.test')
      const hd = await dave.find(url)
      hd.change((d) => d.entries.push({ ...dave.record(), step: 'before-disable' }))
      await waitForDoc(hb, has((e) => e.step === 'before-disable'), { what: "dave's edit at bob before disable" })
      assert.ok(dave.adapter.isOpen)
      const pendingTicket = await dave.session.ticket() // issued before the disable
      secrets.add(pendingTicket)
      const closesBefore = dave.adapter.stats.closes

      const t0 = Date.now()
      await cli(ctx.db.url, ['user', 'disable', 'dave@north.test'])
      await waitFor(() => dave.adapter.stats.closes > closesBefore, {
        timeout: 10_000,
        what: "the server to close dave's connection after user disable",
      })
      const closedAfter = Date.now() - t0
      assert.ok(closedAfter <= 4_500, `connection closed only after ${closedAfter} ms (contract: ~3 s)`)

      hd.change((d) => d.entries.push({ ...dave.record(), step: 'after-disable' }))
      ha.change((d) => d.entries.push({ ...alice.record(), step: 'alice-after-disable' }))
      await waitForDoc(hb, has((e) => e.step === 'alice-after-disable'), { what: "alice's edit at bob" })
      await holdsFor(() => has((e) => e.step === 'after-disable')(docOf(hb)), {
        window: 2000,
        what: "disabled dave's edit reaching bob",
      })
      assert.ok(!dave.connected, 'dave reconnected although disabled')

      assertAuthError(await postJson(ctx.server.url, '/api/auth/login', { email: 'dave@north.test', password: PASSWORD }), 'account_disabled', 'login of a disabled user')
      assertAuthError(await requestTicket(ctx.server.url, dave.session.accessToken), ['account_disabled', 'token_invalid'], 'ticket for a disabled user')
      assertAuthError(
        await postJson(ctx.server.url, '/api/auth/refresh', { refresh_token: dave.session.refreshToken }),
        ['account_disabled', 'token_invalid'],
        'refresh for a disabled user',
      )
      const up = await openSync(ctx.server.url, { ticket: pendingTicket })
      assertAuthError(up, ['account_disabled', 'ticket_invalid'], 'upgrade with a ticket issued before the disable')

      // Enabling again lets dave log in; his offline edit then syncs.
      await cli(ctx.db.url, ['user', 'enable', 'dave@north.test'])
      const dave2 = Client.fromSession(await Session.login(ctx.server.url, 'dave@north.test', PASSWORD), { name: 'dave-again' })
      clients.push(dave2)
      await dave2.find(url)
    })

    test('member remove makes the site documents unavailable, also on a live connection', async () => {
      const { alice, bob, ha, hb, url } = await northDoc('Member remove check')
      const erin = await client('erin@both.test')
      const he = await erin.find(url)
      he.change((d) => d.entries.push({ ...erin.record(), step: 'before-remove' }))
      await waitForDoc(hb, has((e) => e.step === 'before-remove'), { what: "erin's edit at bob" })
      // erin also works on a south document
      const sam = await client('sam@south.test')
      await sam.waitConnected()
      const hs = sam.repo.create({ site: 'south', kind: 'checklist-run', entries: [{ ...sam.record() }] })

      const closesBefore = erin.adapter.stats.closes
      await cli(ctx.db.url, ['member', 'remove', 'erin@both.test', 'north'])
      // A fresh login of erin cannot load the north document any more...
      const erin2 = await client('erin@both.test')
      await erin2.findUnavailable(url)
      // ...but still loads south documents.
      const hs2 = await erin2.findEventually(hs.url)
      await waitForDoc(hs2, has((e) => e.by === sam.userId), { what: 'south doc at erin' })

      // The live connection: closed, or downgraded (allow the same ~3 s as for disable).
      await waitFor(() => erin.adapter.stats.closes > closesBefore, { timeout: 3500 }).catch(() => {})
      he.change((d) => d.entries.push({ ...erin.record(), step: 'after-remove' }))
      hb.change((d) => d.entries.push({ ...bob.record(), step: 'bob-after-remove' }))
      ha.change((d) => d.entries.push({ ...alice.record(), step: 'alice-after-remove' }))
      await waitForDoc(hb, has((e) => e.step === 'alice-after-remove'), { what: "alice's edit at bob" })
      await holdsFor(
        () => has((e) => e.step === 'after-remove')(docOf(hb)) || has((e) => e.step === 'bob-after-remove')(docOf(he)),
        { window: 2000, what: "data flowing between bob and erin's live connection after member remove" },
      )
    })

    test('member add grants access to the site documents', async () => {
      const { url } = await northDoc('Member add check')
      const sam = await client('sam@south.test')
      await sam.findUnavailable(url)
      await cli(ctx.db.url, ['member', 'add', 'sam@south.test', 'north'])
      const sam2 = await client('sam@south.test')
      const h = await sam2.find(url)
      await waitForDoc(h, has((e) => e.step === 'created'), { what: 'the north document at sam after member add' })
      h.change((d) => d.entries.push({ ...sam2.record(), step: 'sam-now-member' }))
      const carol = await client('carol@north.test')
      const hc = await carol.find(url)
      await waitForDoc(hc, has((e) => e.step === 'sam-now-member'), { what: "the new member's edit at carol" })
      await cli(ctx.db.url, ['member', 'remove', 'sam@south.test', 'north'])
    })

    test('the provisioning CLI rejects bad commands with a non-zero exit and a message', async () => {
      const bad = [
        [['site', 'add', 'north'], undefined, 'duplicate site'],
        [['user', 'add', 'alice@north.test', '--role', 'staff', '--site', 'north'], `${PASSWORD}\n`, 'duplicate user'],
        [['user', 'add', 'zed@north.test', '--role', 'staff', '--site', 'nowhere'], `${PASSWORD}\n`, 'unknown site'],
        [['user', 'add', 'zed@north.test', '--role', 'emperor'], `${PASSWORD}\n`, 'unknown role'],
        [['member', 'add', 'nobody@north.test', 'north'], undefined, 'unknown user'],
        [['member', 'add', 'alice@north.test', 'nowhere'], undefined, 'unknown site for member add'],
        [['user', 'disable', 'nobody@north.test'], undefined, 'disable an unknown user'],
      ]
      const problems = []
      for (const [args, input, what] of bad) {
        const r = await runCli(ctx.db.url, args, { input })
        if (r.code === 0) problems.push(`${what}: \`floorwalk ${args.join(' ')}\` exited 0`)
        else if (!r.stderr.trim()) problems.push(`${what}: exit ${r.code} without a message on stderr`)
      }
      assert.deepEqual(problems, [])
      // and the good path: user list shows the users with their role
      const list = await cli(ctx.db.url, ['user', 'list'])
      assert.match(list.stdout, /alice@north\.test/)
      assert.match(list.stdout, /vera@north\.test/)
      assert.doesNotMatch(list.stdout, /zed@north\.test/, 'a rejected user add left a user behind')
    })

    test('wrong password, unknown user and missing credentials get 401 JSON errors', async () => {
      assertAuthError(
        await postJson(ctx.server.url, '/api/auth/login', { email: 'alice@north.test', password: 'wrong' }),
        'invalid_credentials',
        'wrong password',
      )
      assertAuthError(
        await postJson(ctx.server.url, '/api/auth/login', { email: 'nobody@north.test', password: PASSWORD }),
        'invalid_credentials',
        'unknown user',
      )
      assertAuthError(await postJson(ctx.server.url, '/api/sync/ticket'), 'missing_credentials', 'ticket without a token')
      assertAuthError(await openSync(ctx.server.url, {}), ['missing_credentials', 'ticket_invalid'], 'upgrade without credentials')
      assertAuthError(await openSync(ctx.server.url, { ticket: 'not-a-ticket' }), 'ticket_invalid', 'upgrade with a garbage ticket')
    })

    test('forged tokens are refused: other secret, alg none, tampered claims', async () => {
      const s = await Session.login(ctx.server.url, 'bob@north.test', PASSWORD)
      secrets.add(s.accessToken)
      secrets.add(s.refreshToken)
      const real = decodeJwt(s.accessToken)
      // sanity: the real token works
      assert.equal((await requestTicket(ctx.server.url, s.accessToken)).status, 200)
      const forged = {
        'signed with another secret': signHs256({ alg: 'HS256', typ: 'JWT' }, real.payload, 'not-the-server-secret'),
        'alg none': algNone(real.payload),
        'alg none, uppercase NONE': `${b64urlJson({ alg: 'NONE', typ: 'JWT' })}.${real.parts[1]}.`,
        'tampered claims with the original signature': `${real.parts[0]}.${b64urlJson({ ...real.payload, exp: real.payload.exp + 86400 })}.${real.parts[2]}`,
        'not a JWT at all': 'garbage',
      }
      for (const [what, token] of Object.entries(forged)) {
        assertAuthError(await requestTicket(ctx.server.url, token), 'token_invalid', `ticket with a token ${what}`)
        assertAuthError(await openSync(ctx.server.url, { bearer: token }), 'token_invalid', `upgrade with a token ${what}`)
      }
    })

    test('the upgrade accepts a bearer access token, bound to the login peer id', async () => {
      const s = await Session.login(ctx.server.url, 'bob@north.test', PASSWORD)
      secrets.add(s.accessToken)
      secrets.add(s.refreshToken)
      const raw = await RawPeer.connect(ctx.server.url, { bearer: s.accessToken })
      try {
        const peer = await raw.join(s.peerId)
        assert.equal(peer.type, 'peer')
        assert.equal(peer.targetId, s.peerId)
        assert.equal(peer.selectedProtocolVersion, '1')
      } finally {
        raw.close()
      }
    })

    test('a sync ticket is single use', async () => {
      const s = await Session.login(ctx.server.url, 'bob@north.test', PASSWORD)
      secrets.add(s.accessToken)
      secrets.add(s.refreshToken)
      const ticket = await s.ticket()
      secrets.add(ticket)
      const first = await RawPeer.connect(ctx.server.url, { ticket })
      await first.join(s.peerId)
      first.close()
      assertAuthError(await openSync(ctx.server.url, { ticket }), 'ticket_invalid', 'reused ticket')
    })

    test('refresh tokens rotate; reusing a rotated one revokes the whole family', async () => {
      const first = await login(ctx.server.url, 'carol@north.test', PASSWORD)
      const other = await login(ctx.server.url, 'carol@north.test', PASSWORD) // another family
      for (const b of [first, other]) [b.access_token, b.refresh_token].forEach((x) => secrets.add(x))
      assert.equal(typeof first.expires_in, 'number')
      const r1 = first.refresh_token
      const rot = await postJson(ctx.server.url, '/api/auth/refresh', { refresh_token: r1 })
      assert.equal(rot.status, 200, rot.text)
      const r2 = rot.body.refresh_token
      secrets.add(r2)
      secrets.add(rot.body.access_token)
      assert.notEqual(r2, r1, 'refresh token rotated')
      assert.equal(rot.body.peer_id, first.peer_id, 'same device, same peer id')
      assert.equal((await requestTicket(ctx.server.url, rot.body.access_token)).status, 200, 'new access token works')

      assertAuthError(await postJson(ctx.server.url, '/api/auth/refresh', { refresh_token: r1 }), 'refresh_reused', 'reused (rotated) refresh token')
      assertAuthError(await postJson(ctx.server.url, '/api/auth/refresh', { refresh_token: r2 }), 'refresh_invalid', 'newest token of a revoked family')
      // The other login (another family) is unaffected.
      const ok = await postJson(ctx.server.url, '/api/auth/refresh', { refresh_token: other.refresh_token })
      assert.equal(ok.status, 200, `other family refresh: ${ok.text}`)
      secrets.add(ok.body.refresh_token)
      // Logout revokes.
      const out = await postJson(ctx.server.url, '/api/auth/logout', { refresh_token: ok.body.refresh_token })
      assert.equal(out.status, 204, out.text)
      assertAuthError(await postJson(ctx.server.url, '/api/auth/refresh', { refresh_token: ok.body.refresh_token }), 'refresh_invalid', 'refresh after logout')
    })

    test('an expired access token gets 401 token_expired (FLOORWALK_ACCESS_TOKEN_TTL_SECS=1)', async () => {
      const short = new FloorwalkServer({ dbUrl: ctx.db.url, env: { FLOORWALK_ACCESS_TOKEN_TTL_SECS: '1' }, label: `access-ttl1-${backend}` })
      await short.start()
      try {
        const body = await login(short.url, 'bob@north.test', PASSWORD)
        secrets.add(body.access_token)
        secrets.add(body.refresh_token)
        assert.equal(body.expires_in, 1, 'expires_in reflects the configured TTL')
        const t0 = Date.now()
        const res = await waitFor(
          async () => {
            const r = await requestTicket(short.url, body.access_token)
            return r.status === 401 ? r : undefined
          },
          { timeout: 5_000, interval: 200, what: 'the 1 s access token to be refused' },
        ).catch((e) => {
          throw new Error(`${e.message}: the token was still accepted ${Date.now() - t0} ms after login (clock leeway?)`)
        })
        assertAuthError(res, 'token_expired', 'expired access token')
        assertAuthError(await openSync(short.url, { bearer: body.access_token }), 'token_expired', 'upgrade with an expired token')
        // The refresh token still works and its new access token is accepted at once.
        const s = new Session(short.url, { email: 'bob@north.test', password: PASSWORD, loginBody: body })
        const ticket = await s.ticket()
        assert.equal(s.refreshes, 1, 'ticket() had to refresh')
        assert.equal(typeof ticket, 'string')
        secrets.add(s.accessToken)
        secrets.add(s.refreshToken)
      } catch (e) {
        e.message += `\n${short.logTail(3000)}`
        throw e
      } finally {
        await short.kill()
      }
    })

    test('a sync ticket expires (≤ 60 s after issue)', async () => {
      assert.ok(earlyTicket.expiresIn > 0 && earlyTicket.expiresIn <= 60, `ticket expires_in ${earlyTicket.expiresIn}`)
      const wait = earlyTicket.at + earlyTicket.expiresIn * 1000 + 1500 - Date.now()
      if (wait > 0) await delay(wait) // time must pass for a ticket to expire
      const res = await openSync(ctx.server.url, { ticket: earlyTicket.ticket })
      assertAuthError(res, ['ticket_expired', 'ticket_invalid'], 'expired ticket')
    })

    test('no token or ticket appears in the server logs', async () => {
      const logs = ctx.server.logs.map((f) => readFileSync(f, 'utf8')).join('\n')
      const leaked = [...secrets].filter((s) => s && logs.includes(s))
      assert.deepEqual(leaked.map((s) => s.slice(0, 12) + '…'), [], 'secrets found in server stderr')
    })
  })
}
