// Date ranges of the dashboard: presets, the days they cover (UTC, both ends included,
// as the reporting API takes them) and the sub-periods a trend chart plots.

export type Preset = 'today' | '7d' | '30d' | 'quarter' | 'custom'

export interface DateRange {
  /** First day, YYYY-MM-DD. */
  from: string
  /** Last day, YYYY-MM-DD, included. */
  to: string
}

const DAY_MS = 86_400_000

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

export function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`)
}

export function addDays(day: string, n: number): string {
  return dayOf(dayMs(day) + n * DAY_MS)
}

export function daysBetween(r: DateRange): number {
  return Math.round((dayMs(r.to) - dayMs(r.from)) / DAY_MS) + 1
}

export function isDay(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && dayOf(dayMs(s)) === s
}

/** The days a preset covers, ending today (the quarter runs from its first day). */
export function presetRange(preset: Exclude<Preset, 'custom'>, today: string): DateRange {
  switch (preset) {
    case 'today':
      return { from: today, to: today }
    case '7d':
      return { from: addDays(today, -6), to: today }
    case '30d':
      return { from: addDays(today, -29), to: today }
    case 'quarter': {
      const [y, m] = today.split('-').map(Number)
      const first = Math.floor((m - 1) / 3) * 3 + 1
      return { from: `${y}-${String(first).padStart(2, '0')}-01`, to: today }
    }
  }
}

/** The previous period of the same length, as the server computes it. */
export function previousRange(r: DateRange): DateRange {
  const n = daysBetween(r)
  return { from: addDays(r.from, -n), to: addDays(r.from, -1) }
}
