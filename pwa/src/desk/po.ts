// Draft purchase orders: items at or below their reorder point, grouped by supplier,
// with the suggested quantity (max − on hand). Plain functions, unit-tested.
import type { ReplenishmentRow } from './rows'
import { toCsv } from './csv'

export interface DraftPo {
  site: string
  /** The supplier's name, or null for items without one. */
  supplier: string | null
  lines: ReplenishmentRow[]
}


export function draftPos(rows: ReplenishmentRow[]): DraftPo[] {
  const by = new Map<string, DraftPo>()
  for (const r of rows) {
    if (!r.suggested_qty || r.suggested_qty <= 0) continue
    const key = `${r.site}\u0000${r.supplier ?? ''}`
    let po = by.get(key)
    if (!po) by.set(key, (po = { site: r.site, supplier: r.supplier, lines: [] }))
    po.lines.push(r)
  }
  const order = (po: DraftPo) => `${po.site}\u0000${po.supplier === null ? '\uffff' : po.supplier}`
  return [...by.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
}

export const PO_CSV_HEADER = ['site', 'supplier', 'sku', 'name', 'unit', 'on_hand', 'reorder_point', 'max_qty', 'suggested_qty', 'unit_cost_minor', 'line_value_minor', 'created_on']

/** One CSV of draft POs: ISO date, plain integers (minor units) for money. */
export function draftPoCsv(pos: DraftPo[], createdOn: string): string {
  const rows = pos.flatMap((po) =>
    po.lines.map((l) => [po.site, po.supplier ?? '', l.sku, l.name, l.unit, l.on_hand, l.reorder_point, l.max_qty, l.suggested_qty, l.unit_cost_minor, (l.suggested_qty ?? 0) * l.unit_cost_minor, createdOn]),
  )
  return toCsv(PO_CSV_HEADER, rows)
}

/** The body of POST /api/sites/{slug}/shipments for a PO's expected inbound shipment. */
export function inboundShipment(po: DraftPo, reference: string, expectedAt: string) {
  return {
    direction: 'inbound' as const,
    reference,
    supplier: po.supplier ?? undefined,
    expected_at: expectedAt,
    lines: po.lines.map((l) => ({ sku: l.sku, qty: l.suggested_qty ?? 0 })),
  }
}
