// Numbers and dates in the chosen locale on screen (CSV keeps ISO; see csv.ts).
import { locale, t } from '../i18n'

export function fmtNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—'
  return n.toLocaleString(locale.value, { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

export function fmtPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '—'
  return ratio.toLocaleString(locale.value, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 })
}

/** Minor units (cents) as money; with the currency code when known. */
export function fmtMoney(minor: number | null | undefined, currency?: string): string {
  if (minor === null || minor === undefined) return '—'
  const major = minor / 100
  if (currency) {
    try {
      return major.toLocaleString(locale.value, { style: 'currency', currency })
    } catch {
      /* unknown code: plain number below */
    }
  }
  return major.toLocaleString(locale.value, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(locale.value, { dateStyle: 'medium', timeStyle: 'short' })
}

export function fmtDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`)
  return d.toLocaleDateString(locale.value, { day: 'numeric', month: 'short', timeZone: 'UTC' })
}

/** "3 s ago" style freshness. */
export function fmtAgo(thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000))
  if (s < 60) return t('ago.seconds', { n: s })
  const m = Math.floor(s / 60)
  if (m < 60) return t('ago.minutes', { n: m })
  return t('ago.hours', { n: Math.floor(m / 60) })
}

/** A quantity in the chosen locale. */
export function fmtQty(n: number): string {
  return n.toLocaleString(locale.value)
}
