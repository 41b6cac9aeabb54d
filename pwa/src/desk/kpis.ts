// The KPI tiles of the overview: which server figures each shows, how to format them
// and which rows lie behind them. Figures given per group (priority, direction, site)
// are summed into one tile; ratios sum their numerators and denominators.
import type { Figure, FigureValue } from './api'
import type { DateRange } from './range'

export type KpiFormat = 'percent' | 'count' | 'money'

export interface KpiDef {
  key: string
  label: string
  format: KpiFormat
  /** What the figure means, for the tile's description. */
  help: string
  /** The report list behind the tile, its status filter, and whether it is dated. */
  list: { name: string; status?: string; dated: boolean }
  /** A second figure shown beside the value (e.g. net adjustment value). */
  beside?: { kpi: string; label: string }
  /** Figures come from the replenishment list, not the KPI endpoint (current state). */
  current?: boolean
}

export const KPIS: KpiDef[] = [
  { key: 'inventory_record_accuracy', label: 'Inventory record accuracy', format: 'percent', help: 'Count lines within tolerance ÷ lines counted', list: { name: 'count-lines', dated: true } },
  { key: 'variance_value_minor', label: 'Variance value', format: 'money', help: 'Σ |counted − expected| × unit cost', list: { name: 'count-lines', dated: true }, beside: { kpi: 'net_adjustment_value_minor', label: 'Net adjustment' } },
  { key: 'count_completion', label: 'Count completion', format: 'percent', help: 'Sessions closed by due date ÷ sessions due', list: { name: 'count-sessions', dated: true } },
  { key: 'count_coverage', label: 'Count coverage', format: 'percent', help: 'Items counted ÷ active items', list: { name: 'count-lines', dated: true } },
  { key: 'below_reorder_point', label: 'Below reorder point', format: 'count', help: 'Items with stock on hand ≤ reorder point (now)', list: { name: 'replenishment', dated: false }, current: true },
  { key: 'checklist_completion', label: 'Checklist completion', format: 'percent', help: 'Runs completed ÷ runs scheduled', list: { name: 'checklist-runs', dated: true } },
  { key: 'checklist_on_time', label: 'Checklists on time', format: 'percent', help: 'Runs completed by due ÷ runs scheduled', list: { name: 'checklist-runs', dated: true } },
  { key: 'overdue_open_runs', label: 'Overdue open runs', format: 'count', help: 'Runs past due and not completed', list: { name: 'checklist-runs', status: 'open', dated: true } },
  { key: 'failed_item_rate', label: 'Failed-item rate', format: 'percent', help: 'Failed responses ÷ responses answered', list: { name: 'checklist-responses', status: 'failed', dated: true } },
  { key: 'open_corrective_actions', label: 'Open corrective actions', format: 'count', help: 'Not done or cancelled, by priority', list: { name: 'corrective-actions', status: 'open,in_progress', dated: false } },
  { key: 'overdue_corrective_actions', label: 'Overdue corrective actions', format: 'count', help: 'Open and past due, by priority', list: { name: 'corrective-actions', status: 'open,in_progress', dated: false } },
  { key: 'shipments_expected_today', label: 'Shipments expected today', format: 'count', help: 'Today, beside yesterday', list: { name: 'shipments', dated: false } },
  { key: 'shipments_expected', label: 'Shipments expected', format: 'count', help: 'Expected in the period', list: { name: 'shipments', dated: true } },
  { key: 'shipments_arrived', label: 'Shipments arrived', format: 'count', help: 'Arrived (inbound) or dispatched (outbound)', list: { name: 'shipments', dated: true } },
  { key: 'shipments_late', label: 'Shipments late', format: 'count', help: 'Past expected time, not arrived', list: { name: 'shipments', dated: true } },
  { key: 'receiving_discrepancy_rate', label: 'Receiving discrepancy rate', format: 'percent', help: 'Received lines over / short / damaged ÷ lines received', list: { name: 'shipment-lines', dated: true } },
  { key: 'damage_rate', label: 'Damage rate', format: 'percent', help: 'Damaged units ÷ units received', list: { name: 'shipment-lines', dated: true } },
]

export interface Aggregate {
  value: number | null
  numerator: number | null
  denominator: number | null
}

function sum(values: FigureValue[]): Aggregate {
  if (!values.length) return { value: null, numerator: null, denominator: null }
  if (values.every((v) => v.denominator !== null && v.numerator !== null)) {
    const numerator = values.reduce((a, v) => a + (v.numerator ?? 0), 0)
    const denominator = values.reduce((a, v) => a + (v.denominator ?? 0), 0)
    return { value: denominator ? numerator / denominator : null, numerator, denominator }
  }
  return { value: values.reduce((a, v) => a + (v.value ?? 0), 0), numerator: null, denominator: null }
}

export interface TileFigures {
  current: Aggregate
  previous: Aggregate
  /** Per group (priority, direction) current values, when the figure has groups. */
  groups: { group: string; value: number }[]
}

export function tileFigures(figures: Figure[], kpi: string): TileFigures | null {
  const mine = figures.filter((f) => f.kpi === kpi)
  if (!mine.length) return null
  const byGroup = new Map<string, number>()
  for (const f of mine) if (f.group) byGroup.set(f.group, (byGroup.get(f.group) ?? 0) + (f.current.value ?? 0))
  return {
    current: sum(mine.map((f) => f.current)),
    previous: sum(mine.map((f) => f.previous)),
    groups: [...byGroup].map(([group, value]) => ({ group, value })),
  }
}

/** The filters of the rows behind a tile. */
export function tileListRange(def: KpiDef, range: DateRange, today: string): Partial<DateRange> {
  if (def.key === 'shipments_expected_today') return { from: today, to: today }
  return def.list.dated ? range : {}
}
