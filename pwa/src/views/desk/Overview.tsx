// Overview: every KPI as a tile for the chosen site and range, live.
import { fetchKpis, fetchList, fetchTrend, query, type KpiReport, type KpiTrend, type Page } from '../../desk/api'
import { KPIS, pointValue, tileFigures, tileListRange, type KpiDef } from '../../desk/kpis'
import { dayMs } from '../../desk/range'
import type { ReplenishmentRow } from '../../desk/rows'
import { range, site, today } from '../../desk/state'
import { navigate } from '../../ui/router'
import { fmtDay } from '../../desk/format'
import { singleSite, useSiteDoc } from './useSiteDoc'
import { KpiTile } from './KpiTile'
import type { TrendPoint } from './TrendChart'
import { useQuery } from './useQuery'
import { CsvButton, ErrorNote, Loading } from './ui'
import { t } from '../../i18n'

export function Overview() {
  const r = range.value
  const s = site.value
  const key = `${s}|${r.from}|${r.to}`
  const kpis = useQuery<KpiReport>(key, () => fetchKpis(s, r))
  const reorder = useQuery<Page<ReplenishmentRow>>(`reorder|${s}`, () => fetchList<ReplenishmentRow>('replenishment', { site: s, limit: 1 }))
  const trend = useQuery<KpiTrend>(`trend|${key}`, () => fetchTrend(s, r))
  const open = (def: KpiDef) => {
    const filter = { ...tileListRange(def, r, today.value), status: def.list.status }
    navigate(`/desk/rows/${def.list.name}/${encodeURIComponent(query(filter).slice(1) || '-')}`)
  }
  const series = (kpi: string): TrendPoint[] | null => trend.data?.points.map((p) => ({ at: dayMs(p.to), value: pointValue(p.figures, kpi) })) ?? null
  const figures = kpis.data?.figures ?? []
  const currency = useSiteDoc(singleSite(s)).doc?.currency
  // Every figure on screen is for the chosen site and range (not the previous choice's, kept while refetching).
  const current = kpis.dataKey === key && reorder.dataKey === `reorder|${s}` && trend.dataKey === `trend|${key}` && !kpis.loading && !reorder.loading && !trend.loading
  return (
    <>
      <div class="desk-toolbar">
        <span data-testid="periods" data-from={kpis.data?.from} data-to={kpis.data?.to}>
          {kpis.data ? t('overview.periods', { from: fmtDay(kpis.data.from), to: fmtDay(kpis.data.to), previousFrom: fmtDay(kpis.data.previous_from), previousTo: fmtDay(kpis.data.previous_to) }) : ''}
        </span>
        <Loading loading={kpis.loading} />
        <CsvButton path={`/api/reports/kpis${query({ site: s === 'all' ? undefined : s, from: r.from, to: r.to, format: 'csv' })}`} filename={`kpis-${s}-${r.from}-${r.to}.csv`} label={t('overview.export')} />
      </div>
      <ErrorNote error={kpis.error} onRetry={kpis.reload} />
      <ErrorNote error={reorder.error} onRetry={reorder.reload} />
      <ErrorNote error={trend.error && t('overview.trendError', { error: trend.error })} onRetry={trend.reload} />
      <div class="desk-tiles" aria-busy={!current} data-scope={current ? key : undefined}>
        {KPIS.map((def) => {
          if (def.current) {
            const total = reorder.data?.total ?? null
            const f = total === null ? null : { current: { value: total, numerator: null, denominator: null }, previous: { value: null, numerator: null, denominator: null }, groups: [] }
            return <KpiTile key={def.key} def={def} figures={f} trend={null} onOpen={() => open(def)} />
          }
          return (
            <KpiTile
              key={def.key}
              def={def}
              figures={kpis.data ? tileFigures(figures, def.key) : null}
              beside={def.beside ? tileFigures(figures, def.beside.kpi) : null}
              trend={series(def.key)}
              currency={currency}
              onOpen={() => open(def)}
            />
          )
        })}
      </div>
    </>
  )
}
