#!/usr/bin/env node
// DEVELOPMENT AID ONLY – not the product, not run by `npm test`.
// A crude stand-in for the `floorwalk` binary (CLI + HTTP auth + /sync) built on the JS
// automerge-repo sync server, used to check this suite's client plumbing while the Rust
// server is being written:  FLOORWALK_BIN=tests/js/dev/mock-floorwalk.mjs npm test
// It implements no site access control, relays before saving (so the durability suite is
// expected to FAIL against it) and keeps its state in a JSON file next to the database.
import { Repo } from '@automerge/automerge-repo'
import { NodeWSServerAdapter } from '@automerge/automerge-repo-network-websocket'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { WebSocketServer } from 'ws'
import http from 'node:http'
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { randomBytes, createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import path from 'node:path'

const dbUrl = process.env.FLOORWALK_DATABASE_URL ?? ''
const base = dbUrl.startsWith('sqlite://')
  ? dbUrl.slice('sqlite://'.length)
  : path.join(tmpdir(), 'mock-fw-' + createHash('sha1').update(dbUrl).digest('hex'))
const stateFile = base + '.mock.json'
const load = () => (existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : { sites: {}, users: {} })
const save = (s) => writeFileSync(stateFile, JSON.stringify(s))
const die = (msg) => {
  process.stderr.write(msg + '\n')
  process.exit(1)
}
const args = process.argv.slice(2)
const readStdinLine = () => readFileSync(0, 'utf8').split('\n')[0]

function opt(name) {
  const out = []
  for (let i = 0; i < args.length; i++) if (args[i] === name) out.push(args[i + 1])
  return out
}

const [cmd, sub, a1, a2] = args
if (cmd === 'migrate') {
  save(load())
} else if (cmd === 'site' && sub === 'add') {
  const s = load()
  if (s.sites[a1]) die('site exists')
  s.sites[a1] = { name: opt('--name')[0] ?? a1 }
  save(s)
} else if (cmd === 'user') {
  const s = load()
  if (sub === 'add') {
    if (s.users[a1]) die('user exists')
    s.users[a1] = { role: opt('--role')[0], sites: opt('--site'), password: readStdinLine(), disabled: false }
  } else if (sub === 'disable' || sub === 'enable') {
    if (!s.users[a1]) die('no such user')
    s.users[a1].disabled = sub === 'disable'
  } else if (sub === 'list') {
    for (const [e, u] of Object.entries(s.users)) console.log(`${e}\t${u.role}\t${u.sites.join(',')}`)
  } else die('bad user command')
  save(s)
} else if (cmd === 'member') {
  const s = load()
  const u = s.users[a1] ?? die('no such user')
  if (sub === 'add') u.sites.push(a2)
  else u.sites = u.sites.filter((x) => x !== a2)
  save(s)
} else if (cmd === 'serve') {
  serve(opt('--bind')[0] ?? '127.0.0.1:0')
} else die('unknown command')

function serve(bind) {
  const [host, port] = bind.split(':')
  const ttl = Number(process.env.FLOORWALK_ACCESS_TOKEN_TTL_SECS ?? 900)
  const st = load()
  const access = new Map(st.access ?? []) // token -> { email, peer, exp }
  const refresh = new Map(st.refresh ?? []) // token -> { email, peer, family, used }
  const persist = () => {
    const s2 = load()
    s2.access = [...access]
    s2.refresh = [...refresh]
    save(s2)
  }
  const tickets = new Map() // ticket -> { email, peer, exp }
  const err = (res, status, error, message) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ error, message }))
  }
  const json = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const tok = () => randomBytes(24).toString('base64url')
  const issue = (email, peer, family) => {
    const a = tok()
    const r = tok()
    access.set(a, { email, peer, exp: Date.now() + ttl * 1000 })
    refresh.set(r, { email, peer, family, used: false })
    persist()
    return { access_token: a, refresh_token: r, expires_in: ttl, peer_id: peer }
  }
  const bearer = (req) => {
    const h = req.headers.authorization ?? ''
    const t = h.startsWith('Bearer ') ? h.slice(7) : undefined
    const a = t && access.get(t)
    if (!a) return { error: t ? 'token_invalid' : 'missing_credentials' }
    if (a.exp < Date.now()) return { error: 'token_expired' }
    if (load().users[a.email]?.disabled) return { error: 'account_disabled' }
    return a
  }
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      let j = {}
      try {
        j = body ? JSON.parse(body) : {}
      } catch {
        return err(res, 400, 'bad_request', 'bad json')
      }
      const url = new URL(req.url, 'http://x')
      if (url.pathname === '/healthz' || url.pathname === '/readyz') return json(res, 200, { ok: true })
      if (req.method === 'POST' && url.pathname === '/api/auth/login') {
        const u = load().users[j.email]
        if (!u || u.password !== j.password) return err(res, 401, 'invalid_credentials', 'wrong email or password')
        if (u.disabled) return err(res, 401, 'account_disabled', 'disabled')
        return json(res, 200, issue(j.email, 'fw-' + randomBytes(8).toString('hex'), tok()))
      }
      if (req.method === 'POST' && url.pathname === '/api/auth/refresh') {
        const r = refresh.get(j.refresh_token)
        if (!r) return err(res, 401, 'token_invalid', 'unknown refresh token')
        if (r.used) {
          for (const v of refresh.values()) if (v.family === r.family) v.used = true
          persist()
          return err(res, 401, 'token_invalid', 'refresh token reuse')
        }
        r.used = true
        return json(res, 200, issue(r.email, r.peer, r.family))

      }
      if (req.method === 'POST' && url.pathname === '/api/auth/logout') {
        const r = refresh.get(j.refresh_token)
        if (r) r.used = true
        res.writeHead(204)
        return res.end()
      }
      if (req.method === 'POST' && url.pathname === '/api/sync/ticket') {
        const a = bearer(req)
        if (a.error) return err(res, 401, a.error, a.error)
        const t = tok()
        tickets.set(t, { email: a.email, peer: a.peer, exp: Date.now() + 30_000 })
        return json(res, 200, { ticket: t, peer_id: a.peer, expires_in: 30 })
      }
      err(res, 404, 'not_found', 'not found')
    })
  })
  const wss = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url, 'http://x')
    const t = url.searchParams.get('ticket')
    const ok = t && tickets.get(t)
    if (ok) tickets.delete(t)
    if (!ok || ok.exp < Date.now()) {
      const b = JSON.stringify({ error: 'ticket_invalid', message: 'bad ticket' })
      socket.end(`HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${b.length}\r\n\r\n${b}`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })
  const repo = new Repo({
    network: [new NodeWSServerAdapter(wss)],
    storage: new NodeFSStorageAdapter(base + '.repo'),
    peerId: 'mock-floorwalk',
    sharePolicy: async () => false,
  })
  server.listen(Number(port), host, () => {
    process.stdout.write(`floorwalk listening on http://127.0.0.1:${server.address().port}\n`)
  })
  process.on('SIGTERM', () => void repo.flush().finally(() => process.exit(0)))
}
