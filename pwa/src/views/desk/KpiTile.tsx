// One KPI: its value, the previous period beside it, a trend, and a link to its rows.
import type { KpiDef, TileFigures, Aggregate } from '../../desk/kpis'
import { fmtMoney, fmtNumber, fmtPercent } from '../../desk/format'
import { TrendChart, type TrendPoint } from './TrendChart'

export function fmtKpi(def: KpiDef, v: number | null, currency?: string): string {
  if (def.format === 'percent') return fmtPercent(v)
  if (def.format === 'money') return fmtMoney(v, currency)
  return fmtNumber(v)
}

function ratioDetail(a: Aggregate): string | null {
  return a.denominator !== null && a.numerator !== null ? `${fmtNumber(a.numerator)} / ${fmtNumber(a.denominator)}` : null
}

interface Props {
  def: KpiDef
  figures: TileFigures | null
  beside?: TileFigures | null
  trend: TrendPoint[] | null
  onOpen: () => void
  /** ISO code of the site's currency (one site chosen), for money figures. */
  currency?: string
}

export function KpiTile({ def, figures, beside, trend, onOpen, currency }: Props) {
  const fmt = (v: number | null) => fmtKpi(def, v, currency)
  const cur = figures?.current ?? null
  const prev = figures?.previous ?? null
  return (
    <article class="desk-tile" data-testid={`kpi-${def.key}`} aria-labelledby={`kpi-${def.key}-h`}>
      <h3 id={`kpi-${def.key}-h`}>{def.label}</h3>
      <p class="desk-tile-value" data-testid="value">
        {cur ? fmt(cur.value) : '—'}
      </p>
      {cur && ratioDetail(cur) && (
        <p class="desk-tile-detail" data-testid="detail">
          {ratioDetail(cur)}
        </p>
      )}
      <p class="desk-tile-prev" data-testid="previous">
        {def.current ? 'Current state (no previous period)' : `Previous period: ${prev ? fmt(prev.value) : '—'}`}
        {prev && ratioDetail(prev) ? ` (${ratioDetail(prev)})` : ''}
      </p>
      {def.beside && beside && (
        <p class="desk-tile-detail" data-testid="beside">
          {def.beside.label}: {fmt(beside.current.value)} (previous {fmt(beside.previous.value)})
        </p>
      )}
      {figures && figures.groups.length > 0 && (
        <p class="desk-tile-detail" data-testid="groups">
          {figures.groups.map((g) => `${g.group.replace(/_/g, ' ')} ${fmtNumber(g.value)}`).join(' · ')}
        </p>
      )}
      <p class="desk-tile-help">{def.help}</p>
      {trend ? <TrendChart points={trend} label={def.label} percent={def.format === 'percent'} /> : <p class="desk-tile-help">{def.current ? 'No history: a current-state figure.' : 'Trend loading…'}</p>}
      <button type="button" class="btn small secondary desk-tile-open" onClick={onOpen} aria-label={`Show the rows behind ${def.label}`}>
        Show rows
      </button>
    </article>
  )
}
