// Scanning: telling a keyboard-wedge scanner from a person typing, and turning a
// scanned code into a location or an item of the site.
import type { Item, Location } from '../types/generated'

export interface WedgeOptions {
  /** Longest gap between two keystrokes of one scan (scanners type in 5–30 ms). */
  maxGapMs: number
  /** Shortest code accepted as a scan. */
  minLength: number
}

export const DEFAULT_WEDGE: WedgeOptions = { maxGapMs: 45, minLength: 3 }

export type WedgeResult =
  /** The key is held back: it may be part of a scan. */
  | { kind: 'hold' }
  /** A scan completed (Enter after a fast burst). */
  | { kind: 'scan'; code: string }
  /** Held keys turned out to be typing: give them back to the focused field. */
  | { kind: 'release'; text: string; thenHold?: boolean }
  /** Nothing to do with us (let the browser handle the key). */
  | { kind: 'pass' }

/**
 * Keyboard-wedge detection as plain logic (time is passed in, so it is testable).
 * Every printable key is held; a burst of keys with small gaps ending in Enter is a
 * scan; anything slower is released back to the focused field as typed text.
 */
export class WedgeDetector {
  private buffer = ''
  private lastAt = -Infinity
  private firstAt = -Infinity
  constructor(private readonly options: WedgeOptions = DEFAULT_WEDGE) {}

  get pending(): string {
    return this.buffer
  }

  /** A printable character arrived at time `t` (ms). */
  key(ch: string, t: number): WedgeResult {
    if (this.buffer && t - this.lastAt > this.options.maxGapMs) {
      // The previous keys were typed by hand: release them, hold this one.
      const text = this.buffer
      this.buffer = ch
      this.firstAt = t
      this.lastAt = t
      return { kind: 'release', text, thenHold: true }
    }
    if (!this.buffer) this.firstAt = t
    this.buffer += ch
    this.lastAt = t
    return { kind: 'hold' }
  }

  /** Enter arrived at time `t`. */
  enter(t: number): WedgeResult {
    if (!this.buffer) return { kind: 'pass' }
    const code = this.buffer
    const fast = t - this.lastAt <= this.options.maxGapMs
    const avgGap = code.length > 1 ? (this.lastAt - this.firstAt) / (code.length - 1) : 0
    this.buffer = ''
    if (fast && code.length >= this.options.minLength && avgGap <= this.options.maxGapMs) {
      return { kind: 'scan', code }
    }
    return { kind: 'release', text: code }
  }

  /** No key for a while (call after maxGapMs of silence): release held typing. */
  idle(t: number): WedgeResult {
    if (this.buffer && t - this.lastAt > this.options.maxGapMs) {
      const text = this.buffer
      this.buffer = ''
      return { kind: 'release', text }
    }
    return { kind: 'pass' }
  }
}

/** Strip what scanners add around the payload: AIM symbology ids, control chars. */
export function normalizeCode(raw: string): string {
  // Drop control characters (scanners may add GS separators, CR/LF, prefixes).
  let code = [...raw].filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f).join('').trim()
  // AIM symbology identifier, e.g. "]C1" (GS1-128), "]E0" (EAN-13), "]Q1" (QR).
  code = code.replace(/^\][A-Za-z][0-9A-Za-z]/, '')
  return code.trim()
}

/** Equivalent forms of a numeric retail code: UPC-A ⇄ EAN-13 ⇄ GTIN-14. */
export function gtinForms(code: string): string[] {
  const forms = new Set<string>([code])
  let digits = code
  // GS1 element string: (01) GTIN-14 first.
  const ai01 = /^01(\d{14})/.exec(digits)
  if (ai01) digits = ai01[1]
  if (/^\d{8,14}$/.test(digits)) {
    const core = digits.replace(/^0+/, '')
    for (const len of [8, 12, 13, 14]) if (core.length <= len) forms.add(core.padStart(len, '0'))
  }
  return [...forms]
}

export type ScanTarget =
  | { kind: 'location'; code: string; location: Location }
  | { kind: 'item'; sku: string; item: Item }
  | { kind: 'unknown'; code: string }

export interface ScanIndex {
  byBarcode: Map<string, Item>
  bySku: Map<string, Item>
  byLocation: Map<string, Location>
}

export function buildScanIndex(items: Record<string, Item>, locations: Record<string, Location>): ScanIndex {
  const byBarcode = new Map<string, Item>()
  const bySku = new Map<string, Item>()
  const byLocation = new Map<string, Location>()
  for (const item of Object.values(items ?? {})) {
    bySku.set(item.sku, item)
    bySku.set(item.sku.toUpperCase(), item)
    for (const b of item.barcodes ?? []) {
      for (const form of gtinForms(normalizeCode(b))) byBarcode.set(form, item)
    }
  }
  for (const loc of Object.values(locations ?? {})) {
    byLocation.set(loc.code, loc)
    byLocation.set(loc.code.toUpperCase(), loc)
  }
  return { byBarcode, bySku, byLocation }
}

/** What a scanned or typed code names: a location, an item (by barcode or SKU), or nothing. */
export function resolveScan(raw: string, index: ScanIndex): ScanTarget {
  const code = normalizeCode(raw)
  if (!code) return { kind: 'unknown', code: raw }
  for (const form of gtinForms(code)) {
    const item = index.byBarcode.get(form)
    if (item) return { kind: 'item', sku: item.sku, item }
  }
  const loc = index.byLocation.get(code) ?? index.byLocation.get(code.toUpperCase())
  if (loc) return { kind: 'location', code: loc.code, location: loc }
  const item = index.bySku.get(code) ?? index.bySku.get(code.toUpperCase())
  if (item) return { kind: 'item', sku: item.sku, item }
  // QR payloads such as "LOC:A-01-01" or "SKU:SKU-9".
  const m = /^(LOC|LOCATION|SKU|ITEM):(.+)$/i.exec(code)
  if (m) return resolveScan(m[2], index)
  return { kind: 'unknown', code }
}
