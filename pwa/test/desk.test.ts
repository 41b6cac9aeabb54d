import { describe, expect, it } from 'vitest'
import { presetRange, previousRange, isDay } from '../src/desk/range'
import { pointValue, tileFigures } from '../src/desk/kpis'
import { SseParser } from '../src/desk/sse'
import { toCsv } from '../src/desk/csv'
import { draftPoCsv, draftPos, inboundShipment } from '../src/desk/po'
import type { Figure } from '../src/desk/api'
import type { ReplenishmentRow } from '../src/desk/rows'

describe('date ranges', () => {
  it('presets end today', () => {
    expect(presetRange('today', '2026-11-25')).toEqual({ from: '2026-11-25', to: '2026-11-25' })
    expect(presetRange('7d', '2026-11-25')).toEqual({ from: '2026-11-19', to: '2026-11-25' })
    expect(presetRange('30d', '2026-03-01')).toEqual({ from: '2026-01-31', to: '2026-03-01' })
    expect(presetRange('quarter', '2026-11-25')).toEqual({ from: '2026-10-01', to: '2026-11-25' })
  })
  it('previous period has the same length', () => {
    expect(previousRange({ from: '2026-11-19', to: '2026-11-25' })).toEqual({ from: '2026-11-12', to: '2026-11-18' })
  })
  it('checks days', () => {
    expect(isDay('2026-02-30')).toBe(false)
    expect(isDay('2026-02-28')).toBe(true)
  })
})

const fig = (kpi: string, cur: [number | null, number | null, number | null], prev: [number | null, number | null, number | null], group: string | null = null): Figure => ({
  kpi,
  site: null,
  group,
  current: { value: cur[0], numerator: cur[1], denominator: cur[2] },
  previous: { value: prev[0], numerator: prev[1], denominator: prev[2] },
  change: null,
})

describe('trend points', () => {
  it('sum a KPI over its groups; ratios by numerators and denominators', () => {
    const v = (value: number | null, numerator: number | null = null, denominator: number | null = null) => ({ value, numerator, denominator })
    const figures = [
      { kpi: 'shipments_late', site: null, group: 'inbound', value: v(2) },
      { kpi: 'shipments_late', site: null, group: 'outbound', value: v(1) },
      { kpi: 'damage_rate', site: null, group: null, value: v(0.25, 1, 4) },
      { kpi: 'damage_rate', site: null, group: null, value: v(0.75, 3, 4) },
    ]
    expect(pointValue(figures, 'shipments_late')).toBe(3)
    expect(pointValue(figures, 'damage_rate')).toBe(0.5)
    expect(pointValue(figures, 'count_coverage')).toBeNull()
  })
})

describe('tile figures', () => {
  it('sums groups; ratios by numerators and denominators', () => {
    const figures = [fig('shipments_late', [2, null, null], [1, null, null], 'inbound'), fig('shipments_late', [1, null, null], [0, null, null], 'outbound'), fig('damage_rate', [0.25, 1, 4], [null, 0, 0])]
    expect(tileFigures(figures, 'shipments_late')).toEqual({
      current: { value: 3, numerator: null, denominator: null },
      previous: { value: 1, numerator: null, denominator: null },
      groups: [
        { group: 'inbound', value: 2 },
        { group: 'outbound', value: 1 },
      ],
    })
    const d = tileFigures(figures, 'damage_rate')
    expect(d?.current).toEqual({ value: 0.25, numerator: 1, denominator: 4 })
    expect(d?.previous.value).toBeNull()
    expect(tileFigures(figures, 'nope')).toBeNull()
  })
})

describe('SSE parser', () => {
  it('parses events across chunks and skips comments', () => {
    const p = new SseParser()
    expect(p.push('event: ready\ndata: {"sites":["demo"]}\n')).toEqual([])
    expect(p.push('\n: keepalive\n\nevent: site-changed\r\ndata: {"site":"demo"}\r\n\r\n')).toEqual([
      { event: 'ready', data: '{"sites":["demo"]}' },
      { event: 'site-changed', data: '{"site":"demo"}' },
    ])
  })
})

