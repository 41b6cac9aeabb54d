// A document's change history with provenance (GET /api/documents/{id}/history).
import { getJson } from '../data/session'
import { query } from './api'
import { bareId } from './actions'

export interface HistoryOp {
  path: string
  action: string
  before?: unknown
  after?: unknown
}

export interface HistoryChange {
  hash: string
  actor: string
  seq: number
  made_at: string | null
  received_at: string | null
  user_id: string | null
  user_email: string | null
  device?: string | null
  peer_id?: string | null
  ops: HistoryOp[]
}

export async function fetchHistory(id: string, user?: string): Promise<HistoryChange[]> {
  const r = await getJson<{ changes: HistoryChange[] }>(`/api/documents/${encodeURIComponent(bareId(id))}/history${query({ user })}`)
  return r.changes
}

export function show(v: unknown): string {
  if (v === undefined) return ''
  if (v === null) return 'null'
  return typeof v === 'string' ? v : JSON.stringify(v)
}
