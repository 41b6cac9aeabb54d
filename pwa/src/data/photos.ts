// Photos and signatures: content-addressed, kept in IndexedDB before anything else
// happens, uploaded by hash with retry. A record is marked uploaded only after the
// server answered 200/201, so closing the app mid-upload just means it is sent again
// (the endpoint is idempotent) the next time the app runs.
import type { AttachmentRef, ContentType } from '../types/generated'
import { backoffDelay } from '../lib/backoff'
import { openDb, tx } from './idb'

export type PhotoState = 'queued' | 'uploading' | 'uploaded' | 'failed'

export interface PhotoRecord {
  sha256: string
  bytes: ArrayBuffer
  contentType: ContentType
  size: number
  site: string
  createdAt: number
  state: PhotoState
  attempts: number
  nextAttemptAt: number
  lastError: string | null
}

export type PhotoSummary = Omit<PhotoRecord, 'bytes'>

/** What an upload attempt came to. */
export type UploadOutcome =
  | { ok: true }
  | { ok: false; retry: boolean; error: string; authNeeded?: boolean }

export type Uploader = (rec: PhotoRecord) => Promise<UploadOutcome>

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

const STORE = 'photos'

export class PhotoQueue {
  private db: Promise<IDBDatabase>
  private current: Promise<void> | null = null
  private again = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private listeners = new Set<(photos: PhotoSummary[]) => void>()
  private paused = false

  constructor(
    private uploader: Uploader,
    private options: { dbName?: string; now?: () => number; isOnline?: () => boolean } = {},
  ) {
    this.db = openDb(options.dbName ?? 'floorwalk-photos', 1, (db) => {
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'sha256' })
    })
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now()
  }

  subscribe(fn: (photos: PhotoSummary[]) => void): () => void {
    this.listeners.add(fn)
    void this.list().then(fn)
    return () => this.listeners.delete(fn)
  }

  private async notify(): Promise<void> {
    if (this.listeners.size === 0) return
    const list = await this.list()
    for (const fn of this.listeners) fn(list)
  }

  async list(): Promise<PhotoSummary[]> {
    const db = await this.db
    const all = (await tx<PhotoRecord[]>(db, STORE, 'readonly', (s) => s.getAll() as IDBRequest<PhotoRecord[]>)) ?? []
    return all.map(({ bytes: _bytes, ...rest }) => rest).sort((a, b) => a.createdAt - b.createdAt)
  }

  async get(sha256: string): Promise<PhotoRecord | undefined> {
    const db = await this.db
    return tx<PhotoRecord>(db, STORE, 'readonly', (s) => s.get(sha256) as IDBRequest<PhotoRecord>)
  }

  private async put(rec: PhotoRecord): Promise<void> {
    const db = await this.db
    await tx(db, STORE, 'readwrite', (s) => s.put(rec))
  }

  /** Keep the bytes on the phone (first), then queue the upload. Returns the reference to store in the document. */
  async add(bytes: ArrayBuffer, contentType: ContentType, site: string): Promise<AttachmentRef> {
    const sha256 = await sha256Hex(bytes)
    const existing = await this.get(sha256)
    if (!existing) {
      await this.put({
        sha256,
        bytes,
        contentType,
        size: bytes.byteLength,
        site,
        createdAt: this.now(),
        state: 'queued',
        attempts: 0,
        nextAttemptAt: 0,
        lastError: null,
      })
    }
    void this.notify()
    this.kick()
    return { sha256, content_type: contentType, size: bytes.byteLength }
  }

  /** Stop uploading (e.g. a new login is needed); queued photos stay. */
  pause(): void {
    this.paused = true
  }

  resume(): void {
    this.paused = false
    this.kick()
  }

  /** Manual retry: everything not uploaded is due now, failed ones included. */
  async retryAll(): Promise<void> {
    for (const p of await this.list()) {
      if (p.state === 'uploaded') continue
      const rec = await this.get(p.sha256)
      if (rec) await this.put({ ...rec, state: 'queued', nextAttemptAt: 0 })
    }
    void this.notify()
    this.paused = false
    this.kick()
  }

  /** Run the upload loop soon (it runs one at a time). */
  kick(): void {
    void this.pump()
  }

  /** Upload everything that is due; resolves when the queue has nothing due. */
  pump(): Promise<void> {
    if (this.current) {
      this.again = true
      return this.current
    }
    clearTimeout(this.timer)
    this.current = (async () => {
      try {
        do {
          this.again = false
          await this.pumpOnce()
        } while (this.again)
      } finally {
        this.current = null
      }
      await this.scheduleNext()
    })()
    return this.current
  }

  private async pumpOnce(): Promise<void> {
    const list = await this.list()
    for (const p of list) {
      if (this.paused) return
      if (this.options.isOnline && !this.options.isOnline()) return
      if (p.state === 'uploaded' || p.state === 'failed') continue
      if (p.nextAttemptAt > this.now()) continue
      const rec = await this.get(p.sha256)
      if (!rec) continue
      await this.put({ ...rec, state: 'uploading' })
      void this.notify()
      let outcome: UploadOutcome
      try {
        outcome = await this.uploader(rec)
      } catch (e) {
        outcome = { ok: false, retry: true, error: e instanceof Error ? e.message : String(e) }
      }
      const attempts = rec.attempts + 1
      if (outcome.ok) {
        await this.put({ ...rec, state: 'uploaded', attempts, lastError: null })
      } else if (outcome.authNeeded) {
        await this.put({ ...rec, state: 'queued', attempts, lastError: outcome.error })
        this.paused = true
      } else if (outcome.retry) {
        await this.put({ ...rec, state: 'queued', attempts, lastError: outcome.error, nextAttemptAt: this.now() + backoffDelay(attempts - 1, { base: 2000, max: 60_000 }) })
      } else {
        await this.put({ ...rec, state: 'failed', attempts, lastError: outcome.error })
      }
      void this.notify()
    }
  }

  private async scheduleNext(): Promise<void> {
    const due = (await this.list()).filter((p) => p.state === 'queued').map((p) => p.nextAttemptAt)
    if (due.length === 0 || this.paused) return
    const wait = Math.max(250, Math.min(...due) - this.now())
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.kick(), wait)
  }

  /** Put records left 'uploading' by a closed page back in the queue (call at start-up). */
  async recoverInterrupted(): Promise<number> {
    let n = 0
    for (const p of await this.list()) {
      if (p.state !== 'uploading') continue
      const rec = await this.get(p.sha256)
      if (rec) {
        await this.put({ ...rec, state: 'queued', nextAttemptAt: 0 })
        n += 1
      }
    }
    return n
  }

  dispose(): void {
    clearTimeout(this.timer)
    this.listeners.clear()
  }
}
