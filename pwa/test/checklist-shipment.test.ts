import { describe, expect, it } from 'vitest'
import { failedItems, isFailed, missingRequired, needsAction, parseReading, runState, snapshotOf } from '../src/lib/checklist'
import { lineTallies, nextStatuses, shipmentStatus, unexpectedEntries } from '../src/lib/shipment'
import type { ChecklistDoc, ShipmentDoc } from '../src/types/docs'

const rec = { by: 'u', at: '2026-11-25T08:00:00.000Z', device: 'd' }
const tpl = {
  name: 'Dock walk',
  versions: [
    { version: 1, published_at: rec.at, items: [{ id: 'i1', label: 'Doors', kind: 'check' as const, required: true }] },
    {
      version: 2,
      published_at: rec.at,
      items: [
        { id: 'i1', label: 'Doors', kind: 'check' as const, required: true },
        { id: 'i2', label: 'Chiller', kind: 'number' as const, required: true, unit: '°C', min: 0, max: 5 },
        { id: 'i3', label: 'Notes', kind: 'text' as const, required: false },
      ],
    },
  ],
}

describe('checklists', () => {
  it('a run keeps a snapshot of the latest template version', () => {
    const snap = snapshotOf('t1', tpl)
    expect(snap).toMatchObject({ template_id: 't1', version: 2, name: 'Dock walk' })
    expect(snap?.items).toHaveLength(3)
  })

  it('required items block sign-off; failed checks and out-of-range numbers fail', () => {
    const run = { template: snapshotOf('t1', tpl)!, responses: {}, corrective_actions: [], completed_at: null, sign_off: null } as unknown as ChecklistDoc
    expect(missingRequired(run).map((i) => i.id)).toEqual(['i1', 'i2'])
    expect(runState(run)).toBe('not_started')
    run.responses.i1 = { answer: { kind: 'check', outcome: 'fail' }, photos: [], ...rec }
    expect(runState(run)).toBe('in_progress')
    run.responses.i2 = { answer: { kind: 'number', value: 7.5 }, photos: [], ...rec }
    expect(failedItems(run).map((i) => i.id)).toEqual(['i1', 'i2'])
    expect(runState(run)).toBe('ready_to_sign')
    expect(isFailed(run.template.items[1], { kind: 'number', value: 3 })).toBe(false)
    expect(needsAction(run, 'i1')).toBe(true)
    run.corrective_actions.push({ id: 'c', item_id: 'i1', description: 'fix', priority: 'high', timeline: [], ...rec })
    expect(needsAction(run, 'i1')).toBe(false)
    run.corrective_actions[0].timeline.push({ id: 'e', status: 'done', ...rec })
    expect(needsAction(run, 'i1')).toBe(true)
  })

  it('parses readings with comma or dot', () => {
    expect(parseReading('3,5')).toBe(3.5)
    expect(parseReading('-2')).toBe(-2)
    expect(parseReading('abc')).toBeNull()
  })
})

describe('shipments', () => {
  const doc = {
    direction: 'inbound',
    expected_lines: [
      { id: 'l1', sku: 'S9', qty: 24, location: 'A-01-01' },
      { id: 'l2', sku: 'S12', qty: 10 },
    ],
    entries: [
      { id: 'e1', expected_line: 'l1', sku: 'S9', qty: 22, damaged_qty: 2, photos: [], ...rec },
      { id: 'e2', expected_line: 'l2', sku: 'S12', qty: 6, damaged_qty: 0, photos: [], ...rec },
      { id: 'e3', expected_line: 'l2', sku: 'S12', qty: 50, damaged_qty: 0, photos: [], ...rec, void: rec },
      { id: 'e4', sku: 'S30', qty: 3, damaged_qty: 0, photos: [], ...rec },
      { id: 'e5', expected_line: 'l1', sku: 'S9', qty: 3, damaged_qty: 0, photos: [], ...rec },
    ],
    timeline: [
      { id: 'a', status: 'arrived', ...rec },
      { id: 'b', status: 'unloading', ...rec, at: '2026-11-25T08:05:00.000Z' },
    ],
  } as unknown as ShipmentDoc

  it('derives over / short / damaged per line from appended entries', () => {
    expect(lineTallies(doc)).toEqual([
      { lineId: 'l1', sku: 'S9', location: 'A-01-01', expected: 24, handled: 25, damaged: 2, over: 3, short: 0 },
      { lineId: 'l2', sku: 'S12', location: null, expected: 10, handled: 6, damaged: 0, over: 0, short: 4 },
    ])
    expect(unexpectedEntries(doc).map((e) => e.id)).toEqual(['e4'])
  })

  it('status is the latest event; next steps follow the direction', () => {
    expect(shipmentStatus(doc)).toBe('unloading')
    expect(nextStatuses(doc)).toEqual(['received', 'put_away'])
    expect(nextStatuses({ direction: 'outbound', timeline: [] })).toEqual(['packed', 'dispatched', 'delivered'])
  })
})

describe('checklist answer conflicts', () => {
  it('tells both people in plain words', async () => {
    const { responseConflictMessage } = await import('../src/lib/checklist')
    const answers = [
      { answer: { kind: 'check' as const, outcome: 'pass' as const }, by: 'u-ana', device: 'd-ana' },
      { answer: { kind: 'check' as const, outcome: 'fail' as const }, by: 'u-ben', device: 'd-ben' },
    ]
    const names = (id: string) => (id === 'u-ana' ? 'Ana' : 'Ben')
    expect(responseConflictMessage(answers, { userId: 'u-ana', deviceId: 'd-ana' }, names)).toBe('Ben answered Fail, you answered Pass: a manager will review')
    expect(responseConflictMessage(answers, { userId: 'u-ben', deviceId: 'd-ben' }, names)).toBe('Ana answered Pass, you answered Fail: a manager will review')
    expect(responseConflictMessage([answers[0], { ...answers[0], by: 'u-ben', device: 'd-ben' }], { userId: 'u-ana', deviceId: 'd-ana' }, names)).toBeNull()
  })
})
