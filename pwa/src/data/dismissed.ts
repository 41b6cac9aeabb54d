// Which policy notices this device's user dismissed: kept in localStorage by notice id
// (ids are unique per notice, so one list serves every document and every login).
import { signal } from '@preact/signals'

const KEY = 'fw.dismissedNotices'
/** Ids kept: the server keeps 20 notices per document, so old ids are long gone from every document. */
const KEEP = 500

function load(): string[] {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY)
    const list: unknown = raw ? JSON.parse(raw) : []
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

export const dismissed = signal<ReadonlySet<string>>(new Set(load()))

export function dismissNotice(id: string): void {
  if (dismissed.value.has(id)) return
  const ids = [...dismissed.value, id].slice(-KEEP)
  try {
    localStorage.setItem(KEY, JSON.stringify(ids))
  } catch {
    /* storage full or private mode: dismissed for this page only */
  }
  dismissed.value = new Set(ids)
}
