// The running data layer: one Repo (IndexedDB + ticketed websocket) per login, the
// photo queue, and the signals every view reads (connection, per-document sync state,
// photos). Views never talk to the network directly.
import { computed, signal } from '@preact/signals'
import { Repo, type AutomergeUrl, type DocHandle, type DocumentId, type PeerId } from '@automerge/automerge-repo/slim'
import * as A from '@automerge/automerge/slim'
import { IndexedDBStorageAdapter } from '@automerge/automerge-repo-storage-indexeddb'
import { TicketedWebSocketAdapter, type ConnectionState } from './adapter'
import { PhotoQueue, type PhotoSummary, type UploadOutcome } from './photos'
import { authFetch, currentSession, fetchMe, NeedsLogin, sessionStatus, syncTicket, type Me } from './session'
import { cacheWork, cachedWork, knownDocs, rememberDoc, type KnownDoc, type WorkItem } from './registry'
import { docState, newTrack, totals, type DocTrack } from '../lib/syncstate'
import type { Actor } from '../lib/ids'
import type { WorkDocType } from '../types/docs'

export const online = signal<boolean>(typeof navigator === 'undefined' ? true : navigator.onLine)
export const connection = signal<ConnectionState>('waiting')
export const connectionError = signal<string | null>(null)
export const me = signal<Me | null>(currentSession()?.me ?? null)
export const tracks = signal<Record<string, DocTrack>>({})
export const photos = signal<PhotoSummary[]>([])
export const storagePersisted = signal<boolean | null>(null)
export const workVersion = signal(0)

export const syncTotals = computed(() => totals(Object.values(tracks.value), photos.value))
export const connected = computed(() => connection.value === 'connected')

export function trackState(url: string) {
  const t = tracks.value[url]
  return t ? docState(t, connected.value) : 'synced'
}

let repo: Repo | null = null
let adapter: TicketedWebSocketAdapter | null = null
export let photoQueue: PhotoQueue | null = null
const opened = new Map<string, DocHandle<unknown>>()
const ACKED = 'fw.acked'

function ackedHeads(): Record<string, string[]> {
  try {
    return JSON.parse(localStorage.getItem(ACKED) ?? '{}') as Record<string, string[]>
  } catch {
    return {}
  }
}

function saveAcked(url: string, heads: string[]): void {
  const all = ackedHeads()
  all[url] = heads
  localStorage.setItem(ACKED, JSON.stringify(all))
}

export function actor(): Actor | null {
  const s = currentSession()
  const m = me.value
  if (!s || !m) return null
  return { userId: String(m.user.id), deviceId: s.peerId, displayName: m.user.display_name || m.user.email }
}

export function getRepo(): Repo {
  if (!repo) throw new Error('not logged in')
  return repo
}

function updateTrack(url: string, patch: Partial<DocTrack>): void {
  const prev = tracks.value[url] ?? newTrack(url)
  tracks.value = { ...tracks.value, [url]: { ...prev, ...patch } }
}

function unsyncedCount(doc: A.Doc<unknown>, server: string[] | null): number {
  try {
    if (!server || server.length === 0) return A.getAllChanges(doc).length
    return A.getChanges(A.view(doc, server), doc).length
  } catch {
    return A.getAllChanges(doc).length
  }
}

function refreshTrack(url: string): void {
  const handle = opened.get(url)
  if (!handle || !handle.isReady()) return
  const doc = handle.doc() as A.Doc<unknown>
  const localHeads = A.getHeads(doc) as string[]
  const serverHeads = tracks.value[url]?.serverHeads ?? ackedHeads()[url] ?? null
  updateTrack(url, { localHeads, serverHeads, unsyncedChanges: unsyncedCount(doc, serverHeads) })
}

function watch(url: string, handle: DocHandle<unknown>): void {
  if (opened.has(url)) return
  opened.set(url, handle)
  updateTrack(url, { serverHeads: ackedHeads()[url] ?? null })
  handle.on('change', () => refreshTrack(url))
  handle.on('heads-changed', () => refreshTrack(url))
  refreshTrack(url)
}

/** Open a document (from storage, or the server), tracked for sync status. */
export async function openDoc<T>(url: string): Promise<DocHandle<T>> {
  const existing = opened.get(url)
  if (existing) return existing as DocHandle<T>
  const handle = await getRepo().find<T>(url as AutomergeUrl)
  watch(url, handle as DocHandle<unknown>)
  return handle
}

/** Create a work document here (works offline); it reaches the server on the next sync. */
export function createDoc<T extends { type: WorkDocType; site: string }>(initial: T, title: string | null): DocHandle<T> {
  const handle = getRepo().create<T>(initial)
  const url = handle.url
  rememberDoc({ url, type: initial.type, site: initial.site, title, createdHere: true })
  watch(url, handle as DocHandle<unknown>)
  workVersion.value += 1
  return handle
}

export function docsOfSite(site: string): KnownDoc[] {
  return Object.values(knownDocs()).filter((d) => d.site === site && d.type !== 'site')
}

