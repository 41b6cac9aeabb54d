// automerge-repo clients wired to a floorwalk server through the TicketedWebSocketAdapter.
import { Repo } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Session } from './auth.mjs'
import { TicketedWebSocketAdapter } from './ticketed-adapter.mjs'
import { waitFor, withTimeout } from './wait.mjs'

/**
 * One device: a Session, a Repo constructed with the server-issued peer id, and one
 * TicketedWebSocketAdapter (replaced on goOnline()).
 *
 * options:
 *   storage: 'memory' (default) | 'fs' (NodeFS in a fresh temp dir) | <dir path>
 *   online:  connect right away (default true)
 *   gate:    () => Promise awaited before each connect attempt
 */
const storageToRemove = new Set()
process.on('exit', () => {
  for (const d of storageToRemove) rmSync(d, { recursive: true, force: true })
})

export class Client {
  static async create(server, email, password, { storage = 'memory', online = true, gate, retryInterval = 300, name, repoOptions } = {}) {
    const baseUrl = () => server.url
    const session = await Session.login(baseUrl, email, password)
    return new Client({ session, storage, online, gate, retryInterval, name: name ?? email, repoOptions })
  }

  /** Another Repo for an existing session (same user, device and peer id; no new login). */
  static fromSession(session, { storage = 'memory', online = true, gate, retryInterval = 300, name } = {}) {
    return new Client({ session, storage, online, gate, retryInterval, name: name ?? session.email })
  }

  constructor({ session, storage, online, gate, retryInterval, name, repoOptions = {} }) {
    this.session = session
    this.name = name
    this.gate = gate
    this.retryInterval = retryInterval
    this.tempDirs = []
    let storageAdapter
    if (storage === 'fs') {
      this.storageDir = mkdtempSync(path.join(tmpdir(), 'fw-js-client-'))
      this.tempDirs.push(this.storageDir)
      storageAdapter = new NodeFSStorageAdapter(this.storageDir)
    } else if (storage && storage !== 'memory') {
      this.storageDir = storage
      storageAdapter = new NodeFSStorageAdapter(storage)
    }
    this.adapter = online ? this.#newAdapter() : undefined
    this.repo = new Repo({
      network: this.adapter ? [this.adapter] : [],
      peerId: session.peerId,
      storage: storageAdapter,
      ...repoOptions,
    })
  }

  get peerId() {
    return this.session.peerId
  }

  /** The server's id of this client's user, as records name it. */
  get userId() {
    return this.session.userId
  }

  /** `{by, at, device}` naming this client's user and device, as the write policy requires. */
  record(at) {
    return this.session.record(at)
  }

  #newAdapter() {
    return new TicketedWebSocketAdapter(this.session, { retryInterval: this.retryInterval, gate: this.gate })
  }

  /** True once the server answered our join (the server is a connected peer). */
  get connected() {
    return !!this.adapter?.isOpen && this.repo.peers.length > 0
  }

  async waitConnected(timeout = 15_000) {
    await waitFor(() => this.connected, { timeout, what: `${this.name} to be connected` })
  }

  /** Drop the network (storage and in-memory documents stay). */
  goOffline() {
    if (!this.adapter) return
    this.repo.networkSubsystem.removeNetworkAdapter(this.adapter)
    this.adapter = undefined
  }

  /** Connect again with a new adapter (a fresh ticket per attempt). */
  goOnline() {
    if (this.adapter) return
    this.adapter = this.#newAdapter()
    this.repo.networkSubsystem.addNetworkAdapter(this.adapter)
  }

  async find(url, timeout = 15_000) {
    return withTimeout(this.repo.find(url), timeout, `${this.name} find ${url}`)
  }

  /**
   * find() for a document that another client may still be uploading: while the server
   * answers unavailable, forget that verdict (repo.delete drops only the local handle)
   * and ask again, until `timeout`.
   */
  async findEventually(url, timeout = 20_000) {
    const deadline = Date.now() + timeout
    for (;;) {
      try {
        return await this.find(url, Math.max(1000, deadline - Date.now()))
      } catch (e) {
        if (Date.now() >= deadline || !/unavailable/i.test(e.message)) throw e
        this.repo.delete(url)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
  }

  /**
   * find() that is expected to end "unavailable": resolves the elapsed ms when the
   * promise rejects as unavailable, throws if it resolves (document delivered) or hangs.
   */
  async findUnavailable(url, timeout = 15_000) {
    const t0 = Date.now()
    let handle
    try {
      handle = await withTimeout(this.repo.find(url), timeout, `${this.name} find ${url} to end`)
    } catch (e) {
      if (/unavailable/i.test(e.message)) return Date.now() - t0
      throw e
    }
    throw new Error(`${this.name} could load ${url} (${JSON.stringify(handle.doc()).slice(0, 200)}), expected unavailable`)
  }

  /** Shut the repo down (flushes storage). keepStorage: leave the storage dir on disk. */
  async close({ keepStorage = false } = {}) {
    try {
      await withTimeout(this.repo.shutdown(), 10_000, `${this.name} repo shutdown`)
    } catch {
      /* best effort */
    }
    this.adapter = undefined
    // The repo may still write sync state after shutdown resolves: removing its
    // directory now would make that write fail as an unhandled rejection in a
    // later test. The directories go when the test process exits.
    if (!keepStorage) for (const d of this.tempDirs) storageToRemove.add(d)
  }
}

/** The doc of a handle, or undefined when it is not ready. */
export function docOf(handle) {
  try {
    return handle.doc()
  } catch {
    return undefined
  }
}

/** Wait until predicate(doc) holds on `handle`. */
export async function waitForDoc(handle, predicate, { timeout = 15_000, what = 'document condition' } = {}) {
  try {
    return await waitFor(
      () => {
        const d = docOf(handle)
        return d !== undefined && predicate(d)
      },
      { timeout, what },
    )
  } catch (e) {
    const d = docOf(handle)
    e.message += `; document is now: ${d === undefined ? `(not ready: ${handle.state})` : JSON.stringify(d).slice(0, 1500)}`
    throw e
  }
}
