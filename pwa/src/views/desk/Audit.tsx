// Audit trail: per document, who changed what, from which device, when it was made and
// when it reached the server, with values before and after; filter by user.
import { useEffect, useState } from 'preact/hooks'
import { fetchList, type Page } from '../../desk/api'
import { fetchHistory, type History } from '../../desk/history'
import { historyCsv, show } from '../../desk/historyCsv'
import { offerDownload } from '../../desk/csv'
import { fmtDateTime } from '../../desk/format'
import { site } from '../../desk/state'
import { navigate } from '../../ui/router'
import { useQuery } from './useQuery'
import { ErrorNote, Loading, Panel } from './ui'
import { ViolationsTable } from './ViolationsTable'
import { t, type MessageKey } from '../../i18n'

interface DocRow {
  site: string
  document_id: string
  title?: string
  reference?: string
  template_name?: string
}

async function recentDocuments(s: string): Promise<{ id: string; label: string }[]> {
  const p = { site: s, limit: 50 }
  const [counts, runs, ships] = await Promise.all([fetchList<DocRow>('count-sessions', p), fetchList<DocRow>('checklist-runs', p), fetchList<DocRow>('shipments', p)])
  const pick = (page: Page<DocRow>, kind: MessageKey, name: (r: DocRow) => string | undefined) =>
    page.rows.map((r) => ({ id: r.document_id, label: t('audit.docOption', { kind: t(kind), name: name(r) ?? r.document_id, site: r.site }) }))
  return [...pick(counts, 'home.type.count', (r) => r.title), ...pick(runs, 'home.type.checklist', (r) => r.template_name), ...pick(ships, 'home.type.shipment', (r) => r.reference)]
}

export function Audit({ id }: { id?: string }) {
  const [docInput, setDocInput] = useState(id ?? '')
  const [user, setUser] = useState('')
  const docs = useQuery(`audit-docs|${site.value}`, () => recentDocuments(site.value))
  const history = useQuery<History>(id ? `history|${id}|${user}` : null, () => fetchHistory(id ?? '', user || undefined))
  const changes = history.data?.changes ?? []
  const [allUsers, setAllUsers] = useState<[string, string][]>([])
  const seen = [...new Map(changes.filter((c) => c.user_id).map((c) => [c.user_id ?? '', c.user_email ?? c.user_id ?? ''])).entries()]
  // Keep every user seen so the filter can be changed back after narrowing.
  useEffect(() => {
    const fresh = seen.filter(([u]) => !allUsers.some(([a]) => a === u))
    if (fresh.length) setAllUsers([...allUsers, ...fresh])
  }, [history.data])
  const users = allUsers
  return (
    <>
      <Panel id="audit-pick" title={t('sync.document')}>
        <form
          class="row wrap"
          onSubmit={(e) => {
            e.preventDefault()
            if (docInput.trim()) navigate(`/desk/audit/${encodeURIComponent(docInput.trim().replace(/^automerge:/, ''))}`)
          }}
        >
          <label class="desk-field">
            <span>{t('sync.document')}</span>
            <select name="audit-doc" value={docInput} onChange={(e) => setDocInput((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('audit.choose')}</option>
              {docs.data?.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
          <label class="desk-field">
            <span>{t('audit.orId')}</span>
            <input name="audit-id" value={docInput} onInput={(e) => setDocInput((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <button class="btn small" type="submit">
            {t('audit.show')}
          </button>
        </form>
        <ErrorNote error={docs.error} onRetry={docs.reload} />
      </Panel>
      {/* Undone edits first: the part of the trail a manager must see. */}
      {id && history.data && (
        <Panel id="audit-violations" title={t('audit.violations', { count: history.data.violations?.length ?? 0 })}>
          <p class="hint">{t('audit.violationsHint')}</p>
          <ViolationsTable rows={history.data.violations ?? []} caption={t('audit.violationsCaption')} withDocument={false} empty={t('audit.noViolations')} testId="history-violations" />
        </Panel>
      )}
      {id && (
        <Panel
          id="audit"
          title={t('audit.historyOf', { id })}
          actions={
            <label class="desk-field">
              <span>{t('audit.user')}</span>
              <select name="audit-user" value={user} onChange={(e) => setUser((e.currentTarget as HTMLSelectElement).value)}>
                <option value="">{t('audit.everyone')}</option>
                {users.map(([uid, email]) => (
                  <option key={uid} value={uid}>
                    {email}
                  </option>
                ))}
                {user && !users.some(([uid]) => uid === user) && <option value={user}>{t('members.user', { id: user })}</option>}
              </select>
            </label>
          }
        >
          <Loading loading={history.loading} />
          {history.data && (
            <button type="button" class="btn small secondary" onClick={() => offerDownload(`history-${id}${user ? `-user-${user}` : ''}.csv`, historyCsv(changes))}>
              {t('audit.export')}
            </button>
          )}
          {history.data && (
            <p class="hint" data-testid="history-total">
              {t('audit.total', { count: history.data.total })}
              {history.data.total > changes.length ? t('audit.firstShown', { shown: changes.length }) : ''}
            </p>
          )}
          <ErrorNote error={history.error} onRetry={history.reload} />
          <div class="desk-table-wrap">
            <table class="desk-table" data-testid="history">
              <caption>{t('audit.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('audit.made')}</th>
                  <th scope="col">{t('audit.reached')}</th>
                  <th scope="col">{t('audit.user')}</th>
                  <th scope="col">{t('audit.device')}</th>
                  <th scope="col">{t('audit.field')}</th>
                  <th scope="col">{t('audit.before')}</th>
                  <th scope="col">{t('audit.after')}</th>
                </tr>
              </thead>
              <tbody>
                {changes.flatMap((c) =>
                  (c.ops.length ? c.ops : [{ path: '', action: '' }]).map((op, i) => (
                    <tr key={`${c.hash}-${i}`}>
                      <td>{i === 0 ? fmtDateTime(c.made_at) : ''}</td>
                      <td>{i === 0 ? fmtDateTime(c.received_at) : ''}</td>
                      <td>{i === 0 ? (c.user_email ?? c.user_id ?? t('audit.server')) : ''}</td>
                      <td>{i === 0 ? c.device || c.peer_id : ''}</td>
                      <td>
                        {op.action} {op.path}
                        {i === c.ops.length - 1 && c.more_ops > 0 ? ` ${t('audit.more', { count: c.more_ops })}` : ''}
                      </td>
                      <td>{show(op.before)}</td>
                      <td>{show(op.after)}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
        </Panel>
      )}
    </>
  )
}
