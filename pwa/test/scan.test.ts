import { describe, expect, it } from 'vitest'
import { buildScanIndex, gtinForms, normalizeCode, resolveScan, WedgeDetector } from '../src/lib/scan'
import type { Item, Location } from '../src/types/generated'

const items: Record<string, Item> = {
  a: { sku: 'SKU-9', name: 'Pallet wrap', barcodes: ['4006381333931'], unit: 'each', unit_cost_minor: 1299 },
  b: { sku: 'SKU-12', name: 'Cable ties', barcodes: [], unit: 'box', unit_cost_minor: 450 },
  c: { sku: 'SKU-30', name: 'Gloves', barcodes: ['QR:SKU-30', '012345678905'], unit: 'each', unit_cost_minor: 350 },
}
const locations: Record<string, Location> = {
  z: { code: 'A', kind: 'zone' },
  b1: { code: 'A-01-01', kind: 'bin', parent: 'z' },
}
const index = buildScanIndex(items, locations)

describe('keyboard wedge detection', () => {
  it('a fast burst ending in Enter is a scan', () => {
    const d = new WedgeDetector({ maxGapMs: 45, minLength: 3 })
    let t = 1000
    for (const ch of '4006381333931') expect(d.key(ch, (t += 8)).kind).toBe('hold')
    expect(d.enter((t += 8))).toEqual({ kind: 'scan', code: '4006381333931' })
  })

  it('slow typing is released to the field, never taken as a scan', () => {
    const d = new WedgeDetector({ maxGapMs: 45, minLength: 3 })
    expect(d.key('1', 0).kind).toBe('hold')
    expect(d.key('2', 200)).toEqual({ kind: 'release', text: '1', thenHold: true })
    expect(d.idle(300)).toEqual({ kind: 'release', text: '2' })
    expect(d.enter(400)).toEqual({ kind: 'pass' })
  })

  it('too short a burst is typing', () => {
    const d = new WedgeDetector({ maxGapMs: 45, minLength: 3 })
    d.key('4', 0)
    d.key('2', 10)
    expect(d.enter(20)).toEqual({ kind: 'release', text: '42' })
  })

  it('Enter long after the burst is not a scan', () => {
    const d = new WedgeDetector({ maxGapMs: 45, minLength: 3 })
    for (const [i, ch] of [...'ABCDE'].entries()) d.key(ch, i * 10)
    expect(d.enter(500).kind).toBe('release')
  })
})

describe('resolving scanned codes', () => {
  it('finds items by barcode, with AIM prefixes and control characters stripped', () => {
    expect(resolveScan(']E04006381333931\r', index)).toMatchObject({ kind: 'item', sku: 'SKU-9' })
  })
  it('treats UPC-A and EAN-13 forms as the same code', () => {
    expect(gtinForms('012345678905')).toContain('0012345678905')
    expect(resolveScan('0012345678905', index)).toMatchObject({ kind: 'item', sku: 'SKU-30' })
    expect(resolveScan('0100012345678905', index)).toMatchObject({ kind: 'item', sku: 'SKU-30' })
  })
  it('accepts QR payloads and locations, SKUs typed by hand', () => {
    expect(resolveScan('QR:SKU-30', index)).toMatchObject({ kind: 'item', sku: 'SKU-30' })
    expect(resolveScan('a-01-01', index)).toMatchObject({ kind: 'location', code: 'A-01-01' })
    expect(resolveScan('LOC:A-01-01', index)).toMatchObject({ kind: 'location', code: 'A-01-01' })
    expect(resolveScan('sku-12', index)).toMatchObject({ kind: 'item', sku: 'SKU-12' })
  })
  it('reports unknown codes', () => {
    expect(resolveScan('nope', index)).toEqual({ kind: 'unknown', code: 'nope' })
    expect(normalizeCode('  ]C1abc ')).toBe('abc')
  })
})
