// Sync-status bookkeeping as plain data: per document, what this phone has, what is
// saved on the phone, and what the server has acknowledged; and the totals shown in
// the banner. The Repo wiring feeds it (data/runtime.ts); this part is unit-tested.
import { t, type MessageKey } from '../i18n'

export type DocSyncState = 'saved' | 'pending' | 'synced' | 'error'

export interface DocTrack {
  url: string
  /** Heads of the document on this phone. */
  localHeads: string[]
  /** Heads last written to the phone's storage (IndexedDB); null before the first save. */
  savedHeads: string[] | null
  /** Heads the server is known to have (shared heads of the last sync); null if never synced. */
  serverHeads: string[] | null
  /** Changes made here that the server does not have yet. */
  unsyncedChanges: number
  error: string | null
}

export function newTrack(url: string): DocTrack {
  return { url, localHeads: [], savedHeads: null, serverHeads: null, unsyncedChanges: 0, error: null }
}

/** Whether every head of `heads` is in `of` (an empty `heads` is always contained). */
export function headsContained(heads: readonly string[], of: readonly string[] | null): boolean {
  if (!of) return heads.length === 0
  const set = new Set(of)
  return heads.every((h) => set.has(h))
}

/**
 * - synced: the server has every change this phone has;
 * - pending: connected, changes on their way to the server;
 * - saved: kept on this phone, not on the server yet (offline, or waiting to connect);
 * - error: the server refused the document, or saving on the phone failed.
 */
export function docState(t: DocTrack, connected: boolean): DocSyncState {
  if (t.error) return 'error'
  if (headsContained(t.localHeads, t.serverHeads)) return 'synced'
  if (connected) return 'pending'
  return 'saved'
}

export const STATE_LABEL: Record<DocSyncState, MessageKey> = {
  saved: 'sync.state.saved',
  pending: 'sync.state.pending',
  synced: 'sync.state.synced',
  error: 'sync.state.error',
}

export interface SyncTotals {
  unsyncedDocs: number
  unsyncedChanges: number
  errors: number
  photosPending: number
  photosFailed: number
}

export function totals(tracks: Iterable<DocTrack>, photos: { state: string }[]): SyncTotals {
  let unsyncedDocs = 0
  let unsyncedChanges = 0
  let errors = 0
  for (const t of tracks) {
    if (t.error) errors += 1
    if (!headsContained(t.localHeads, t.serverHeads)) {
      unsyncedDocs += 1
      unsyncedChanges += Math.max(1, t.unsyncedChanges)
    }
  }
  const photosPending = photos.filter((p) => p.state === 'queued' || p.state === 'uploading').length
  const photosFailed = photos.filter((p) => p.state === 'failed').length
  return { unsyncedDocs, unsyncedChanges, errors, photosPending, photosFailed }
}

/** The one-line summary for the banner (the banner says online/offline beside it). */
export function summaryText(s: SyncTotals, online: boolean): string {
  const counts = { changes: s.unsyncedChanges, photos: s.photosPending }
  const what = s.unsyncedChanges && s.photosPending ? t('sync.summary.both', counts) : s.unsyncedChanges ? t('sync.summary.changes', counts) : t('sync.summary.photos', counts)
  const waiting =
    s.unsyncedChanges || s.photosPending
      ? t(online ? 'sync.summary.sending' : 'sync.summary.kept', { what })
      : t(online ? 'sync.summary.allSynced' : 'sync.summary.nothingWaiting')
  const failed = s.photosFailed ? t('sync.summary.photosFailed', { count: s.photosFailed }) : ''
  const errors = s.errors ? t('sync.summary.errors', { count: s.errors }) : ''
  return waiting + failed + errors
}
