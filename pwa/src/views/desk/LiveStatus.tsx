// Freshness of the figures and the state of the live connection.
import { useEffect, useState } from 'preact/hooks'
import { lastUpdated, live } from '../../desk/state'
import { fmtAgo } from '../../desk/format'
import { t } from '../../i18n'

export function LiveStatus() {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  const l = live.value
  const at = lastUpdated.value
  return (
    <div class="desk-live" data-testid="live-status" data-state={l.kind}>
      <span class={`desk-live-dot ${l.kind}`} aria-hidden="true" />
      <span>
        {l.kind === 'live' && t('live.live')}
        {l.kind === 'connecting' && t('banner.connecting')}
        {l.kind === 'lost' && t('live.lost', { reason: l.reason, seconds: Math.max(0, Math.ceil((l.retryAt - now) / 1000)) })}
      </span>
      {at !== null && <span data-testid="updated-ago">{t('live.updated', { ago: fmtAgo(at, now) })}</span>}
    </div>
  )
}
