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
    this.url = TicketedWebSocketAdapter.syncUrl(this.#session.baseUrl, ticket)
    super.connect(peerId, peerMetadata)
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
    if (this.socket && this.peerId) super.disconnect()
  }
}
