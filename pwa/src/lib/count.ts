// What the phone derives from a count session (mirrors shared/src/count_session/derived.rs):
// lines, passes, conflicts, per-line status. Totals are never stored.
import type { CountEntry, CountStatus, Location, ReasonCode } from '../types/generated'
import type { CountDoc, SiteDoc } from '../types/docs'
import type { Actor } from './ids'
import { t, type MessageKey } from '../i18n'

export const REASON_CODES: { code: ReasonCode; label: MessageKey }[] = [
  { code: 'damaged', label: 'reason.damaged' },
  { code: 'lost', label: 'reason.lost' },
  { code: 'found', label: 'reason.found' },
  { code: 'mis_picked', label: 'reason.mis_picked' },
  { code: 'unit_error', label: 'reason.unit_error' },
  { code: 'other', label: 'reason.other' },
]

export function lineKey(location: string, sku: string): string {
  return `${location}|${sku}`
}

export function splitLineKey(key: string): [string, string] | null {
  const i = key.indexOf('|')
  return i < 0 ? null : [key.slice(0, i), key.slice(i + 1)]
}

/** Latest event by (at, id), as every replica agrees. */
export function latestEvent<T extends { at: string; id: string }>(timeline: readonly T[] | undefined): T | undefined {
  let best: T | undefined
  for (const e of timeline ?? []) {
    if (!best || e.at > best.at || (e.at === best.at && e.id > best.id)) best = e
  }
  return best
}

export function countStatus(doc: Pick<CountDoc, 'timeline'>): CountStatus {
  return latestEvent(doc.timeline)?.status ?? 'open'
}

export function liveEntries(doc: Pick<CountDoc, 'entries'>): CountEntry[] {
  return (doc.entries ?? []).filter((e) => !e.void)
}

/** The pass a new count of this line belongs to: the requested recount, else 1. */
export function currentPass(doc: Pick<CountDoc, 'lines'>, key: string): number {
  return Math.max(1, doc.lines?.[key]?.recount?.count_index ?? 1)
}

export interface CountConflict {
  key: string
  pass: number
  quantities: number[]
}

/** Lines and passes where live entries disagree. */
export function conflicts(doc: Pick<CountDoc, 'entries'>): CountConflict[] {
  const counted = new Map<string, Set<number>>()
  for (const e of liveEntries(doc)) {
    const k = `${lineKey(e.location, e.sku)}\u0000${e.count_index}`
    let set = counted.get(k)
    if (!set) counted.set(k, (set = new Set()))
    set.add(e.qty)
  }
  const out: CountConflict[] = []
  for (const [k, set] of counted) {
    if (set.size > 1) {
      const [key, pass] = k.split('\u0000')
      out.push({ key, pass: Number(pass), quantities: [...set].sort((a, b) => a - b) })
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.pass - b.pass))
}

export type LineStatus = 'todo' | 'counted' | 'conflict' | 'recount' | 'approved'

export interface LineView {
  key: string
  location: string
  sku: string
  planned: boolean
  expected: number | null
  pass: number
  /** Live entries of the current pass. */
  entries: CountEntry[]
  /** My live entry of the current pass (this device), if any. */
  mine: CountEntry | undefined
  /** The agreed quantity of the current pass, if its entries agree. */
  agreed: number | null
  status: LineStatus
}

/** Live entries grouped by line key: one pass over the entries, for views of many lines. */
export function entriesByLine(doc: Pick<CountDoc, 'entries'>): Map<string, CountEntry[]> {
  const map = new Map<string, CountEntry[]>()
  for (const e of liveEntries(doc)) {
    const key = lineKey(e.location, e.sku)
    const list = map.get(key)
    if (list) list.push(e)
    else map.set(key, [e])
  }
  return map
}

export function lineView(
  doc: Pick<CountDoc, 'lines' | 'entries'>,
  key: string,
  actor: Pick<Actor, 'userId' | 'deviceId'>,
  byLine: Map<string, CountEntry[]> = entriesByLine(doc),
): LineView {
  const split = splitLineKey(key) ?? [key, '']
  const line = doc.lines?.[key]
  const pass = currentPass(doc, key)
  const entries = (byLine.get(key) ?? []).filter((e) => e.count_index === pass)
  const mine = [...entries].reverse().find((e) => e.by === actor.userId && e.device === actor.deviceId)
  const qtys = new Set(entries.map((e) => e.qty))
  const agreed = qtys.size === 1 ? entries[0].qty : null
  let status: LineStatus = 'todo'
  if (line?.approval) status = 'approved'
  else if (qtys.size > 1) status = 'conflict'
  else if (line?.recount && entries.length === 0) status = 'recount'
  else if (entries.length > 0) status = 'counted'
  return {
    key,
    location: split[0],
    sku: split[1],
    planned: !!line,
    expected: line?.expected_qty ?? null,
    pass,
    entries,
    mine,
    agreed,
    status,
  }
}

