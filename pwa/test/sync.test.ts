import { describe, expect, it } from 'vitest'
import { docState, headsContained, newTrack, summaryText, totals } from '../src/lib/syncstate'
import { backoffDelay } from '../src/lib/backoff'
import { accessTokenStale, classifyError, reloginMessage } from '../src/lib/auth'
import { newId, nowIso, parseQuantity } from '../src/lib/ids'

describe('sync-status bookkeeping', () => {
  it('a document is synced when the server has every local head', () => {
    const t = { ...newTrack('automerge:x'), localHeads: ['a', 'b'], serverHeads: ['a'] }
    expect(headsContained(t.localHeads, t.serverHeads)).toBe(false)
    expect(docState(t, false)).toBe('saved')
    expect(docState(t, true)).toBe('pending')
    expect(docState({ ...t, serverHeads: ['a', 'b', 'c'] }, true)).toBe('synced')
    expect(docState({ ...t, error: 'refused' }, true)).toBe('error')
    expect(docState({ ...newTrack('u'), localHeads: ['a'] }, true)).toBe('pending')
  })

  it('totals count unsynced changes and photos for the banner', () => {
    const tracks = [
      { ...newTrack('1'), localHeads: ['a'], serverHeads: ['a'] },
      { ...newTrack('2'), localHeads: ['b'], serverHeads: null, unsyncedChanges: 7 },
    ]
    const t = totals(tracks, [{ state: 'queued' }, { state: 'uploaded' }, { state: 'uploading' }, { state: 'failed' }])
    expect(t).toEqual({ unsyncedDocs: 1, unsyncedChanges: 7, errors: 0, photosPending: 2, photosFailed: 1 })
    expect(summaryText(t, false)).toBe('7 changes + 2 photos kept on phone, 1 photo failed')
    expect(summaryText(t, true)).toBe('7 changes + 2 photos sending, 1 photo failed')
    expect(summaryText({ unsyncedDocs: 0, unsyncedChanges: 0, errors: 0, photosPending: 0, photosFailed: 0 }, true)).toBe('All work synced')
  })
})

describe('backoff, auth errors, values', () => {
  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(0, { random: () => 1 })).toBe(1000)
    expect(backoffDelay(0, { random: () => 0 })).toBe(500)
    expect(backoffDelay(3, { random: () => 1 })).toBe(8000)
    expect(backoffDelay(50, { random: () => 1 })).toBe(30000)
  })

  it('tells refresh-and-retry from a needed login, and keeps it plain', () => {
    expect(classifyError(401, 'token_expired')).toBe('refresh_and_retry')
    for (const c of ['refresh_invalid', 'refresh_reused', 'refresh_expired', 'session_revoked', 'account_disabled']) expect(classifyError(401, c)).toBe('relogin')
    expect(classifyError(503, undefined)).toBe('retry_later')
    expect(classifyError(415, 'unsupported')).toBe('refused')
    expect(reloginMessage('account_disabled')).toMatch(/disabled/)
    expect(accessTokenStale(100_000, 69_999)).toBe(false)
    expect(accessTokenStale(100_000, 70_000)).toBe(true)
  })

  it('ids, timestamps and quantities pass the shared validation rules', () => {
    expect(newId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(nowIso(new Date(Date.UTC(2026, 10, 25, 9, 53, 17, 120)))).toBe('2026-11-25T09:53:17.120Z')
    expect(parseQuantity('12')).toBe(12)
    expect(parseQuantity('1.5')).toBeNull()
    expect(parseQuantity('-1')).toBeNull()
    expect(parseQuantity('2000000000')).toBeNull()
  })
})
