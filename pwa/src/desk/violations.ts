// Edits the server undid because they broke the write policy
// (GET /api/reports/policy-violations, and `violations` of a document's history).
import { fetchList, type Page, type SiteScope } from './api'
import type { DateRange } from './range'

export interface PolicyViolationRow {
  site: string
  document_id: string
  doc_type: string | null
  /** The part, e.g. `lines["A-01|SKU-1"]`. */
  part: string
  /** Why it was refused, as the phone was told. */
  message: string
  /** What the change tried to leave there; null for a removal. */
  attempted: unknown
  user_id: number | null
  user_email: string | null
  /** The peer id (one login on one device) that delivered it. */
  device: string
  detected_at: string
}

/** The violations of the site scope detected in the range (newest first, as the server orders them). */
export function fetchViolations(site: SiteScope, range: DateRange, limit = 1000): Promise<Page<PolicyViolationRow>> {
  return fetchList<PolicyViolationRow>('policy-violations', { site, from: range.from, to: range.to, limit })
}
