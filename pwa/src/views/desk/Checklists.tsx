// Checklist runs, their failed items, and corrective actions as a work list
// (overdue ones stand out).
import { useState } from 'preact/hooks'
import { fetchList, listPath, type Page } from '../../desk/api'
import { fmtDateTime } from '../../desk/format'
import { fetchMembers, nameOf, type Member } from '../../desk/members'
import type { ChecklistResponseRow, CorrectiveActionRow } from '../../desk/rows'
import { canAct, me, range, site } from '../../desk/state'
import { DataTable, type Column } from './DataTable'
import { ActionEditor } from './ActionEditor'
import { useQuery } from './useQuery'
import { Chip, CsvButton, ErrorNote, Loading, Panel } from './ui'
import { columnsOf } from './Rows'
import { Photo } from './Photo'
import { locale, t } from '../../i18n'
import { PRIORITY, statusText } from '../../ui/status'

type Row = Record<string, unknown>

/** A failed answer: the checklist-responses list filtered to `status=failed`. */
type FailedRow = ChecklistResponseRow

function isOverdue(a: CorrectiveActionRow, now: number): boolean {
  return (a.status === 'open' || a.status === 'in_progress') && !!a.due_at && Date.parse(a.due_at) < now
}

function outcomeText(outcome: string): string {
  return outcome === 'pass' ? t('checklist.answer.pass') : outcome === 'fail' ? t('checklist.answer.fail') : outcome === 'na' ? t('checklist.answer.na') : outcome
}

export function Checklists() {
  const s = site.value
  const r = range.value
  const runs = useQuery<Page<Row>>(`runs|${s}|${r.from}|${r.to}`, () => fetchList<Row>('checklist-runs', { site: s, from: r.from, to: r.to, limit: 1000 }))
  const failed = useQuery<Page<FailedRow>>(`failed|${s}|${r.from}|${r.to}`, () => fetchList<FailedRow>('checklist-responses', { site: s, from: r.from, to: r.to, status: 'failed', limit: 1000 }))
  const actions = useQuery<Page<CorrectiveActionRow>>(`actions|${s}`, () => fetchList<CorrectiveActionRow>('corrective-actions', { site: s, limit: 1000 }))
  const slug = s === 'all' ? (me.value?.sites[0]?.slug ?? '') : s
  const members = useQuery<Member[]>(slug ? `members|${slug}` : null, () => fetchMembers(slug))
  const [editing, setEditing] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const now = Date.now()
  const who = members.error ? null : members.data
  const columns: Column<CorrectiveActionRow>[] = [
    { key: 'description', label: t('col.action'), value: (a) => a.description },
    { key: 'site', label: t('col.site'), value: (a) => a.site },
    { key: 'priority', label: t('checklist.priority'), value: (a) => ['low', 'medium', 'high', 'urgent'].indexOf(a.priority), render: (a) => <Chip tone={a.priority === 'urgent' || a.priority === 'high' ? 'warn' : undefined}>{t(PRIORITY[a.priority])}</Chip> },
    { key: 'status', label: t('col.status'), value: (a) => a.status, render: (a) => statusText(a.status) },
    { key: 'assignee', label: t('col.assignee'), value: (a) => a.assignee, render: (a) => nameOf(who, a.assignee) },
    { key: 'due_at', label: t('col.due'), value: (a) => a.due_at, render: (a) => (isOverdue(a, now) ? <Chip tone="danger">{t('checklists.overdue', { when: fmtDateTime(a.due_at) })}</Chip> : fmtDateTime(a.due_at)) },
    { key: 'raised_at', label: t('col.raised'), value: (a) => a.raised_at, render: (a) => fmtDateTime(a.raised_at) },
  ]
  if (actions.data?.rows.some((a) => canAct(me.value, a.site)))
    columns.push({
      key: 'edit',
      label: t('col.edit'),
      value: () => null,
      render: (a) =>
        canAct(me.value, a.site) ? (
          <button type="button" class="btn small secondary" aria-label={t('checklists.editAction', { action: a.description })} onClick={() => setEditing(a.id)}>
            {t('col.edit')}
          </button>
        ) : null,
    })
  const editRow = actions.data?.rows.find((a) => a.id === editing)
  const failedColumns: Column<FailedRow>[] = [
    { key: 'template_name', label: t('checklist.title'), value: (x) => x.template_name },
    { key: 'site', label: t('col.site'), value: (x) => x.site },
    { key: 'label', label: t('col.checkItem'), value: (x) => x.label },
    { key: 'answer', label: t('checklist.answer'), value: (x) => x.outcome ?? x.number_value ?? x.text_value, render: (x) => (x.outcome ? outcomeText(x.outcome) : x.number_value !== null ? x.number_value.toLocaleString(locale.value) : (x.text_value ?? '—')) },
    { key: 'note', label: t('checklist.note'), value: (x) => x.note },
    { key: 'photos', label: t('col.photos'), value: (x) => x.photos.length, render: (x) => x.photos.map((p) => <Photo key={p.sha256} site={x.site} photo={p} alt={t('photo.of', { what: x.label })} />) },
    { key: 'recorded_by', label: t('col.by'), value: (x) => x.recorded_by, render: (x) => nameOf(who, x.recorded_by) },
    { key: 'recorded_at', label: t('col.when'), value: (x) => x.recorded_at, render: (x) => fmtDateTime(x.recorded_at) },
  ]
  return (
    <>
      {message && (
        <p class="desk-message" role="status">
          {message}
        </p>
      )}
      <Panel id="actions" title={t('checklist.actions')} actions={<CsvButton path={listPath('corrective-actions', { site: s, limit: 10_000 }, 'csv')} filename="corrective-actions.csv" />}>
        <Loading loading={actions.loading} />
        <ErrorNote error={actions.error} onRetry={actions.reload} />
        {editRow && <ActionEditor row={editRow} members={who} onCancel={() => setEditing(null)} onDone={(m) => (setEditing(null), setMessage(m), actions.reload())} />}
        <DataTable caption={t('checklists.actionsCaption')} columns={columns} rows={actions.data?.rows ?? []} rowKey={(a) => a.id} rowClass={(a) => (isOverdue(a, now) ? 'overdue' : '')} testId="corrective-actions" />
      </Panel>
      <Panel id="failed" title={t('checklists.failed')} actions={<CsvButton path={listPath('checklist-responses', { site: s, from: r.from, to: r.to, status: 'failed', limit: 10_000 }, 'csv')} filename="failed-items.csv" />}>
        <ErrorNote error={failed.error} onRetry={failed.reload} />
        <DataTable caption={t('checklists.failedCaption')} columns={failedColumns} rows={failed.data?.rows ?? []} rowKey={(x) => `${x.document_id}|${x.item_id}`} testId="failed-items" />
      </Panel>
      <Panel id="runs" title={t('checklists.runs')} actions={<CsvButton path={listPath('checklist-runs', { site: s, from: r.from, to: r.to, limit: 10_000 }, 'csv')} filename="checklist-runs.csv" />}>
        <ErrorNote error={runs.error} onRetry={runs.reload} />
        <DataTable caption={t('checklists.runsCaption')} columns={columnsOf(runs.data?.rows ?? []).filter((c) => c.key !== 'document_id')} rows={runs.data?.rows ?? []} rowKey={(x) => String(x.document_id)} testId="checklist-runs" />
      </Panel>
    </>
  )
}