async function uploadPhoto(rec: { sha256: string; bytes: ArrayBuffer; contentType: string; site: string }): Promise<UploadOutcome> {
  try {
    const res = await authFetch(`/api/attachments/${rec.sha256}?site=${encodeURIComponent(rec.site)}`, {
      method: 'PUT',
      headers: { 'content-type': rec.contentType },
      body: rec.bytes,
    })
    if (res.status === 200 || res.status === 201) return { ok: true }
    let detail = `${res.status}`
    try {
      const body = (await res.json()) as { error?: string; message?: string }
      detail = `${res.status} ${body.error ?? ''}: ${body.message ?? ''}`
    } catch {
      /* not JSON */
    }
    const retry = res.status >= 500 || res.status === 408 || res.status === 429 || res.status === 404
    return { ok: false, retry, error: detail }
  } catch (e) {
    if (e instanceof NeedsLogin) return { ok: false, retry: false, authNeeded: true, error: e.message }
    return { ok: false, retry: true, error: e instanceof Error ? e.message : String(e) }
  }
}

/** Start the data layer for the logged-in session (idempotent). */
export async function start(): Promise<void> {
  const s = currentSession()
  if (!s || repo) return
  adapter = new TicketedWebSocketAdapter({
    ticket: async () => (await syncTicket()).ticket,
    syncUrl: (ticket) => `${location.origin.replace(/^http/, 'ws')}/sync?ticket=${encodeURIComponent(ticket)}`,
  })
  adapter.onState = (state, error) => {
    connection.value = state
    connectionError.value = error
    if (state === 'connected') {
      for (const url of opened.keys()) refreshTrack(url)
      // Back on the network: new work may have been assigned meanwhile.
      void refreshFromServer()
    }
  }
  repo = new Repo({
    network: [adapter],
    storage: new IndexedDBStorageAdapter('floorwalk-docs'),
    peerId: s.peerId as PeerId,
    sharePolicy: async () => true,
  })
  repo.synchronizer.on('sync-state', ({ documentId, syncState }) => {
    // Recorded for every document, also while find() is still loading it.
    const url = `automerge:${documentId}`
    const shared = syncState.sharedHeads as string[]
    saveAcked(url, shared)
    updateTrack(url, { serverHeads: shared, error: null })
    refreshTrack(url)
  })
  photoQueue = new PhotoQueue(uploadPhoto, { isOnline: () => navigator.onLine })
  await photoQueue.recoverInterrupted()
  photoQueue.subscribe((list) => (photos.value = list))
  photoQueue.kick()
  // Reopen everything this phone keeps, so unsynced work goes out when the network comes.
  for (const doc of Object.values(knownDocs())) {
    void openDoc(doc.url).catch((e) => updateTrack(doc.url, { error: e instanceof Error ? e.message : String(e) }))
  }
  void requestPersistence()
  void refreshFromServer()
}

export async function stop(): Promise<void> {
  adapter?.disconnect()
  photoQueue?.dispose()
  const r = repo
  repo = null
  adapter = null
  photoQueue = null
  opened.clear()
  tracks.value = {}
  if (r) await r.shutdown().catch(() => {})
}

/** /api/me and each site's work list; silently keeps the cached copies when offline. */
let refreshing: Promise<void> | null = null

export function refreshFromServer(): Promise<void> {
  if (!refreshing) refreshing = doRefresh().finally(() => (refreshing = null))
  return refreshing
}

async function doRefresh(): Promise<void> {
  try {
    const m = await fetchMe()
    me.value = m
    for (const site of m.sites) {
      rememberDoc({ url: site.site_document_url, type: 'site', site: site.slug, title: site.name, createdHere: false })
      void openDoc(site.site_document_url).catch(() => {})
      try {
        const res = await authFetch(`/api/sites/${encodeURIComponent(site.slug)}/work`)
        if (res.ok) {
          const body = (await res.json()) as { documents: WorkItem[] }
          cacheWork(site.slug, body.documents)
          for (const w of body.documents) void openDoc(w.url).catch(() => {})
        }
      } catch {
        /* offline: keep the cached list */
      }
    }
    workVersion.value += 1
  } catch (e) {
    if (e instanceof NeedsLogin) return
    /* offline: the cached /api/me stays */
  }
}

export function workOf(site: string): WorkItem[] {
  void workVersion.value
  return cachedWork(site).items ?? []
}

async function requestPersistence(): Promise<void> {
  try {
    if (navigator.storage?.persist) {
      const already = await navigator.storage.persisted()
      storagePersisted.value = already || (await navigator.storage.persist())
    }
  } catch {
    storagePersisted.value = false
  }
}

/** Manual retry: reconnect now, resend photos. */
export function retryNow(): void {
  adapter?.reconnectNow()
  void photoQueue?.retryAll()
  void refreshFromServer()
}

export function handleDocumentId(url: string): DocumentId {
  return url.replace(/^automerge:/, '') as DocumentId
}

export async function flush(): Promise<void> {
  await repo?.flush().catch(() => {})
}

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    online.value = true
    adapter?.reconnectNow()
    photoQueue?.kick()
  })
  window.addEventListener('offline', () => {
    online.value = false
    adapter?.dropForOffline()
  })
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void flush()
  })
  sessionStatus.subscribe((st) => {
    if (st.kind === 'needs_login') {
      photoQueue?.pause()
      adapter?.stop()
    }
  })
}

// Read-only inspection hook for the browser tests and for support ("what is not synced?").
if (typeof window !== 'undefined') {
  ;(window as unknown as { __floorwalk: unknown }).__floorwalk = {
    tracks: () => tracks.value,
    photos: () => photos.value,
    connection: () => connection.value,
    syncStates: () => {
      const r = repo
      if (!r) return null
      const out: Record<string, unknown> = {}
      for (const [id, ds] of Object.entries((r.synchronizer as unknown as { docSynchronizers: Record<string, unknown> }).docSynchronizers ?? {})) out[id] = ds
      return Object.keys(out)
    },
  }
}
