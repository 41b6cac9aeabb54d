// The rows behind a figure: any reporting list with the filters it was opened with,
// columns from the rows themselves, dates and numbers in the user's locale.
import { fetchList, listPath, type ListParams, type Page } from '../../desk/api'
import { fmtDateTime } from '../../desk/format'
import { site } from '../../desk/state'
import { DataTable, type Column } from './DataTable'
import { useQuery } from './useQuery'
import { CsvButton, ErrorNote, Loading, Panel } from './ui'
import { locale, t } from '../../i18n'

type Row = Record<string, unknown>

function cellValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v
  return JSON.stringify(v)
}

export function columnsOf(rows: Row[]): Column<Row>[] {
  const keys = rows.length ? Object.keys(rows[0]).filter((k) => k !== 'site' || site.value === 'all') : []
  return keys.map((k) => ({
    key: k,
    label: k.replace(/_minor$/, '').replace(/_/g, ' '),
    numeric: typeof rows[0][k] === 'number',
    value: (r: Row) => cellValue(r[k]),
    render: k.endsWith('_at') ? (r: Row) => fmtDateTime(r[k] as string | null) : k.endsWith('_minor') ? (r: Row) => (typeof r[k] === 'number' ? ((r[k] as number) / 100).toLocaleString(locale.value, { minimumFractionDigits: 2 }) : '—') : undefined,
  }))
}

export function Rows({ list, filter }: { list: string; filter: string }) {
  const q = new URLSearchParams(filter === '-' ? '' : filter)
  const params: ListParams = { site: site.value, from: q.get('from') ?? undefined, to: q.get('to') ?? undefined, status: q.get('status') ?? undefined, limit: 1000 }
  const key = `${list}|${site.value}|${filter}`
  const page = useQuery<Page<Row>>(key, () => fetchList<Row>(list, params))
  const rows = page.data?.rows ?? []
  const described = [params.from && t('rows.from', { day: params.from }), params.to && t('rows.to', { day: params.to }), params.status && t('rows.status', { status: params.status })].filter(Boolean).join(', ')
  return (
    <Panel
      title={`${list.replace(/-/g, ' ')}${described ? ` (${described})` : ''}`}
      actions={<CsvButton path={listPath(list, { ...params, limit: 10_000 }, 'csv')} filename={`${list}.csv`} />}
    >
      <Loading loading={page.loading} />
      <ErrorNote error={page.error} onRetry={page.reload} />
      {page.data && (
        <p class="hint" data-testid="rows-total">
          {t('rows.total', { count: page.data.total })}
          {page.data.total > rows.length ? t('rows.firstShown', { shown: rows.length }) : ''}
        </p>
      )}
      <DataTable caption={t('rows.caption', { list })} columns={columnsOf(rows)} rows={rows} rowKey={(r) => JSON.stringify(r)} testId="rows-table" />
    </Panel>
  )
}
