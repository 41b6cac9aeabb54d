// A document's history as text: values for the screen, one CSV line per op (ISO times).
import { toCsv } from './csv'
import type { HistoryChange, HistoryOp } from './history'

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
