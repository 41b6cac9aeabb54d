// Undone edits as text: what they tried, for the screen and for the CSV export.
import { toCsv } from './csv'
import type { PolicyViolationRow } from './violations'

/** What they tried, as text: a removal says so, values as compact JSON. */
export function attemptedText(v: unknown, removal: string): string {
  if (v === null || v === undefined) return removal
  return typeof v === 'string' ? v : JSON.stringify(v)
}

/**
 * The CSV the desk offers: who, device, part, what they tried, message, when (ISO), and
 * where; through toCsv, so a tried value like `=HYPERLINK(…)` stays text in a spreadsheet.
 */
export function violationsCsv(rows: PolicyViolationRow[]): string {
  return toCsv(
    ['detected_at', 'site', 'document_id', 'doc_type', 'user_id', 'user_email', 'device', 'part', 'attempted', 'message'],
    rows.map((r) => [r.detected_at, r.site, r.document_id, r.doc_type, r.user_id, r.user_email, r.device, r.part, attemptedText(r.attempted, ''), r.message]),
  )
}
