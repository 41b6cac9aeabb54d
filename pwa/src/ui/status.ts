// Statuses of work documents (counts, checklist runs, shipments) in words.
import { t, type MessageKey } from '../i18n'

/** A work document's status as the work list shows it (count, checklist or shipment statuses). */
const STATUS: Record<string, MessageKey> = {
  open: 'status.open',
  counting: 'status.counting',
  review: 'status.review',
  closed: 'status.closed',
  not_started: 'status.not_started',
  in_progress: 'status.in_progress',
  ready_to_sign: 'status.ready_to_sign',
  completed: 'status.completed',
  expected: 'status.expected',
  arrived: 'status.arrived',
  unloading: 'status.unloading',
  received: 'status.received',
  put_away: 'status.put_away',
  packed: 'status.packed',
  dispatched: 'status.dispatched',
  delivered: 'status.delivered',
  done: 'status.done',
  cancelled: 'status.cancelled',
}

const ROLE: Record<string, MessageKey> = { staff: 'role.staff', manager: 'role.manager', admin: 'role.admin', viewer: 'role.viewer' }

/** A role in words (unknown roles as the server names them). */
export function roleText(role: string): string {
  return ROLE[role] ? t(ROLE[role]) : role
}

const KIND: Record<string, MessageKey> = { zone: 'md.kind.zone', aisle: 'md.kind.aisle', bin: 'md.kind.bin' }

/** A location kind in words. */
export function kindText(kind: string): string {
  return KIND[kind] ? t(KIND[kind]) : kind
}

export const PRIORITY: Record<'low' | 'medium' | 'high' | 'urgent', MessageKey> = {
  low: 'priority.low',
  medium: 'priority.medium',
  high: 'priority.high',
  urgent: 'priority.urgent',
}

export function statusText(status: string): string {
  return STATUS[status] ? t(STATUS[status]) : status
}
