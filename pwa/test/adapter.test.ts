// The ticketed adapter against a local websocket server: every (re)connect uses a fresh
// ticket, retries back off, and a connection dropped for "offline" is forgotten at once.
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import type { AddressInfo } from 'node:net'
import type { PeerId } from '@automerge/automerge-repo/slim'
import { TicketedWebSocketAdapter } from '../src/data/adapter'

const servers: WebSocketServer[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
})

function server(onConnection: (ticket: string | null, close: () => void) => void) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  servers.push(wss)
  wss.on('connection', (socket, req) => {
    const ticket = new URL(req.url ?? '/', 'http://x').searchParams.get('ticket')
    onConnection(ticket, () => socket.close())
  })
  return new Promise<number>((resolve) => wss.on('listening', () => resolve((wss.address() as AddressInfo).port)))
}

async function until(fn: () => boolean, ms = 8000) {
  const t0 = Date.now()
  while (!fn()) {
    if (Date.now() - t0 > ms) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('TicketedWebSocketAdapter', () => {
  it('fetches a fresh ticket for every connection and backs off between attempts', async () => {
    const seen: { ticket: string | null; at: number }[] = []
    const port = await server((ticket, close) => {
      seen.push({ ticket, at: Date.now() })
      close() // the server drops every connection: the adapter must keep retrying
    })
    let n = 0
    const adapter = new TicketedWebSocketAdapter({
      ticket: async () => `t${++n}`,
      syncUrl: (t) => `ws://127.0.0.1:${port}/sync?ticket=${t}`,
    })
    adapter.connect('phone-1' as PeerId)
    await until(() => seen.length >= 3)
    adapter.disconnect()
    expect(seen.map((s) => s.ticket)).toEqual(['t1', 't2', 't3'].slice(0, seen.length))
    // Backoff: the second gap is not shorter than half the first (jittered doubling from ~1 s).
    const gap1 = seen[1].at - seen[0].at
    const gap2 = seen[2].at - seen[1].at
    expect(gap1).toBeGreaterThanOrEqual(400)
    expect(gap2).toBeGreaterThanOrEqual(gap1 / 2)
  }, 15_000)

  it('keeps trying while no ticket can be had, then connects', async () => {
    const tickets: (string | null)[] = []
    const port = await server((ticket) => tickets.push(ticket))
    let calls = 0
    const adapter = new TicketedWebSocketAdapter({
      ticket: async () => {
        calls += 1
        if (calls < 3) throw new Error('server down')
        return 'good'
      },
      syncUrl: (t) => `ws://127.0.0.1:${port}/sync?ticket=${t}`,
    })
    const states: string[] = []
    adapter.onState = (s) => states.push(s)
    adapter.connect('phone-2' as PeerId)
    await until(() => tickets.length === 1, 10_000)
    adapter.disconnect()
    expect(tickets).toEqual(['good'])
    expect(calls).toBe(3)
    expect(states).toContain('waiting')
  }, 15_000)

  it('forgets the server at once when the phone goes offline', async () => {
    const port = await server(() => {})
    const adapter = new TicketedWebSocketAdapter({ ticket: async () => 'x', syncUrl: (t) => `ws://127.0.0.1:${port}/sync?ticket=${t}` })
    const gone: string[] = []
    adapter.on('peer-disconnected', ({ peerId }) => gone.push(peerId))
    adapter.connect('phone-3' as PeerId)
    await until(() => adapter.socket?.readyState === 1)
    adapter.remotePeerId = 'server' as PeerId // as if the server had answered the join
    adapter.dropForOffline()
    expect(gone).toEqual(['server'])
    expect(adapter.socket).toBeUndefined()
    expect(adapter.state).toBe('offline')
    adapter.disconnect()
  })
})
