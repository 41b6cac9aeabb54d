// Manager actions on documents: POST /api/documents/{id}/actions (see the contract).
import { sendJson } from './api'
import type { MessageKey } from '../i18n'

export type ReasonCode = 'damaged' | 'lost' | 'found' | 'mis_picked' | 'unit_error' | 'other'
export const REASONS: { code: ReasonCode; label: MessageKey }[] = [
  { code: 'damaged', label: 'reason.damaged' },
  { code: 'lost', label: 'reason.lost' },
  { code: 'found', label: 'reason.found' },
  { code: 'mis_picked', label: 'reason.mis_picked' },
  { code: 'unit_error', label: 'reason.unit_error' },
  { code: 'other', label: 'reason.other' },
]

export type CountStatus = 'open' | 'counting' | 'review' | 'closed'

export type Action =
  | { action: 'approve_line'; line: string; qty?: number; reason?: ReasonCode; note?: string }
  | { action: 'approve_session'; tolerance?: number; lines?: string[] }
  | { action: 'request_recount'; line: string; note?: string }
  | { action: 'resolve_conflict'; line: string; qty: number; reason: ReasonCode; note?: string }
  | { action: 'set_count_status'; status: CountStatus }
  | {
      action: 'update_corrective_action'
      id: string
      assignee?: string | null
      due_at?: string | null
      priority?: 'low' | 'medium' | 'high' | 'urgent'
      status?: 'open' | 'in_progress' | 'done' | 'cancelled'
      note?: string
      evidence?: { sha256: string; content_type: string; size: number }[]
    }

export interface ActionResponse<R = Record<string, unknown>> {
  document_id: string
  heads: string[]
  result: R
}

export interface ApproveSessionResult {
  approved: string[]
  skipped: { line: string; reason: string }[]
}

/** Document ids travel bare in paths ("automerge:" stripped). */
export function bareId(id: string): string {
  return id.replace(/^automerge:/, '')
}

export function runAction<R = Record<string, unknown>>(documentId: string, action: Action): Promise<ActionResponse<R>> {
  return sendJson<ActionResponse<R>>(`/api/documents/${encodeURIComponent(bareId(documentId))}/actions`, 'POST', action)
}
