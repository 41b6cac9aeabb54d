// A document's change history with provenance (GET /api/documents/{id}/history).
import { getJson } from '../data/session'
import { query } from './api'
import { bareId } from './actions'
import { toCsv } from './csv'

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
}

/** The first 500 changes (the server's largest page), oldest first. */
export function fetchHistory(id: string, user?: string): Promise<History> {
  return getJson<History>(`/api/documents/${encodeURIComponent(bareId(id))}/history${query({ user, limit: 500 })}`)
}

export function show(v: unknown): string {
  if (v === undefined) return ''
  if (v === null) return 'null'
  return typeof v === 'string' ? v : JSON.stringify(v)
}

/** One CSV line per op, ISO times. */
export function historyCsv(changes: HistoryChange[]): string {
  return toCsv(
    ['hash', 'made_at', 'received_at', 'user_id', 'user_email', 'device', 'action', 'path', 'before', 'after'],
    changes.flatMap((c) => (c.ops.length ? c.ops : [{ path: '', action: '' } as HistoryOp]).map((op) => [c.hash, c.made_at, c.received_at, c.user_id, c.user_email, c.device || c.peer_id, op.action, op.path, show(op.before), show(op.after)])),
  )
}
