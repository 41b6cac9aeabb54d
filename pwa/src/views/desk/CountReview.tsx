// One count session under review: every line with its entries and variance; approve,
// request a recount, resolve conflicts; j/k move, a approves, r asks for a recount.
import { useEffect, useState } from 'preact/hooks'
import { fetchList, listPath, type Page } from '../../desk/api'
import { REASONS, runAction, type Action, type CountStatus } from '../../desk/actions'
import { errorText } from '../../desk/api'
import { fmtDateTime, fmtMoney } from '../../desk/format'
import { fetchMembers, nameOf, type Member } from '../../desk/members'
import type { CountConflictRow, CountEntryRow, CountLineRow, CountSessionRow } from '../../desk/rows'
import { canAct, me } from '../../desk/state'
import { DataTable, type Column } from './DataTable'
import { useQuery } from './useQuery'
import { BulkApprove } from './BulkApprove'
import { ResolveForm } from './ResolveForm'
import { Chip, CsvButton, ErrorNote, Loading, Panel } from './ui'
import { useSiteDoc } from './useSiteDoc'
import { locale, t, type MessageKey } from '../../i18n'
import { statusText } from '../../ui/status'

interface SessionData {
  session: CountSessionRow | null
  lines: CountLineRow[]
  entries: CountEntryRow[]
  conflicts: CountConflictRow[]
}

async function load(id: string): Promise<SessionData> {
  const p = { site: 'all' as const, document: id, limit: 10_000 }
  const [sessions, lines, entries, conflicts] = await Promise.all([
    fetchList<CountSessionRow>('count-sessions', p),
    fetchList<CountLineRow>('count-lines', p),
    fetchList<CountEntryRow>('count-entries', p),
    fetchList<CountConflictRow>('count-conflicts', { ...p, status: 'open' }),
  ])
  return { session: sessions.rows[0] ?? null, lines: lines.rows, entries: entries.rows, conflicts: (conflicts as Page<CountConflictRow>).rows }
}

const TONE: Record<CountLineRow['status'], 'ok' | 'warn' | 'danger' | undefined> = { approved: 'ok', conflict: 'danger', recount: 'warn', counted: undefined, uncounted: undefined }

const LINE_STATUS: Record<CountLineRow['status'], MessageKey> = {
  approved: 'review.line.approved',
  conflict: 'review.line.conflict',
  recount: 'review.line.recount',
  counted: 'review.line.counted',
  uncounted: 'review.line.uncounted',
}

const qty = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString(locale.value))

