// One count session under review: every line with its entries and variance; approve,
// request a recount, resolve conflicts; j/k move, a approves, r asks for a recount.
import { useEffect, useState } from 'preact/hooks'
import { fetchList, listPath, type Page } from '../../desk/api'
import { runAction, type Action, type CountStatus } from '../../desk/actions'
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
  const approve = (l: CountLineRow) => act({ action: 'approve_line', line: l.line_key }, `Approved ${l.line_key} at ${l.counted_qty?.toLocaleString() ?? '—'}.`)
  const recount = (l: CountLineRow) => act({ action: 'request_recount', line: l.line_key }, `Recount requested for ${l.line_key}.`)
  const setStatus = (status: CountStatus) => act({ action: 'set_count_status', status }, `Session moved to ${status}.`)

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null
      if (e.ctrlKey || e.metaKey || e.altKey || (t && /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName))) return
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
    { key: 'line_key', label: 'Location | SKU', value: (l) => l.line_key, render: (l) => <span class="desk-key">{l.line_key}</span> },
    { key: 'expected_qty', label: 'Expected', numeric: true, value: (l) => l.expected_qty },
    { key: 'counted_qty', label: 'Counted', numeric: true, value: (l) => l.counted_qty },
    {
      key: 'entries',
      label: 'Entries',
      value: (l) => entriesOf(l.line_key).length,
      render: (l) => (
        <ul class="desk-entries">
          {entriesOf(l.line_key).map((x) => (
            <li key={x.id} class={x.voided ? 'voided' : undefined}>
              {x.qty.toLocaleString()} by {nameOf(who, x.recorded_by)} on {x.device}, {fmtDateTime(x.recorded_at)} (pass {x.count_index}){x.voided ? ', voided' : ''}
            </li>
          ))}
        </ul>
      ),
    },
    { key: 'variance_units', label: 'Variance', numeric: true, value: (l) => l.variance_units, render: (l) => (l.variance_units === null ? '—' : `${l.variance_units > 0 ? '+' : ''}${l.variance_units.toLocaleString()}`) },
    { key: 'variance_value_minor', label: 'Variance value', numeric: true, value: (l) => l.variance_value_minor, render: (l) => fmtMoney(l.variance_value_minor, currency) },
    { key: 'reason', label: 'Reason', value: (l) => l.reason, render: (l) => [l.reason?.replace(/_/g, ' '), l.reason_note].filter(Boolean).join(': ') || '—' },
    { key: 'status', label: 'Status', value: (l) => l.status, render: (l) => <Chip tone={TONE[l.status]}>{l.status === 'approved' ? `approved ${l.approved_qty?.toLocaleString() ?? ''}` : l.status}</Chip> },
  ]
  if (actor)
    columns.push({
      key: 'actions',
      label: 'Actions',
      value: () => null,
      render: (l) => (
        <div class="desk-row-actions">
          {canApprove(l) && (
            <button type="button" class="btn small" onClick={() => void approve(l)} aria-label={`Approve ${l.line_key}`}>
              Approve
            </button>
          )}
          {l.status !== 'uncounted' && l.status !== 'approved' && (
            <button type="button" class="btn small secondary" onClick={() => void recount(l)} aria-label={`Request recount of ${l.line_key}`}>
              Recount
            </button>
          )}
          {conflictOf(l.line_key) && (
            <button type="button" class="btn small secondary" onClick={() => setResolving(l.line_key)} aria-label={`Resolve conflict on ${l.line_key}`}>
              Resolve
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
              <Chip>{session.status}</Chip>
              {actor && session.status !== 'review' && session.status !== 'closed' && (
                <button type="button" class="btn small secondary" onClick={() => void setStatus('review')}>
                  Move to review
                </button>
              )}
              {actor && session.status !== 'closed' && (
                <button type="button" class="btn small secondary" onClick={() => void setStatus('closed')}>
                  Close session
                </button>
              )}
              <CsvButton path={listPath('count-lines', { site: 'all', document: id, limit: 10_000 }, 'csv')} filename={`count-lines-${id}.csv`} />
            </>
          }
        >
          <p class="hint">
            Site {session.site} · due {fmtDateTime(session.due_at)} · {session.lines_counted}/{session.lines} lines counted · {session.open_conflicts} open conflicts · {session.blind ? 'blind' : 'not blind'}. Keys: j/k next/previous line
            {actor ? ', a approve, r recount' : ''}.
          </p>
          {actor && <BulkApprove documentId={id} onDone={(m) => (setMessage(m), q.reload())} />}
          {resolvingConflict && (
            <ResolveForm documentId={id} conflict={resolvingConflict} members={who} onCancel={() => setResolving(null)} onDone={(m) => (setResolving(null), setMessage(m), q.reload())} />
          )}
          <DataTable caption="Count lines" columns={columns} rows={lines} rowKey={(l) => l.line_key} selected={selected} rowClass={(l) => `line-${l.status}`} testId="count-lines" />
        </Panel>
      )}
      {q.data && !session && <ErrorNote error={`No count session ${id} at your sites (it may not have reached the server yet).`} onRetry={q.reload} />}
    </>
  )
}

function canApprove(l: CountLineRow): boolean {
  return l.status === 'counted' || l.status === 'recount'
}
