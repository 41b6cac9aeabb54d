// The rows of the reporting lists (server/src/reporting/rows.rs).

export interface CountSessionRow {
  site: string
  document_id: string
  title: string
  status: 'open' | 'counting' | 'review' | 'closed'
  blind: boolean
  due_at: string | null
  status_at: string | null
  closed_at: string | null
  assignees: string[]
  lines: number
  lines_counted: number
  open_conflicts: number
}

export interface CountLineRow {
  site: string
  document_id: string
  line_key: string
  location: string
  sku: string
  expected_qty: number | null
  counted_qty: number | null
  variance_units: number | null
  variance_value_minor: number | null
  tolerance_units: number
  within_tolerance: boolean | null
  last_count_index: number | null
  counted_at: string | null
  reason: string | null
  reason_note: string | null
  approved_qty: number | null
  approved_by: string | null
  approved_at: string | null
  recount_index: number | null
  recount_state: string
  status: 'uncounted' | 'counted' | 'conflict' | 'recount' | 'approved'
}

export interface CountEntryRow {
  site: string
  document_id: string
  id: string
  line_key: string
  location: string
  sku: string
  qty: number
  count_index: number
  recorded_by: string
  recorded_at: string
  device: string
  note: string | null
  voided: boolean
}

export interface ConflictEntry {
  entry_id: string
  qty: number
  by: string
  device: string
  at: string
}

export interface CountConflictRow {
  site: string
  document_id: string
  line_key: string
  count_index: number
  quantities: number[]
  entries: ConflictEntry[]
  counted_at: string | null
  resolved: boolean
}

export interface StockLevelRow {
  site: string
  sku: string
  item_name: string | null
  location: string
  on_hand: number
  last_movement_at: string | null
}

export interface ReplenishmentRow {
  site: string
  sku: string
  name: string
  unit: string
  supplier: string | null
  on_hand: number
  reorder_point: number
  min_qty: number | null
  max_qty: number | null
  suggested_qty: number | null
  unit_cost_minor: number
}

export interface CorrectiveActionRow {
  site: string
  document_id: string
  id: string
  item_id: string
  description: string
  assignee: string | null
  due_at: string | null
  priority: 'low' | 'medium' | 'high' | 'urgent'
  status: 'open' | 'in_progress' | 'done' | 'cancelled'
  raised_by: string
  raised_at: string
  closed_at: string | null
}

export interface ShipmentRow {
  site: string
  document_id: string
  direction: 'inbound' | 'outbound'
  reference: string
  carrier: string | null
  tracking_number: string | null
  counterparty: string | null
  expected_at: string | null
  status: string
  status_at: string | null
  arrived_at: string | null
  lines: number
  expected_units: number
  handled_units: number
  damaged_units: number
  discrepant_lines: number
}

export interface ShipmentLineRow {
  site: string
  document_id: string
  reference: string
  direction: string
  line_id: string
  sku: string
  location: string | null
  expected_qty: number
  handled_qty: number
  damaged_qty: number
  over_qty: number
  short_qty: number
}
