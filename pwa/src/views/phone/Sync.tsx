import { connection, connectionError, photos, retryNow, storagePersisted, syncTotals, tracks, trackState } from '../../data/runtime'
import { knownDocs } from '../../data/registry'
import { Screen } from '../../ui/components'
import { STATE_LABEL, summaryText } from '../../lib/syncstate'
import { online } from '../../data/runtime'
import { t, type MessageKey } from '../../i18n'
import type { ConnectionState } from '../../data/adapter'
import type { PhotoState } from '../../data/photos'

const CONNECTION: Record<ConnectionState, MessageKey> = {
  offline: 'sync.connection.offline',
  connecting: 'sync.connection.connecting',
  connected: 'sync.connection.connected',
  waiting: 'sync.connection.waiting',
  stopped: 'sync.connection.stopped',
}

const PHOTO_STATE: Record<PhotoState, MessageKey> = {
  queued: 'sync.photo.queued',
  uploading: 'sync.photo.uploading',
  uploaded: 'sync.photo.uploaded',
  failed: 'sync.photo.failed',
}

export function SyncView() {
  const docs = knownDocs()
  const list = Object.values(tracks.value)
  const totals = syncTotals.value
  return (
    <Screen title={t('sync.title')} back="/">
      <p data-testid="sync-details-summary">{summaryText(totals, online.value)}</p>
      <p class="muted small">
        {t('sync.connection', { state: t(CONNECTION[connection.value]) })}
        {connectionError.value ? ` (${connectionError.value})` : ''} · {t(storagePersisted.value === null ? 'sync.storage.unknown' : storagePersisted.value ? 'sync.storage.persistent' : 'sync.storage.clearable')}
      </p>
      <button type="button" class="btn primary" onClick={retryNow}>
        {t('sync.retryNow')}
      </button>
      <h2>{t('sync.documents')}</h2>
      <ul class="cards">
        {list.map((d) => {
          const st = trackState(d.url)
          const k = docs[d.url]
          return (
            <li key={d.url} class="card small" data-testid="sync-doc" data-state={st}>
              <strong>{k?.title ?? k?.type ?? t('sync.document')}</strong> <span class={`chip chip-${st}`}>{t(STATE_LABEL[st])}</span>
              {d.unsyncedChanges > 0 && st !== 'synced' && <span class="muted"> · {t('sync.changesWaiting', { count: d.unsyncedChanges })}</span>}
              {d.error && <p class="error">{d.error}</p>}
            </li>
          )
        })}
      </ul>
      <h2>{t('sync.photos')}</h2>
      {photos.value.length === 0 && <p class="muted">{t('sync.noPhotos')}</p>}
      <ul class="cards">
        {photos.value.map((p) => (
          <li key={p.sha256} class="card small" data-testid="sync-photo" data-state={p.state}>
            {p.contentType} · {t('sync.kb', { kb: Math.round(p.size / 1024) })} · <span class={`chip chip-photo-${p.state}`}>{t(PHOTO_STATE[p.state])}</span>
            {p.attempts > 0 && p.state !== 'uploaded' && <span class="muted"> · {t('sync.attempts', { count: p.attempts })}</span>}
            {p.lastError && p.state !== 'uploaded' && <p class="error">{p.lastError}</p>}
          </li>
        ))}
      </ul>
    </Screen>
  )
}