/** Every line: planned ones and those entries found, sorted by location then SKU. */
export function allLineKeys(doc: Pick<CountDoc, 'lines' | 'entries'>): string[] {
  const keys = new Set(Object.keys(doc.lines ?? {}))
  for (const e of liveEntries(doc)) keys.add(lineKey(e.location, e.sku))
  return [...keys].sort()
}

/**
 * Plain words for a conflict on a line, from this person's point of view:
 * "Maria counted 12 here, you counted 10: a manager will review".
 */
export function conflictMessage(view: LineView, actor: Pick<Actor, 'userId' | 'deviceId'>, nameOf: (userId: string) => string): string | null {
  if (view.status !== 'conflict') return null
  const others = view.entries.filter((e) => e !== view.mine && (!view.mine || e.qty !== view.mine.qty))
  const parts = others.map((e) => (e.by === actor.userId ? t('count.conflict.youElsewhere', { qty: e.qty }) : t('count.conflict.other', { name: nameOf(e.by), qty: e.qty })))
  const uniq = [...new Set(parts)]
  if (view.mine) return t('count.conflict.withMine', { others: capitalize(uniq.join(', ')), qty: view.mine.qty })
  return t('count.conflict.disagree', { counts: [...new Set(view.entries.map((e) => e.qty))].join(' / ') })
}

function capitalize(s: string): string {
  return s.charAt(0).toLocaleUpperCase() + s.slice(1)
}

/** Location ids under (and including) the given one, via the parent links. */
function descendants(locations: Record<string, Location>, rootId: string): Set<string> {
  const children = new Map<string, string[]>()
  for (const [id, loc] of Object.entries(locations)) {
    if (loc.parent) children.set(loc.parent, [...(children.get(loc.parent) ?? []), id])
  }
  const out = new Set<string>()
  const stack = [rootId]
  while (stack.length) {
    const id = stack.pop() as string
    if (out.has(id)) continue
    out.add(id)
    stack.push(...(children.get(id) ?? []))
  }
  return out
}

/**
 * The locations a count covers: bins under the scoped codes (a zone or aisle covers
 * everything under it), or every bin of the site when the scope names none. Planned
 * lines' locations are included too. Sorted by code.
 */
export function locationsInScope(doc: Pick<CountDoc, 'scope' | 'lines'>, site: Pick<SiteDoc, 'locations'> | undefined): Location[] {
  const locations = site?.locations ?? {}
  const byCode = new Map(Object.entries(locations).map(([id, l]) => [l.code, id]))
  const ids = new Set<string>()
  const scoped = doc.scope?.locations ?? []
  if (scoped.length === 0) {
    for (const [id, l] of Object.entries(locations)) if (l.kind === 'bin' && !l.archived) ids.add(id)
  } else {
    for (const code of scoped) {
      const id = byCode.get(code)
      if (!id) continue
      for (const d of descendants(locations, id)) {
        const l = locations[d]
        if (!l.archived && (l.kind === 'bin' || d === id)) ids.add(d)
      }
    }
  }
  for (const key of Object.keys(doc.lines ?? {})) {
    const loc = splitLineKey(key)?.[0]
    const id = loc ? byCode.get(loc) : undefined
    if (id) ids.add(id)
  }
  const out = [...ids].map((id) => locations[id])
  // Bins first when a zone was scoped: a zone itself is only kept if it has no bins.
  const hasBins = out.some((l) => l.kind === 'bin')
  return out.filter((l) => !hasBins || l.kind === 'bin').sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
}

/** Tolerance (± units) for an item, from its class; default 0. */
export function toleranceFor(site: Pick<SiteDoc, 'item_classes' | 'items'> | undefined, sku: string): number {
  const item = Object.values(site?.items ?? {}).find((i) => i.sku === sku)
  const cls = item?.item_class ? site?.item_classes?.[item.item_class] : undefined
  return cls?.tolerance_units ?? 0
}

/** Whether to ask for a second look before saving (only when expected is visible). */
export function shouldPromptRecount(expected: number | null, qty: number, tolerance: number, blind: boolean): boolean {
  if (blind || expected === null) return false
  return Math.abs(qty - expected) > tolerance
}
