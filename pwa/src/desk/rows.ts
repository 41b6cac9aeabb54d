// The rows of the reporting lists: generated from the server's row types
// (server/src/storage/rows.rs, with ts-rs), so a renamed or retyped column
// fails the type-check here instead of showing blank cells.
export type {
  ChecklistResponseRow,
  ChecklistRunRow,
  CorrectiveActionRow,
  CountConflictRow,
  CountEntryRow,
  CountLineRow,
  CountSessionRow,
  DocumentProblemRow,
  ItemRow,
  LocationRow,
  PolicyViolationRow,
  ReplenishmentRow,
  ShipmentLineRow,
  ShipmentRow,
  StockLevelRow,
} from '../types/generated/api'
