// What the phone derives from a shipment (mirrors shared/src/shipment/derived.rs).
import type { Direction, ShipmentStatus } from '../types/generated'
import type { ShipmentDoc } from '../types/docs'
import { latestEvent } from './count'
import type { MessageKey } from '../i18n'

export const INBOUND_FLOW: ShipmentStatus[] = ['expected', 'arrived', 'unloading', 'received', 'put_away']
export const OUTBOUND_FLOW: ShipmentStatus[] = ['expected', 'packed', 'dispatched', 'delivered']

export const STATUS_LABEL: Record<ShipmentStatus, MessageKey> = {
  expected: 'shipment.status.expected',
  arrived: 'shipment.status.arrived',
  unloading: 'shipment.status.unloading',
  received: 'shipment.status.received',
  put_away: 'shipment.status.put_away',
  packed: 'shipment.status.packed',
  dispatched: 'shipment.status.dispatched',
  delivered: 'shipment.status.delivered',
}

/** The button that moves a shipment to a status. */
export const MARK_LABEL: Record<ShipmentStatus, MessageKey> = {
  expected: 'shipment.mark.expected',
  arrived: 'shipment.mark.arrived',
  unloading: 'shipment.mark.unloading',
  received: 'shipment.mark.received',
  put_away: 'shipment.mark.put_away',
  packed: 'shipment.mark.packed',
  dispatched: 'shipment.mark.dispatched',
  delivered: 'shipment.mark.delivered',
}

export function flowOf(direction: Direction): ShipmentStatus[] {
  return direction === 'inbound' ? INBOUND_FLOW : OUTBOUND_FLOW
}

export function shipmentStatus(doc: Pick<ShipmentDoc, 'timeline'>): ShipmentStatus {
  return latestEvent(doc.timeline)?.status ?? 'expected'
}

/** Statuses after the current one, in order (the next is the usual step). */
export function nextStatuses(doc: Pick<ShipmentDoc, 'timeline' | 'direction'>): ShipmentStatus[] {
  const flow = flowOf(doc.direction)
  const i = flow.indexOf(shipmentStatus(doc))
  return flow.slice(i + 1)
}

export interface LineTally {
  lineId: string
  sku: string
  location: string | null
  expected: number
  handled: number
  damaged: number
  over: number
  short: number
}

export function lineTallies(doc: Pick<ShipmentDoc, 'expected_lines' | 'entries'>): LineTally[] {
  const sums = new Map<string, { good: number; damaged: number }>()
  for (const e of doc.entries ?? []) {
    if (e.void || !e.expected_line) continue
    const s = sums.get(e.expected_line) ?? { good: 0, damaged: 0 }
    s.good += e.qty
    s.damaged += e.damaged_qty ?? 0
    sums.set(e.expected_line, s)
  }
  return (doc.expected_lines ?? []).map((l) => {
    const s = sums.get(l.id) ?? { good: 0, damaged: 0 }
    const arrived = s.good + s.damaged
    return {
      lineId: l.id,
      sku: l.sku,
      location: l.location ?? null,
      expected: l.qty,
      handled: s.good,
      damaged: s.damaged,
      over: Math.max(0, arrived - l.qty),
      short: Math.max(0, l.qty - arrived),
    }
  })
}

/** Live entries not tied to an expected line (free-form receiving). */
export function unexpectedEntries(doc: Pick<ShipmentDoc, 'entries'>) {
  return (doc.entries ?? []).filter((e) => !e.void && !e.expected_line)
}
