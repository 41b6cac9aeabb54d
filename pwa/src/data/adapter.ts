// automerge-repo's WebSocketClientAdapter, with a fresh single-use sync ticket before
// every (re)connect and exponential backoff. The base class retries the URL it was
// given (a spent ticket), so its own timers are pushed out of the way and this class
// schedules every attempt itself.
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import type { PeerId, PeerMetadata } from '@automerge/automerge-repo/slim'
import { backoffDelay } from '../lib/backoff'
import { t } from '../i18n'
import { NeedsLogin } from '../lib/auth'

/** The base class's own retry timers: far enough out never to matter. */
const BASE_RETRY_MS = 24 * 3600 * 1000

export interface TicketSource {
  /** A fresh ticket; throws if none can be had (offline, server down, login needed). */
  ticket(): Promise<string>
  /** ws(s)://host/sync for this origin. */
  syncUrl(ticket: string): string
}

export type ConnectionState = 'offline' | 'connecting' | 'connected' | 'waiting' | 'stopped'

export class TicketedWebSocketAdapter extends WebSocketClientAdapter {
  private attempt = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = false
  private inFlight = false
  private myPeerId: PeerId | undefined
  private myMeta: PeerMetadata | undefined
  state: ConnectionState = 'waiting'
  lastError: string | null = null
  onState: (state: ConnectionState, error: string | null) => void = () => {}

  constructor(private source: TicketSource) {
    super('ws://invalid.invalid/sync', BASE_RETRY_MS)
    const baseClose = this.onClose
    this.onClose = () => {
      baseClose()
      if (!this.stopped) this.schedule()
    }
    // The base handler rethrows some errors; a close event always follows an error.
    this.onError = () => {
      this.lastError = t('sync.connectionFailed')
    }
  }

  private setState(state: ConnectionState): void {
    this.state = state
    this.onState(state, this.lastError)
  }

  override connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.myPeerId = peerId
    this.myMeta = peerMetadata
    if (this.stopped || this.inFlight) return
    // 0 = CONNECTING, 1 = OPEN (no global WebSocket constants in every runtime).
    if (this.socket && this.socket.readyState <= 1) return
    clearTimeout(this.timer)
    this.detachSocket()
    void this.connectWithTicket(peerId, peerMetadata)
  }

  /**
   * Forget the current socket: stop listening to it, close it, and tell the Repo the
   * server is gone. A socket closed while the network is down may not report `close`
   * for minutes; without this the Repo would take the next connection for the old one
   * and never sync again.
   */
  private detachSocket(): void {
    const socket = this.socket
    if (!socket) return
    socket.removeEventListener('open', this.onOpen)
    socket.removeEventListener('close', this.onClose)
    socket.removeEventListener('message', this.onMessage)
    socket.removeEventListener('error', this.onError)
    // Closing a socket that is still connecting reports an error (Node's ws throws it if
    // nobody listens): it is expected here.
    socket.addEventListener('error', () => {})
    try {
      if (socket.readyState <= 1) socket.close()
    } catch {
      /* already closing */
    }
    this.socket = undefined
    if (this.remotePeerId) {
      const peerId = this.remotePeerId
      this.remotePeerId = undefined
      this.emit('peer-disconnected', { peerId })
    }
  }

  private async connectWithTicket(peerId: PeerId, peerMetadata?: PeerMetadata): Promise<void> {
    this.inFlight = true
    try {
      if (typeof navigator !== 'undefined' && navigator.onLine === false) {
        this.setState('offline')
        return // the 'online' event calls reconnectNow()
      }
      this.setState('connecting')
      let ticket: string
      try {
        ticket = await this.source.ticket()
      } catch (e) {
        this.lastError = e instanceof Error ? e.message : String(e)
        if (e instanceof NeedsLogin) {
          this.stop()
          return
        }
        this.schedule()
        return
      }
      if (this.stopped) return
      ;(this as { url: string }).url = this.source.syncUrl(ticket)
      super.connect(peerId, peerMetadata)
    } finally {
      this.inFlight = false
    }
  }

  override peerCandidate(remotePeerId: PeerId, peerMetadata: PeerMetadata): void {
    this.attempt = 0
    this.lastError = null
    super.peerCandidate(remotePeerId, peerMetadata)
    this.setState('connected')
  }

  private schedule(): void {
    if (this.stopped) return
    clearTimeout(this.timer)
    const delay = backoffDelay(this.attempt++, { base: 1000, max: 30_000 })
    this.setState('waiting')
    this.timer = setTimeout(() => {
      if (this.myPeerId) this.connect(this.myPeerId, this.myMeta)
    }, delay)
  }

  /** Try now (manual retry, or the browser says it is back online). */
  reconnectNow(): void {
    if (this.stopped || !this.myPeerId) return
    this.attempt = 0
    clearTimeout(this.timer)
    this.connect(this.myPeerId, this.myMeta)
  }

  /** The browser went offline: close the socket now rather than wait for a timeout. */
  dropForOffline(): void {
    clearTimeout(this.timer)
    this.detachSocket()
    this.setState('offline')
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.setState('stopped')
  }

  override disconnect(): void {
    this.stop()
    this.detachSocket()
  }
}
