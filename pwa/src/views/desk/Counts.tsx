// Count sessions by status; a click opens the session's review.
import { fetchList, listPath, type Page } from '../../desk/api'
import { fmtDateTime } from '../../desk/format'
import type { CountSessionRow } from '../../desk/rows'
import { range, site } from '../../desk/state'
import { navigate } from '../../ui/router'
import { DataTable, type Column } from './DataTable'
import { useQuery } from './useQuery'
import { Chip, CsvButton, ErrorNote, Loading, Panel } from './ui'
import { t } from '../../i18n'
import { statusText } from '../../ui/status'

const STATUSES = ['review', 'counting', 'open', 'closed'] as const

const columns = (): Column<CountSessionRow>[] => [
  {
    key: 'title',
    label: t('col.session'),
    value: (r) => r.title,
    render: (r) => (
      <a href={`/desk/counts/${r.document_id}`} onClick={(e) => (e.preventDefault(), navigate(`/desk/counts/${r.document_id}`))}>
        {r.title || r.document_id}
      </a>
    ),
  },
  { key: 'site', label: t('col.site'), value: (r) => r.site },
  { key: 'due_at', label: t('col.due'), value: (r) => r.due_at, render: (r) => fmtDateTime(r.due_at) },
  { key: 'lines', label: t('col.lines'), value: (r) => r.lines, numeric: true },
  { key: 'lines_counted', label: t('col.counted'), value: (r) => r.lines_counted, numeric: true },
  { key: 'open_conflicts', label: t('col.conflicts'), value: (r) => r.open_conflicts, numeric: true, render: (r) => (r.open_conflicts ? <Chip tone="danger">{r.open_conflicts}</Chip> : '0') },
  { key: 'blind', label: t('col.blind'), value: (r) => r.blind },
]

const capitalized = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1)

export function Counts() {
  const s = site.value
  const r = range.value
  // Sessions are listed whatever their due date: open work does not fall out of view.
  const page = useQuery<Page<CountSessionRow>>(`sessions|${s}`, () => fetchList<CountSessionRow>('count-sessions', { site: s, limit: 1000 }))
  const rows = page.data?.rows ?? []
  return (
    <>
      <Loading loading={page.loading} />
      <ErrorNote error={page.error} onRetry={page.reload} />
      {STATUSES.map((st) => {
        const mine = rows.filter((x) => x.status === st)
        return (
          <Panel
            key={st}
            id={`sessions-${st}`}
            title={t('counts.panel', { status: capitalized(statusText(st)), count: mine.length })}
            actions={<CsvButton path={listPath('count-sessions', { site: s, status: st, limit: 10_000, from: st === 'closed' ? r.from : undefined, to: st === 'closed' ? r.to : undefined }, 'csv')} filename={`count-sessions-${st}.csv`} />}
          >
            <DataTable caption={t('counts.caption', { status: statusText(st) })} columns={columns()} rows={mine} rowKey={(x) => x.document_id} testId={`sessions-${st}`} empty={t('counts.empty', { status: statusText(st) })} />
          </Panel>
        )
      })}
    </>
  )
}
