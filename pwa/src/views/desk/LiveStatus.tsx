// Freshness of the figures and the state of the live connection.
import { useEffect, useState } from 'preact/hooks'
import { lastUpdated, live } from '../../desk/state'
import { fmtAgo } from '../../desk/format'

export function LiveStatus() {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [])
  const l = live.value
  const at = lastUpdated.value
  return (
    <div class="desk-live" data-testid="live-status" data-state={l.kind}>
      <span class={`desk-live-dot ${l.kind}`} aria-hidden="true" />
      <span>
        {l.kind === 'live' && 'Live'}
        {l.kind === 'connecting' && 'Connecting…'}
        {l.kind === 'lost' && `Live updates lost (${l.reason}); retrying in ${Math.max(0, Math.ceil((l.retryAt - now) / 1000))} s`}
      </span>
      {at !== null && <span data-testid="updated-ago">updated {fmtAgo(at, now)}</span>}
    </div>
  )
}
