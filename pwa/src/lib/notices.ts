// The server's notices of undone edits (`policy_notices` at a document's root, written
// only by the server): which ones the signed-in user still has to read, and how to say
// which part of the document was put back.
import type { PolicyNotice } from '../types/generated'
import { POLICY_NOTICES_KEY } from '../types/generated'
import { t, type MessageKey } from '../i18n'

/** The well-formed notices of a document (anything else in the list is ignored). */
export function noticesOf(doc: unknown): PolicyNotice[] {
  const list = (doc as Record<string, unknown> | null | undefined)?.[POLICY_NOTICES_KEY]
  if (!Array.isArray(list)) return []
  return list.filter((n): n is PolicyNotice => {
    const x = n as Record<string, unknown> | null
    return !!x && ['id', 'user', 'device', 'part', 'message', 'at'].every((k) => typeof x[k] === 'string')
  })
}

/** Notices addressed to `userId` not yet dismissed on this device, newest first. */
export function openNotices(doc: unknown, userId: string | undefined, dismissed: ReadonlySet<string>): PolicyNotice[] {
  if (!userId) return []
  return noticesOf(doc)
    .filter((n) => n.user === userId && !dismissed.has(n.id))
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
}

/** What a collection's member is called, e.g. `entries[id="…"]` → "a count entry". */
const MEMBER: Record<string, MessageKey> = {
  entries: 'notice.part.entry',
  timeline: 'notice.part.status',
  responses: 'notice.part.answer',
  corrective_actions: 'notice.part.action',
  notes: 'notice.part.note',
  expected_lines: 'notice.part.expectedLine',
  items: 'notice.part.masterData',
  locations: 'notice.part.masterData',
  item_classes: 'notice.part.masterData',
  checklist_templates: 'notice.part.masterData',
}

/**
 * The part in words: `lines["A-01|SKU-1"]` → "line A-01|SKU-1", `title` → "the title".
 * The server names parts as `collection["key"]`, `collection[id="id"]` or a root field.
 */
export function partText(part: string): string {
  const m = /^([a-z_]+)\[(?:id=)?(".*")\]$/.exec(part)
  if (!m) return /^[a-z_]+$/.test(part) ? t('notice.part.field', { field: part.replace(/_/g, ' ') }) : part
  const [, collection, quoted] = m
  let key = quoted
  try {
    key = JSON.parse(quoted) as string
  } catch {
    /* not JSON: show it as it came */
  }
  if (collection === 'lines') return t('notice.part.line', { key })
  return MEMBER[collection] ? t(MEMBER[collection]) : part
}

/** "Your change to line A-01|SKU-1 was undone: only a manager can approve counts". */
export function noticeText(n: PolicyNotice): string {
  return t('notice.undone', { part: partText(n.part), reason: n.message })
}

/** What the reader can do about it: staff ask a manager; a manager's own edit named the wrong user or device. */
export function noticeHint(role: string | undefined): string {
  return t(role === 'manager' || role === 'admin' ? 'notice.hintManager' : 'notice.hintStaff')
}
