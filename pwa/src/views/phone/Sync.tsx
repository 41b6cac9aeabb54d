import { connection, connectionError, photos, retryNow, storagePersisted, syncTotals, tracks, trackState } from '../../data/runtime'
import { knownDocs } from '../../data/registry'
import { Screen } from '../../ui/components'
import { STATE_LABEL, summaryText } from '../../lib/syncstate'
import { online } from '../../data/runtime'

export function SyncView() {
  const docs = knownDocs()
  const list = Object.values(tracks.value)
  const t = syncTotals.value
  return (
    <Screen title="Sync status" back="/">
      <p data-testid="sync-details-summary">{summaryText(t, online.value)}</p>
      <p class="muted small">
        Connection: {connection.value}
        {connectionError.value ? ` (${connectionError.value})` : ''} · Storage: {storagePersisted.value === null ? 'unknown' : storagePersisted.value ? 'persistent' : 'may be cleared by the browser'}
      </p>
      <button type="button" class="btn primary" onClick={retryNow}>
        Retry now
      </button>
      <h2>Documents</h2>
      <ul class="cards">
        {list.map((d) => {
          const st = trackState(d.url)
          const k = docs[d.url]
          return (
            <li key={d.url} class="card small" data-testid="sync-doc" data-state={st}>
              <strong>{k?.title ?? k?.type ?? 'Document'}</strong> <span class={`chip chip-${st}`}>{STATE_LABEL[st]}</span>
              {d.unsyncedChanges > 0 && st !== 'synced' && <span class="muted"> · {d.unsyncedChanges} change(s) waiting</span>}
              {d.error && <p class="error">{d.error}</p>}
            </li>
          )
        })}
      </ul>
      <h2>Photos and signatures</h2>
      {photos.value.length === 0 && <p class="muted">None yet.</p>}
      <ul class="cards">
        {photos.value.map((p) => (
          <li key={p.sha256} class="card small" data-testid="sync-photo" data-state={p.state}>
            {p.contentType} · {Math.round(p.size / 1024)} kB · <span class={`chip chip-photo-${p.state}`}>{p.state}</span>
            {p.attempts > 0 && p.state !== 'uploaded' && <span class="muted"> · {p.attempts} attempt(s)</span>}
            {p.lastError && p.state !== 'uploaded' && <p class="error">{p.lastError}</p>}
          </li>
        ))}
      </ul>
    </Screen>
  )
}
