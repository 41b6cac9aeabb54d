import { describe, expect, it } from 'vitest'
import { PhotoQueue, sha256Hex, type PhotoRecord, type UploadOutcome } from '../src/data/photos'

let dbn = 0
function queue(uploader: (r: PhotoRecord) => Promise<UploadOutcome>, now = () => Date.now()) {
  dbn += 1
  return new PhotoQueue(uploader, { dbName: `photos-test-${dbn}`, now })
}
const bytes = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer

describe('photo queue', () => {
  it('names photos by SHA-256 and uploads each once', async () => {
    const sent: string[] = []
    const q = queue(async (r) => {
      sent.push(r.sha256)
      return { ok: true }
    })
    const ref = await q.add(bytes('abc'), 'image/jpeg', 'dc')
    expect(ref).toEqual({ sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', content_type: 'image/jpeg', size: 3 })
    await q.add(bytes('abc'), 'image/jpeg', 'dc')
    await q.pump()
    expect(sent).toEqual([ref.sha256])
    expect((await q.list())[0].state).toBe('uploaded')
    expect(await sha256Hex(bytes(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('retries with backoff after network errors and keeps the bytes', async () => {
    let t = 0
    let fail = true
    const q = queue(async () => (fail ? { ok: false, retry: true, error: 'offline' } : { ok: true }), () => t)
    const ref = await q.add(bytes('photo'), 'image/jpeg', 'dc')
    await q.pump()
    let [p] = await q.list()
    expect(p).toMatchObject({ state: 'queued', attempts: 1, lastError: 'offline' })
    expect(p.nextAttemptAt).toBeGreaterThan(0)
    await q.pump() // not due yet
    expect((await q.list())[0].attempts).toBe(1)
    fail = false
    t = 10 * 60_000
    await q.pump()
    ;[p] = await q.list()
    expect(p.state).toBe('uploaded')
    expect(new Uint8Array((await q.get(ref.sha256))!.bytes)).toEqual(new Uint8Array(bytes('photo')))
    q.dispose()
  })

  it('an upload cut off by a closed page is sent again by the next start', async () => {
    const name = `photos-interrupted-${Date.now()}`
    const first = new PhotoQueue(() => new Promise<UploadOutcome>(() => {}), { dbName: name })
    await first.add(bytes('interrupted'), 'image/jpeg', 'dc')
    await new Promise((r) => setTimeout(r, 50))
    expect((await first.list())[0].state).toBe('uploading')
    first.dispose() // the page closes mid-upload
    const sent: string[] = []
    const second = new PhotoQueue(async (r) => (sent.push(r.sha256), { ok: true }), { dbName: name })
    expect(await second.recoverInterrupted()).toBe(1)
    await second.pump()
    expect(sent).toHaveLength(1)
    expect((await second.list())[0].state).toBe('uploaded')
  })

  it('a refused photo is marked failed (manual retry re-queues it); a needed login pauses the queue', async () => {
    let outcome: UploadOutcome = { ok: false, retry: false, error: '415 unsupported' }
    const q = queue(async () => outcome)
    await q.add(bytes('x'), 'image/png', 'dc')
    await q.pump()
    expect((await q.list())[0]).toMatchObject({ state: 'failed', lastError: '415 unsupported' })
    outcome = { ok: false, retry: false, authNeeded: true, error: 'log in' }
    await q.retryAll()
    await q.pump()
    expect((await q.list())[0]).toMatchObject({ state: 'queued' })
    outcome = { ok: true }
    q.resume()
    await q.pump()
    expect((await q.list())[0].state).toBe('uploaded')
    q.dispose()
  })
})
