// Receiving discrepancies per supplier (counterparty) or carrier, from shipment rows.
import type { ShipmentRow } from './rows'

export interface DiscrepancyGroup {
  by: 'supplier' | 'carrier'
  name: string
  shipments: number
  lines: number
  discrepant_lines: number
  damaged_units: number
  rate: number | null
}

export function discrepancies(rows: ShipmentRow[], by: 'supplier' | 'carrier'): DiscrepancyGroup[] {
  const groups = new Map<string, DiscrepancyGroup>()
  for (const r of rows) {
    if (r.direction !== 'inbound' || !r.arrived_at) continue
    const name = (by === 'supplier' ? r.counterparty : r.carrier) ?? '(none)'
    const g = groups.get(name) ?? { by, name, shipments: 0, lines: 0, discrepant_lines: 0, damaged_units: 0, rate: null }
    g.shipments++
    g.lines += r.lines
    g.discrepant_lines += r.discrepant_lines
    g.damaged_units += r.damaged_units
    g.rate = g.lines ? g.discrepant_lines / g.lines : null
    groups.set(name, g)
  }
  return [...groups.values()].sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0) || a.name.localeCompare(b.name))
}
