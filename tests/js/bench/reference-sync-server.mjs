#!/usr/bin/env node
// The official automerge-repo sync-server pattern, as a comparison target for load tests:
// a Repo with NodeWSServerAdapter on a `ws` WebSocketServer, NodeFS storage, and a share
// policy that announces nothing (clients must request documents by id).
//
// usage: node bench/reference-sync-server.mjs [port] [dataDir]
//   env REFERENCE_PORT (default 0 = any free port), REFERENCE_DATA_DIR (default a temp dir),
//       REFERENCE_HOST (default 127.0.0.1)
// prints exactly one line on stdout when listening: reference listening on ws://127.0.0.1:<port>
import { Repo } from '@automerge/automerge-repo'
import { NodeWSServerAdapter } from '@automerge/automerge-repo-network-websocket'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { WebSocketServer } from 'ws'
import { mkdtempSync } from 'node:fs'
import { tmpdir, hostname } from 'node:os'
import path from 'node:path'

const port = Number(process.argv[2] ?? process.env.REFERENCE_PORT ?? 0)
const dataDir = process.argv[3] ?? process.env.REFERENCE_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'fw-reference-'))
const host = process.env.REFERENCE_HOST ?? '127.0.0.1'

const wss = new WebSocketServer({ host, port, maxPayload: 256 * 1024 * 1024 })
const repo = new Repo({
  network: [new NodeWSServerAdapter(wss)],
  storage: new NodeFSStorageAdapter(dataDir),
  peerId: `reference-sync-server-${hostname()}`,
  sharePolicy: async () => false,
})

wss.on('listening', () => {
  const addr = wss.address()
  process.stdout.write(`reference listening on ws://${host}:${addr.port}\n`)
  process.stderr.write(`reference sync server: data in ${dataDir}\n`)
})

let stopping = false
async function shutdown(signal) {
  if (stopping) return
  stopping = true
  process.stderr.write(`reference sync server: ${signal}, shutting down\n`)
  try {
    await repo.shutdown()
  } finally {
    wss.close()
    process.exit(0)
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