export function CountReview({ id }: { id: string }) {
  const q = useQuery<SessionData>(`count|${id}`, () => load(id))
  const session = q.data?.session ?? null
  const members = useQuery<Member[]>(session ? `members|${session.site}` : null, () => fetchMembers(session?.site ?? ''))
  const [selected, setSelected] = useState<string | null>(null)
  const [resolving, setResolving] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const actor = session ? canAct(me.value, session.site) : false
  const lines = q.data?.lines ?? []
  const who = members.data ?? null
  const currency = useSiteDoc(session?.site ?? null).doc?.currency

  const act = async (action: Action, done: string) => {
    setError(null)
    try {
      await runAction(id, action)
      setMessage(done)
      q.reload()
    } catch (e) {
      setError(errorText(e))
    }
  }
  const approve = (l: CountLineRow) => act({ action: 'approve_line', line: l.line_key }, t('review.approved', { line: l.line_key, qty: qty(l.counted_qty) }))
  const recount = (l: CountLineRow) => act({ action: 'request_recount', line: l.line_key }, t('review.recounted', { line: l.line_key }))
  const setStatus = (status: CountStatus) => act({ action: 'set_count_status', status }, t('review.moved', { status: statusText(status) }))

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null
      if (e.ctrlKey || e.metaKey || e.altKey || (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) return
      const i = lines.findIndex((l) => l.line_key === selected)
      if (e.key === 'j' || e.key === 'k') {
        const next = lines[Math.min(lines.length - 1, Math.max(0, e.key === 'j' ? i + 1 : i < 0 ? 0 : i - 1))]
        if (next) {
          setSelected(next.line_key)
          document.querySelector(`tr[data-key="${CSS.escape(next.line_key)}"]`)?.scrollIntoView({ block: 'nearest' })
        }
      }
      const line = lines[i]
      if (!line || !actor) return
      if (e.key === 'a' && canApprove(line)) void approve(line)
      if (e.key === 'r' && line.status !== 'uncounted') void recount(line)
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  })

  const entriesOf = (key: string) => (q.data?.entries ?? []).filter((x) => x.line_key === key)
  const conflictOf = (key: string) => (q.data?.conflicts ?? []).find((c) => c.line_key === key && !c.resolved)
  const columns: Column<CountLineRow>[] = [
    { key: 'line_key', label: t('col.lineKey'), value: (l) => l.line_key, render: (l) => <span class="desk-key">{l.line_key}</span> },
    { key: 'expected_qty', label: t('col.expected'), numeric: true, value: (l) => l.expected_qty },
    { key: 'counted_qty', label: t('col.counted'), numeric: true, value: (l) => l.counted_qty },
    {
      key: 'entries',
      label: t('col.entries'),
      value: (l) => entriesOf(l.line_key).length,
      render: (l) => (
        <ul class="desk-entries">
          {entriesOf(l.line_key).map((x) => (
            <li key={x.id} class={x.voided ? 'voided' : undefined}>
              {t(x.voided ? 'review.entryVoided' : 'review.entry', { qty: x.qty, name: nameOf(who, x.recorded_by), device: x.device, when: fmtDateTime(x.recorded_at), pass: x.count_index })}
            </li>
          ))}
        </ul>
      ),
    },
    { key: 'variance_units', label: t('col.variance'), numeric: true, value: (l) => l.variance_units, render: (l) => (l.variance_units === null ? '—' : l.variance_units.toLocaleString(locale.value, { signDisplay: 'exceptZero' })) },
    { key: 'variance_value_minor', label: t('kpi.variance_value_minor'), numeric: true, value: (l) => l.variance_value_minor, render: (l) => fmtMoney(l.variance_value_minor, currency) },
    { key: 'reason', label: t('col.reason'), value: (l) => l.reason, render: (l) => [l.reason && reasonText(l.reason), l.reason_note].filter(Boolean).join(': ') || '—' },
    { key: 'status', label: t('col.status'), value: (l) => l.status, render: (l) => <Chip tone={TONE[l.status]}>{l.status === 'approved' ? t('review.approvedQty', { qty: qty(l.approved_qty) }) : t(LINE_STATUS[l.status])}</Chip> },
  ]
  if (actor)
    columns.push({
      key: 'actions',
      label: t('col.actions'),
      value: () => null,
      render: (l) => (
        <div class="desk-row-actions">
          {canApprove(l) && (
            <button type="button" class="btn small" onClick={() => void approve(l)} aria-label={t('review.approveLine', { line: l.line_key })}>
              {t('review.approve')}
            </button>
          )}
          {l.status !== 'uncounted' && l.status !== 'approved' && (
            <button type="button" class="btn small secondary" onClick={() => void recount(l)} aria-label={t('review.recountLine', { line: l.line_key })}>
              {t('review.recount')}
            </button>
          )}
          {conflictOf(l.line_key) && (
            <button type="button" class="btn small secondary" onClick={() => setResolving(l.line_key)} aria-label={t('review.resolveLine', { line: l.line_key })}>
              {t('review.resolve')}
            </button>
          )}
        </div>
      ),
    })
  const resolvingConflict = resolving ? conflictOf(resolving) : undefined
  return (
    <>
      <Loading loading={q.loading} />
      <ErrorNote error={q.error} onRetry={q.reload} />
      <ErrorNote error={error} />
      {message && (
        <p class="desk-message" role="status" data-testid="action-message">
          {message}
        </p>
      )}
      {session && (
        <Panel
          title={session.title || id}
          actions={
            <>
              <Chip>{statusText(session.status)}</Chip>
              {actor && session.status !== 'review' && session.status !== 'closed' && (
                <button type="button" class="btn small secondary" onClick={() => void setStatus('review')}>
                  {t('review.toReview')}
                </button>
              )}
              {actor && session.status !== 'closed' && (
                <button type="button" class="btn small secondary" onClick={() => void setStatus('closed')}>
                  {t('review.close')}
                </button>
              )}
              <CsvButton path={listPath('count-lines', { site: 'all', document: id, limit: 10_000 }, 'csv')} filename={`count-lines-${id}.csv`} />
            </>
          }
        >
          <p class="hint">
            {t('review.summary', { site: session.site, due: fmtDateTime(session.due_at), counted: session.lines_counted, lines: session.lines, conflicts: session.open_conflicts, blind: String(session.blind) })}{' '}
            {t(actor ? 'review.keysActor' : 'review.keys')}
          </p>
          {actor && <BulkApprove documentId={id} onDone={(m) => (setMessage(m), q.reload())} />}
          {resolvingConflict && (
            <ResolveForm documentId={id} conflict={resolvingConflict} members={who} onCancel={() => setResolving(null)} onDone={(m) => (setResolving(null), setMessage(m), q.reload())} />
          )}
          <DataTable caption={t('review.caption')} columns={columns} rows={lines} rowKey={(l) => l.line_key} selected={selected} rowClass={(l) => `line-${l.status}`} testId="count-lines" />
        </Panel>
      )}
      {q.data && !session && <ErrorNote error={t('review.missing', { id })} onRetry={q.reload} />}
    </>
  )
}

function reasonText(code: string): string {
  const r = REASONS.find((x) => x.code === code)
  return r ? t(r.label) : code.replace(/_/g, ' ')
}

function canApprove(l: CountLineRow): boolean {
  return l.status === 'counted' || l.status === 'recount'
}