describe('CSV and draft purchase orders', () => {
  it('quotes what needs quoting', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [1.5, null]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n1.5,\r\n')
  })
  const row = (sku: string, supplier: string | null, on_hand: number, max: number | null): ReplenishmentRow => ({
    site: 'demo',
    sku,
    name: `Item ${sku}`,
    unit: 'each',
    supplier,
    on_hand,
    reorder_point: 5,
    min_qty: 2,
    max_qty: max,
    suggested_qty: max === null ? null : Math.max(0, max - on_hand),
    unit_cost_minor: 250,
  })
  it('groups by supplier with max − on hand', () => {
    const pos = draftPos([row('A', 'Acme', 3, 20), row('B', null, 0, 10), row('C', 'Acme', 5, 12), row('D', 'Acme', 1, null)])
    expect(pos.map((p) => [p.supplier, p.lines.map((l) => [l.sku, l.suggested_qty])])).toEqual([
      ['Acme', [['A', 17], ['C', 7]]],
      [null, [['B', 10]]],
    ])
    const csv = draftPoCsv(pos, '2026-11-25').split('\r\n')
    expect(csv[1]).toBe('demo,Acme,A,Item A,each,3,5,20,17,250,4250,2026-11-25')
    expect(csv.length).toBe(5)
    expect(inboundShipment(pos[0], 'PO-1', '2026-11-27T00:00:00.000Z').lines).toEqual([
      { sku: 'A', qty: 17 },
      { sku: 'C', qty: 7 },
    ])
  })
})

import { addVersion, itemsOf } from '../src/desk/templates'

describe('template editing', () => {
  it('checks items and numbers versions', () => {
    expect(itemsOf([])).toEqual({ error: 'Add at least one item.' })
    const draft = [{ id: 'a', label: ' Temp ', kind: 'number' as const, required: true, unit: 'C', min: '0', max: '5' }]
    const r = itemsOf(draft)
    expect(r).toEqual({ items: [{ id: 'a', label: 'Temp', kind: 'number', required: true, unit: 'C', min: 0, max: 5 }] })
    expect(itemsOf([{ ...draft[0], min: '6' }])).toEqual({ error: 'Item 1: min is above max.' })
    const t = { name: 'Walk', versions: [{ version: 1, published_at: 'x', items: [] }] }
    expect(addVersion(t, [], '2026-11-25T10:00:00.000Z')).toBe(2)
    expect(t.versions.length).toBe(2)
  })
})

import { discrepancies } from '../src/desk/discrepancy'
import { fmtAgo } from '../src/desk/format'
import { historyCsv } from '../src/desk/historyCsv'
import type { ShipmentRow } from '../src/desk/rows'

describe('discrepancies, freshness and history CSV', () => {
  const ship = (counterparty: string | null, carrier: string, lines: number, discrepant: number, arrived = true): ShipmentRow => ({
    site: 'north',
    document_id: Math.random().toString(),
    direction: 'inbound',
    reference: 'R',
    carrier,
    tracking_number: null,
    counterparty,
    expected_at: null,
    status: arrived ? 'arrived' : 'expected',
    status_at: null,
    arrived_at: arrived ? '2026-11-25T10:00:00Z' : null,
    lines,
    expected_units: 0,
    handled_units: 0,
    damaged_units: discrepant,
    discrepant_lines: discrepant,
  })
  it('groups arrived inbound shipments, worst rate first', () => {
    const rows = [ship('Acme', 'Nordfrakt', 4, 1), ship('Acme', 'Slowline', 2, 2), ship(null, 'Nordfrakt', 5, 0), ship('Acme', 'Nordfrakt', 9, 9, false)]
    expect(discrepancies(rows, 'supplier').map((g) => [g.name, g.lines, g.discrepant_lines, g.rate])).toEqual([
      ['Acme', 6, 3, 0.5],
      ['(none)', 5, 0, 0],
    ])
    expect(discrepancies(rows, 'carrier').map((g) => [g.name, g.rate])).toEqual([
      ['Slowline', 1],
      ['Nordfrakt', 1 / 9],
    ])
  })
  it('says how fresh the figures are', () => {
    expect(fmtAgo(0, 3_400)).toBe('3 s ago')
    expect(fmtAgo(0, 125_000)).toBe('2 min ago')
  })
  it('writes one CSV line per op', () => {
    const csv = historyCsv([
      { hash: 'h', actor: 'a', seq: 1, made_at: '2026-11-25T10:00:00.000Z', received_at: '2026-11-25T10:00:01.000Z', user_id: '3', user_email: 's@x', device: 'fw-3', peer_id: 'fw-3', ops: [{ path: 'entries[0]', action: 'insert', before: null, after: { qty: 9 } }], more_ops: 0 },
    ])
    expect(csv.split('\r\n')[1]).toBe('h,2026-11-25T10:00:00.000Z,2026-11-25T10:00:01.000Z,3,s@x,fw-3,insert,entries[0],null,"{""qty"":9}"')
  })
})
