// Numbers and dates in the user's locale on screen (CSV keeps ISO; see csv.ts).

export function fmtNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—'
  return n.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

export function fmtPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '—'
  return ratio.toLocaleString(undefined, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 })
}

/** Minor units (cents) as money; with the currency code when known. */
export function fmtMoney(minor: number | null | undefined, currency?: string): string {
  if (minor === null || minor === undefined) return '—'
  const major = minor / 100
  if (currency) {
    try {
      return major.toLocaleString(undefined, { style: 'currency', currency })
    } catch {
      /* unknown code: plain number below */
    }
  }
  return major.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

export function fmtDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`)
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' })
}

/** "updated 3 s ago" style freshness. */
export function fmtAgo(thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000))
  if (s < 60) return `${s} s ago`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ago`
  return `${Math.floor(m / 60)} h ago`
}
