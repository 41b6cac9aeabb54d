// What the signed-in user may write, as far as the phone offers it. The server holds every
// change to the write policy (shared/src/policy) and undoes what breaks it; the phone only
// avoids offering an edit that would be undone. Mirrors shipment.rs, checklist_run.rs and
// count_session.rs for the controls the phone has.
import type { CorrectiveAction, Direction, ShipmentStatus } from '../types/generated'
import type { ChecklistDoc, ShipmentDoc } from '../types/docs'
import { nextStatuses } from './shipment'

/** Managers and admins plan and decide; staff work; viewers read. */
export function decides(role: string | undefined): boolean {
  return role === 'manager' || role === 'admin'
}

/** The statuses staff set: inbound up to received, outbound up to dispatched. */
export function staffMaySetStatus(direction: Direction, status: ShipmentStatus): boolean {
  return direction === 'inbound' ? ['arrived', 'unloading', 'received'].includes(status) : ['packed', 'dispatched'].includes(status)
}

/** The status buttons to offer: the next steps of the flow that this role may set. */
export function statusesFor(role: string | undefined, doc: Pick<ShipmentDoc, 'timeline' | 'direction'>): ShipmentStatus[] {
  const next = nextStatuses(doc)
  return decides(role) ? next : next.filter((s) => staffMaySetStatus(doc.direction, s))
}

/** A corrective action nobody has taken on yet: unassigned, unscheduled, no status events. */
function untouched(action: CorrectiveAction): boolean {
  return !action.assignee && !action.due_at && (action.timeline?.length ?? 0) === 0
}

/** Staff may change the priority of an action they raised, until a manager takes it on. */
export function mayReprioritise(role: string | undefined, action: CorrectiveAction, userId: string): boolean {
  return decides(role) || (action.by === userId && untouched(action))
}

/** Staff work only on a run of their own: one with no assignee, or assigned to them. */
export function mayWorkOnRun(role: string | undefined, doc: Pick<ChecklistDoc, 'assignee'>, userId: string): boolean {
  return decides(role) || !doc.assignee || doc.assignee === userId
}

/** Staff step a count to counting/review only on work assigned to them (or to nobody). */
export function mayStepCount(role: string | undefined, doc: { assignees?: string[] | null }, userId: string): boolean {
  return decides(role) || !doc.assignees?.length || doc.assignees.includes(userId)
}
