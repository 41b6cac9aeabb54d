// Smoke test: the reference sync server starts, prints its line, and two official JS
// clients sync a document through it (it is a load-test comparison target).
import { it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Repo } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { withTimeout, waitFor } from '../lib/wait.mjs'

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference-sync-server.mjs')

it('the reference sync server relays a document between two JS clients and keeps it on disk', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-ref-'))
  const start = () => {
    const proc = spawn(process.execPath, [script, '0', dir], { stdio: ['ignore', 'pipe', 'inherit'] })
    const line = new Promise((resolve, reject) => {
      createInterface({ input: proc.stdout }).on('line', (l) => {
        const m = /^reference listening on (ws:\/\/127\.0\.0\.1:\d+)$/.exec(l)
        if (m) resolve(m[1])
      })
      proc.once('exit', (c) => reject(new Error(`reference server exited ${c}`)))
    })
    return { proc, url: withTimeout(line, 15_000, 'reference server start') }
  }
  const repos = []
  const server = start()
  let server2
  try {
    const url = await server.url
    const a = new Repo({ network: [new WebSocketClientAdapter(url, 300)] })
    const b = new Repo({ network: [new WebSocketClientAdapter(url, 300)] })
    repos.push(a, b)
    const ha = a.create({ entries: ['from-a'] })
    const hb = await waitFor(() => b.find(ha.url).catch(() => (b.delete(ha.url), undefined)), { timeout: 15_000, what: 'b to find the doc' })
    assert.deepEqual(hb.doc().entries, ['from-a'])
    hb.change((d) => d.entries.push('from-b'))
    await waitFor(() => ha.doc().entries.includes('from-b'), { what: "b's edit at a" })
    // Shut the clients down while their server is up (no reconnect timers are left
    // behind: they would keep this process alive). Then a graceful stop flushes to disk,
    // and a restarted server on the same dir serves the doc.
    for (const r of repos.splice(0)) await r.shutdown()
    server.proc.kill('SIGTERM')
    await new Promise((r) => server.proc.once('exit', r))
    server2 = start()
    const url2 = await server2.url
    const c = new Repo({ network: [new WebSocketClientAdapter(url2, 300)] })
    repos.push(c)
    // As for b: a find made before the restarted server attached its handlers
    // ends unavailable (the server drops connections in that moment); ask again.
    const hc = await waitFor(() => c.find(ha.url).catch(() => (c.delete(ha.url), undefined)), { timeout: 15_000, what: 'c to find the doc after the restart' })
    assert.deepEqual([...hc.doc().entries].sort(), ['from-a', 'from-b'])
    for (const r of repos.splice(0)) await r.shutdown()
  } finally {
    for (const r of repos) await r.shutdown().catch(() => {})
    server.proc.kill('SIGKILL')
    server2?.proc.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})
