// A raw automerge-repo wire-protocol peer over `ws` + `cbor-x`, for protocol-level tests.
import WebSocket from 'ws'
import { Encoder, decode } from 'cbor-x'
import { waitFor } from './wait.mjs'

const encoder = new Encoder({ tagUint8Array: false, useRecords: false })
export const encodeCbor = (obj) => encoder.encode(obj)
export const decodeCbor = (buf) => decode(buf)

/**
 * Open a websocket to /sync. `auth` is { ticket } or { bearer }.
 * Resolves { ws, status } once open, or { status, body } if the upgrade was refused.
 */
export function openSync(baseUrl, auth, { maxPayload, autoPong = true } = {}) {
  const wsBase = baseUrl.replace(/^http/, 'ws') + '/sync'
  const url = auth.ticket !== undefined ? `${wsBase}?ticket=${encodeURIComponent(auth.ticket)}` : wsBase
  const headers = auth.bearer !== undefined ? { authorization: `Bearer ${auth.bearer}` } : {}
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, maxPayload, autoPong })
    ws.binaryType = 'nodebuffer'
    ws.once('open', () => resolve({ ws, status: 101 }))
    ws.once('unexpected-response', (req, res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d) => (text += d))
      res.on('end', () => {
        let body
        try {
          body = JSON.parse(text)
        } catch {
          body = undefined
        }
        resolve({ status: res.statusCode, text, body, headers: res.headers })
        ws.terminate()
      })
    })
    ws.on('error', (e) => reject(e))
  })
}

export class RawPeer {
  /**
   * @param session a Session (its ticket() is used) – or pass { ticket } / { bearer } via `auth`
   */
  static async connect(baseUrl, auth, opts) {
    const r = await openSync(baseUrl, auth, opts)
    if (r.status !== 101) throw new Error(`upgrade refused: HTTP ${r.status} ${r.text}`)
    return new RawPeer(r.ws)
  }

  constructor(ws) {
    this.ws = ws
    this.messages = [] // decoded messages (or { undecodable: Buffer })
    this.textFrames = []
    this.closed = undefined // { code, reason } once closed
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        this.textFrames.push(data.toString())
        return
      }
      try {
        this.messages.push(decode(data))
      } catch {
        this.messages.push({ undecodable: data })
      }
    })
    this.closedPromise = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString() }
        resolve(this.closed)
      })
    })
    ws.on('error', (e) => {
      this.error = e
    })
  }

  send(obj) {
    this.ws.send(encodeCbor(obj))
  }

  sendRaw(data, opts) {
    this.ws.send(data, opts)
  }

  async join(peerId, { timeout = 10_000, metadata = { isEphemeral: true } } = {}) {
    this.peerId = peerId
    this.send({ type: 'join', senderId: peerId, peerMetadata: metadata, supportedProtocolVersions: ['1'] })
    const peer = await this.waitMessage((m) => m.type === 'peer', { timeout, what: 'peer message after join' })
    this.serverPeerId = peer.senderId
    return peer
  }

  async waitMessage(pred, { timeout = 10_000, what = 'message', from = 0 } = {}) {
    return waitFor(() => this.messages.slice(from).find(pred), { timeout, what, interval: 10 })
  }

  errorMessages() {
    return this.messages.filter((m) => m && m.type === 'error')
  }

  async waitClosed(timeout = 10_000) {
    return waitFor(() => this.closed, { timeout, what: 'the server to close the connection', interval: 10 })
  }

  close() {
    if (!this.closed) this.ws.terminate()
  }
}
