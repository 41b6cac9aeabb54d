// Live updates: GET /api/events as a fetch stream (the Bearer header, no token in the
// URL), reconnected with backoff; a fresh access token is used on every attempt, so a
// stream the server ends at token expiry simply reconnects.
import { backoffDelay } from '../lib/backoff'
import { ApiError, authFetch, readError } from '../data/session'
import { SseParser } from './sse'
import { t } from '../i18n'
import { live, noteChange } from './state'

export interface SiteChanged {
  site: string
  document_id: string
  document_type: string
}

type Listener = (e: SiteChanged) => void
const listeners = new Set<Listener>()

/** Called on every site-changed event (views that watch one document use it). */
export function onSiteChanged(fn: Listener): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

let running: AbortController | null = null

export function startLive(): () => void {
  if (running) return () => {}
  const ctrl = new AbortController()
  running = ctrl
  void loop(ctrl.signal)
  return () => {
    ctrl.abort()
    running = null
  }
}

async function loop(signal: AbortSignal): Promise<void> {
  let attempt = 0
  let first = true
  while (!signal.aborted) {
    live.value = { kind: 'connecting' }
    let reason = t('live.closed')
    try {
      const gotEvents = await stream(signal, first)
      if (gotEvents) {
        attempt = 0
        first = false
      }
    } catch (e) {
      if (signal.aborted) return
      reason = e instanceof ApiError ? `${e.status}: ${e.message}` : e instanceof Error ? e.message : String(e)
    }
    if (signal.aborted) return
    const delay = backoffDelay(attempt++, { base: 1000, max: 30_000 })
    live.value = { kind: 'lost', retryAt: Date.now() + delay, reason }
    await new Promise((r) => setTimeout(r, delay))
  }
}

/** One connection; resolves when the server ends it (true if it was ever ready). */
async function stream(signal: AbortSignal, first: boolean): Promise<boolean> {
  const res = await authFetch('/api/events', { signal, headers: { accept: 'text/event-stream' } })
  if (!res.ok) throw await readError(res)
  if (!res.body) throw new Error(t('live.noBody'))
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  const parser = new SseParser()
  let ready = false
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return ready
    for (const ev of parser.push(value)) {
      if (ev.event === 'ready') {
        ready = true
        live.value = { kind: 'live' }
        // After a reconnect anything may have changed while we were away.
        if (!first) noteChange(null)
      } else if (ev.event === 'resync') {
        // The server dropped events for us: refetch everything in view.
        noteChange(null)
      } else if (ev.event === 'site-changed') {
        let data: SiteChanged | null = null
        try {
          data = JSON.parse(ev.data) as SiteChanged
        } catch {
          /* malformed: refetch anyway */
        }
        noteChange(data?.site ?? null)
        if (data) for (const fn of listeners) fn(data)
      }
    }
  }
}
