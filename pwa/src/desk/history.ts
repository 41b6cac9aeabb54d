// A document's change history with provenance (GET /api/documents/{id}/history).
import { getJson } from '../data/session'
import { query } from './api'
import { bareId } from './actions'
import type { PolicyViolationRow } from './violations'

export interface HistoryOp {
  path: string
  action: string
  before?: unknown
  after?: unknown
}

export interface HistoryChange {
  hash: string
  actor: string | null
  seq: number | null
  made_at: string | null
  received_at: string
  user_id: string | null
  user_email: string | null
  device: string
  peer_id: string
  message?: string | null
  ops: HistoryOp[]
  /** Ops left out of `ops` (a large change). */
  more_ops: number
}

export interface History {
  document_id: string
  total: number
  limit: number
  offset: number
  changes: HistoryChange[]
  /** Edits in this document the server undid (the write policy), newest first (at most 100). */
  violations?: PolicyViolationRow[]
}

/** The first 500 changes (the server's largest page), oldest first. */
export function fetchHistory(id: string, user?: string): Promise<History> {
  return getJson<History>(`/api/documents/${encodeURIComponent(bareId(id))}/history${query({ user, limit: 500 })}`)
}
