// The KPI tiles of the overview: which server figures each shows, how to format them
// and which rows lie behind them. Figures given per group (priority, direction, site)
// are summed into one tile; ratios sum their numerators and denominators.
import type { Figure, FigureValue, TrendFigure } from './api'
import type { DateRange } from './range'
import type { MessageKey } from '../i18n'

export type KpiFormat = 'percent' | 'count' | 'money'

export interface KpiDef {
  key: string
  label: MessageKey
  format: KpiFormat
  /** What the figure means, for the tile's description. */
  help: MessageKey
  /** The report list behind the tile, its status filter, and whether it is dated. */
  list: { name: string; status?: string; dated: boolean }
  /** A second figure shown beside the value (e.g. net adjustment value). */
  beside?: { kpi: string; label: MessageKey }
  /** Figures come from the replenishment list, not the KPI endpoint (current state). */
  current?: boolean
}

export const KPIS: KpiDef[] = [
  { key: 'inventory_record_accuracy', label: 'kpi.inventory_record_accuracy', format: 'percent', help: 'kpi.inventory_record_accuracy.help', list: { name: 'count-lines', dated: true } },
  { key: 'variance_value_minor', label: 'kpi.variance_value_minor', format: 'money', help: 'kpi.variance_value_minor.help', list: { name: 'count-lines', dated: true }, beside: { kpi: 'net_adjustment_value_minor', label: 'kpi.net_adjustment' } },
  { key: 'count_completion', label: 'kpi.count_completion', format: 'percent', help: 'kpi.count_completion.help', list: { name: 'count-sessions', dated: true } },
  { key: 'count_coverage', label: 'kpi.count_coverage', format: 'percent', help: 'kpi.count_coverage.help', list: { name: 'count-lines', dated: true } },
  { key: 'below_reorder_point', label: 'kpi.below_reorder_point', format: 'count', help: 'kpi.below_reorder_point.help', list: { name: 'replenishment', dated: false }, current: true },
  { key: 'checklist_completion', label: 'kpi.checklist_completion', format: 'percent', help: 'kpi.checklist_completion.help', list: { name: 'checklist-runs', dated: true } },
  { key: 'checklist_on_time', label: 'kpi.checklist_on_time', format: 'percent', help: 'kpi.checklist_on_time.help', list: { name: 'checklist-runs', dated: true } },
  { key: 'overdue_open_runs', label: 'kpi.overdue_open_runs', format: 'count', help: 'kpi.overdue_open_runs.help', list: { name: 'checklist-runs', status: 'open', dated: true } },
  { key: 'failed_item_rate', label: 'kpi.failed_item_rate', format: 'percent', help: 'kpi.failed_item_rate.help', list: { name: 'checklist-responses', status: 'failed', dated: true } },
  { key: 'open_corrective_actions', label: 'kpi.open_corrective_actions', format: 'count', help: 'kpi.open_corrective_actions.help', list: { name: 'corrective-actions', status: 'open,in_progress', dated: false } },
  { key: 'overdue_corrective_actions', label: 'kpi.overdue_corrective_actions', format: 'count', help: 'kpi.overdue_corrective_actions.help', list: { name: 'corrective-actions', status: 'open,in_progress', dated: false } },
  { key: 'shipments_expected_today', label: 'kpi.shipments_expected_today', format: 'count', help: 'kpi.shipments_expected_today.help', list: { name: 'shipments', dated: false } },
  { key: 'shipments_expected', label: 'kpi.shipments_expected', format: 'count', help: 'kpi.shipments_expected.help', list: { name: 'shipments', dated: true } },
  { key: 'shipments_arrived', label: 'kpi.shipments_arrived', format: 'count', help: 'kpi.shipments_arrived.help', list: { name: 'shipments', dated: true } },
  { key: 'shipments_late', label: 'kpi.shipments_late', format: 'count', help: 'kpi.shipments_late.help', list: { name: 'shipments', dated: true } },
  { key: 'receiving_discrepancy_rate', label: 'kpi.receiving_discrepancy_rate', format: 'percent', help: 'kpi.receiving_discrepancy_rate.help', list: { name: 'shipment-lines', dated: true } },
  { key: 'damage_rate', label: 'kpi.damage_rate', format: 'percent', help: 'kpi.damage_rate.help', list: { name: 'shipment-lines', dated: true } },
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

/** A tile's value in one point of a trend: its figures summed like the tile's. */
export function pointValue(figures: TrendFigure[], kpi: string): number | null {
  const mine = figures.filter((f) => f.kpi === kpi)
  return mine.length ? sum(mine.map((f) => f.value)).value : null
}

/** The filters of the rows behind a tile. */
export function tileListRange(def: KpiDef, range: DateRange, today: string): Partial<DateRange> {
  if (def.key === 'shipments_expected_today') return { from: today, to: today }
  return def.list.dated ? range : {}
}
