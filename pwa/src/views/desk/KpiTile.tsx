// One KPI: its value, the previous period beside it, a trend, and a link to its rows.
import type { KpiDef, TileFigures, Aggregate } from '../../desk/kpis'
import { fmtMoney, fmtNumber, fmtPercent } from '../../desk/format'
import { TrendChart, type TrendPoint } from './TrendChart'
import { t, type MessageKey } from '../../i18n'

export function fmtKpi(def: KpiDef, v: number | null, currency?: string): string {
  if (def.format === 'percent') return fmtPercent(v)
  if (def.format === 'money') return fmtMoney(v, currency)
  return fmtNumber(v)
}

function ratioDetail(a: Aggregate): string | null {
  return a.denominator !== null && a.numerator !== null ? `${fmtNumber(a.numerator)} / ${fmtNumber(a.denominator)}` : null
}

const GROUPS: Record<string, MessageKey> = {
  low: 'priority.low',
  medium: 'priority.medium',
  high: 'priority.high',
  urgent: 'priority.urgent',
  inbound: 'kpi.group.inbound',
  outbound: 'kpi.group.outbound',
}

/** A figure's group (priority, direction) in words; other groups (sites) as they are. */
function groupName(group: string): string {
  return GROUPS[group] ? t(GROUPS[group]) : group.replace(/_/g, ' ')
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
      <h3 id={`kpi-${def.key}-h`}>{t(def.label)}</h3>
      <p class="desk-tile-value" data-testid="value">
        {cur ? fmt(cur.value) : '—'}
      </p>
      {cur && ratioDetail(cur) && (
        <p class="desk-tile-detail" data-testid="detail">
          {ratioDetail(cur)}
        </p>
      )}
      <p class="desk-tile-prev" data-testid="previous">
        {def.current ? t('kpi.currentState') : t('kpi.previous', { value: prev ? fmt(prev.value) : '—' })}
        {prev && ratioDetail(prev) ? ` (${ratioDetail(prev)})` : ''}
      </p>
      {def.beside && beside && (
        <p class="desk-tile-detail" data-testid="beside">
          {t('kpi.beside', { label: t(def.beside.label), value: fmt(beside.current.value), previous: fmt(beside.previous.value) })}
        </p>
      )}
      {figures && figures.groups.length > 0 && (
        <p class="desk-tile-detail" data-testid="groups">
          {figures.groups.map((g) => `${groupName(g.group)} ${fmtNumber(g.value)}`).join(' · ')}
        </p>
      )}
      <p class="desk-tile-help">{t(def.help)}</p>
      {trend ? <TrendChart points={trend} label={t(def.label)} percent={def.format === 'percent'} /> : <p class="desk-tile-help">{t(def.current ? 'kpi.noHistory' : 'kpi.trendLoading')}</p>}
      <button type="button" class="btn small secondary desk-tile-open" onClick={onOpen} aria-label={t('kpi.showRowsOf', { label: t(def.label) })}>
        {t('kpi.showRows')}
      </button>
    </article>
  )
}
