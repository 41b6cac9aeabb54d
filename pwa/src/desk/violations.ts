// Edits the server undid because they broke the write policy
// (GET /api/reports/policy-violations, and `violations` of a document's history).
import { fetchList, type Page, type SiteScope } from './api'
import type { DateRange } from './range'
import type { PolicyViolationRow } from './rows'

export type { PolicyViolationRow }

/** The violations of the site scope detected in the range (newest first, as the server orders them). */
export function fetchViolations(site: SiteScope, range: DateRange, limit = 1000): Promise<Page<PolicyViolationRow>> {
  return fetchList<PolicyViolationRow>('policy-violations', { site, from: range.from, to: range.to, limit })
}
