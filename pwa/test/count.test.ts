import { describe, expect, it } from 'vitest'
import { allLineKeys, conflictMessage, conflicts, countStatus, currentPass, lineView, locationsInScope, shouldPromptRecount, toleranceFor } from '../src/lib/count'
import type { CountDoc, SiteDoc } from '../src/types/docs'
import type { CountEntry } from '../src/types/generated'

const ana = { userId: 'u-ana', deviceId: 'd-ana' }
const ben = { userId: 'u-ben', deviceId: 'd-ben' }
let n = 0
function entry(who: typeof ana, location: string, sku: string, qty: number, extra: Partial<CountEntry> = {}): CountEntry {
  n += 1
  return { id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, location, sku, qty, count_index: 1, by: who.userId, device: who.deviceId, at: `2026-11-25T08:00:${String(n).padStart(2, '0')}.000Z`, ...extra }
}
function session(entries: CountEntry[], lines: CountDoc['lines'] = {}): CountDoc {
  return { type: 'count_session', schema_version: 1, site: 'dc', title: 't', scope: { locations: [], skus: [] }, blind: true, assignees: [], timeline: [], lines, entries }
}

describe('count sessions', () => {
  it('disagreeing entries of one line and pass are a conflict; voided ones are not', () => {
    const doc = session([
      entry(ana, 'A-01', 'S1', 10),
      entry(ben, 'A-01', 'S1', 12),
      entry(ana, 'A-02', 'S1', 5, { void: { by: 'u-ana', at: '2026-11-25T08:10:00.000Z', device: 'd-ana' } }),
      entry(ana, 'A-02', 'S1', 4),
      entry(ben, 'A-02', 'S1', 4),
    ])
    expect(conflicts(doc)).toEqual([{ key: 'A-01|S1', pass: 1, quantities: [10, 12] }])
    expect(lineView(doc, 'A-02|S1', ana)).toMatchObject({ status: 'counted', agreed: 4 })
  })

  it('tells both people about a conflict in plain words', () => {
    const doc = session([entry(ana, 'A-01', 'S1', 10), entry(ben, 'A-01', 'S1', 12)])
    const names = (id: string) => (id === 'u-ana' ? 'Ana' : 'Ben')
    expect(conflictMessage(lineView(doc, 'A-01|S1', ana), ana, names)).toBe('Ben counted 12 here, you counted 10: a manager will review')
    expect(conflictMessage(lineView(doc, 'A-01|S1', ben), ben, names)).toBe('Ana counted 10 here, you counted 12: a manager will review')
  })

  it('a recount request moves new counts to the next pass', () => {
    const rec = { by: 'm', at: '2026-11-25T09:00:00.000Z', device: 'desk' }
    const doc = session([entry(ana, 'A-01', 'S1', 10), entry(ben, 'A-01', 'S1', 12)], { 'A-01|S1': { expected_qty: 11, recount: { count_index: 2, ...rec } } })
    expect(currentPass(doc, 'A-01|S1')).toBe(2)
    expect(lineView(doc, 'A-01|S1', ana).status).toBe('recount')
    doc.entries.push(entry(ana, 'A-01', 'S1', 11, { count_index: 2 }))
    expect(lineView(doc, 'A-01|S1', ana)).toMatchObject({ status: 'counted', agreed: 11, pass: 2 })
  })

  it('lists planned and found lines; status follows the latest timeline event', () => {
    const doc = session([entry(ana, 'B-01', 'S9', 1)], { 'A-01|S1': { expected_qty: 3 } })
    expect(allLineKeys(doc)).toEqual(['A-01|S1', 'B-01|S9'])
    expect(lineView(doc, 'B-01|S9', ana).planned).toBe(false)
    expect(countStatus(doc)).toBe('open')
    doc.timeline.push({ id: '00000000-0000-4000-8000-000000000002', status: 'review', by: 'a', at: '2026-11-25T10:00:00.000Z', device: 'd' })
    doc.timeline.push({ id: '00000000-0000-4000-8000-000000000001', status: 'counting', by: 'a', at: '2026-11-25T09:00:00.000Z', device: 'd' })
    expect(countStatus(doc)).toBe('review')
  })

  it('scope: a zone covers its bins; empty scope is every bin', () => {
    const site = {
      locations: {
        z: { code: 'A', kind: 'zone' as const },
        a: { code: 'A-01', kind: 'aisle' as const, parent: 'z' },
        b1: { code: 'A-01-01', kind: 'bin' as const, parent: 'a' },
        b2: { code: 'A-01-02', kind: 'bin' as const, parent: 'a' },
        b3: { code: 'B-01-01', kind: 'bin' as const },
        old: { code: 'A-01-09', kind: 'bin' as const, parent: 'a', archived: true },
      },
    } as Pick<SiteDoc, 'locations'>
    const doc = session([])
    expect(locationsInScope(doc, site).map((l) => l.code)).toEqual(['A-01-01', 'A-01-02', 'B-01-01'])
    doc.scope.locations = ['A']
    expect(locationsInScope(doc, site).map((l) => l.code)).toEqual(['A-01-01', 'A-01-02'])
  })

  it('recount prompt only when expected is visible and outside tolerance', () => {
    expect(shouldPromptRecount(10, 12, 0, false)).toBe(true)
    expect(shouldPromptRecount(10, 12, 2, false)).toBe(false)
    expect(shouldPromptRecount(10, 12, 0, true)).toBe(false)
    expect(shouldPromptRecount(null, 12, 0, false)).toBe(false)
    const site = { items: { i: { sku: 'S1', name: 'x', barcodes: [], unit: 'each', unit_cost_minor: 1, item_class: 'B' } }, item_classes: { B: { tolerance_units: 2 } } }
    expect(toleranceFor(site, 'S1')).toBe(2)
    expect(toleranceFor(site, 'nope')).toBe(0)
  })
})

describe('large counts', () => {
  it('derives 5 000 lines from 20 000 entries in one pass (fast enough for a phone)', async () => {
    const { entriesByLine } = await import('../src/lib/count')
    const entries: CountEntry[] = []
    for (let i = 0; i < 20_000; i++) entries.push(entry(i % 2 ? ana : ben, `B-${(i % 5000) % 50}`, `S${Math.floor((i % 5000) / 50)}`, i % 7))
    const doc = session(entries)
    const t0 = performance.now()
    const byLine = entriesByLine(doc)
    const views = allLineKeys(doc).map((k) => lineView(doc, k, ana, byLine))
    const ms = performance.now() - t0
    expect(views).toHaveLength(5000)
    expect(ms).toBeLessThan(1500)
  })
})
