// The documents this phone keeps: the site's work list (cached from the server, so the
// home screen and the documents work offline) and what was created here. Every
// registered document is opened at start-up so the Repo syncs it when a network comes.
import type { WorkDocType } from '../types/docs'

export interface WorkItem {
  url: string
  type: WorkDocType
  title: string | null
  status: string | null
  due_at: string | null
  assignees: string[]
}

export interface KnownDoc {
  url: string
  type: WorkDocType | 'site'
  site: string
  title: string | null
  createdHere: boolean
}

const WORK = 'fw.work.'

/**
 * Per person: on a shared phone, one person's documents are reopened (and their unsynced
 * changes sent) only under their own login, so the server's provenance stays right.
 */
function docsKey(): string {
  try {
    const s = JSON.parse(localStorage.getItem('fw.session') ?? 'null') as { email?: string } | null
    return `fw.docs.${s?.email ?? ''}`
  } catch {
    return 'fw.docs.'
  }
}

export function knownDocs(): Record<string, KnownDoc> {
  try {
    return JSON.parse(localStorage.getItem(docsKey()) ?? '{}') as Record<string, KnownDoc>
  } catch {
    return {}
  }
}

export function rememberDoc(doc: KnownDoc): void {
  const all = knownDocs()
  const prev = all[doc.url]
  all[doc.url] = { ...prev, ...doc, createdHere: doc.createdHere || !!prev?.createdHere }
  localStorage.setItem(docsKey(), JSON.stringify(all))
}

export function cachedWork(site: string): { items: WorkItem[]; fetchedAt: string | null } {
  try {
    return JSON.parse(localStorage.getItem(WORK + site) ?? '') as { items: WorkItem[]; fetchedAt: string | null }
  } catch {
    return { items: [], fetchedAt: null }
  }
}

export function cacheWork(site: string, items: WorkItem[]): void {
  localStorage.setItem(WORK + site, JSON.stringify({ items, fetchedAt: new Date().toISOString() }))
  for (const w of items) rememberDoc({ url: w.url, type: w.type, site, title: w.title, createdHere: false })
}
