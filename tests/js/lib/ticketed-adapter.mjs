// A WebSocketClientAdapter that fetches a fresh single-use sync ticket before every
// (re)connect, as the PWA does: the base class retries by calling this.connect() again.
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'

export class TicketedWebSocketAdapter extends WebSocketClientAdapter {
  #session
  #gate
  #connecting = false
  #closed = false
  #retryTimer

  /**
   * @param session  a Session (lib/auth.mjs): provides baseUrl and ticket()
   * @param options.retryInterval  ms between reconnect attempts (tests: 300)
   * @param options.gate  optional () => Promise awaited before each connect attempt
   *                      (lets a test hold back reconnects)
   */
  constructor(session, { retryInterval = 300, gate } = {}) {
    super(TicketedWebSocketAdapter.syncUrl(session.baseUrl), retryInterval)
    this.#session = session
    this.#gate = gate
    this.stats = { attempts: 0, opens: 0, closes: 0, ticketErrors: 0, socketErrors: 0 }
    this.lastTicketError = undefined
    this.lastSocketError = undefined
    this.lastClose = undefined
  }

  static syncUrl(baseUrl, ticket) {
    const u = baseUrl.replace(/^http/, 'ws') + '/sync'
    return ticket === undefined ? u : `${u}?ticket=${encodeURIComponent(ticket)}`
  }

  get closed() {
    return this.#closed
  }

  /** True while the current socket is open. */
  get isOpen() {
    return !!this.socket && this.socket.readyState === 1
  }

  connect(peerId, peerMetadata) {
    if (this.#closed || this.#connecting) return
    this.#connecting = true
    this.#connectWithTicket(peerId, peerMetadata).finally(() => {
      this.#connecting = false
    })
  }

  async #connectWithTicket(peerId, peerMetadata) {
    this.stats.attempts += 1
    let ticket
    try {
      if (this.#gate) await this.#gate()
      if (this.#closed) return
      ticket = await this.#session.ticket()
    } catch (e) {
      // Server down, or credentials refused: try again later, like the base class does.
      this.stats.ticketErrors += 1
      this.lastTicketError = e
      if (!this.#closed) {
        clearTimeout(this.#retryTimer)
        this.#retryTimer = setTimeout(() => this.connect(peerId, peerMetadata), this.retryInterval)
      }
      return
    }
    if (this.#closed) return
    // A retry tick can race with the previous attempt's socket opening: keep the open one.
    if (this.socket && this.socket.readyState === 1) return
    this.url = TicketedWebSocketAdapter.syncUrl(this.#session.baseUrl, ticket)
    const previous = this.socket
    super.connect(peerId, peerMetadata)
    // The base class drops its listeners from a socket it replaces, even one that is still
    // connecting: an error on it (e.g. the server died mid-handshake) would then be an
    // uncaught exception. Silence and abandon it.
    if (previous && previous !== this.socket) abandon(previous)
    // Track the socket's life for the tests (in addition to the base class's listeners).
    const socket = this.socket
    socket.addEventListener('open', () => (this.stats.opens += 1))
    socket.addEventListener('close', (ev) => {
      this.stats.closes += 1
      this.lastClose = { code: ev.code, reason: String(ev.reason ?? '') }
    })
  }

  // The base handler throws on any error other than ECONNREFUSED, e.g. a 401 answer to
  // the upgrade ("Unexpected server response: 401"), which would crash the process.
  // A close event always follows, and the base class retries from there.
  onError = (event) => {
    this.stats.socketErrors += 1
    this.lastSocketError = event?.error ?? event
  }

  disconnect() {
    this.#closed = true
    clearTimeout(this.#retryTimer)
    const socket = this.socket
    // close() on a connecting `ws` socket emits an error after the base class removed its
    // error listener: keep one.
    if (socket) socket.on?.('error', () => {})
    if (socket && this.peerId) super.disconnect()
  }
}

function abandon(socket) {
  socket.on?.('error', () => {})
  if (socket.readyState === 0 || socket.readyState === 1) {
    try {
      socket.terminate?.()
    } catch {
      /* already closing */
    }
  }
}
