// Planning: new count sessions and checklist schedules for one site.
import { useState } from 'preact/hooks'
import { getJson } from '../../data/session'
import { fetchMembers, type Member } from '../../desk/members'
import { canAct, me, site } from '../../desk/state'
import { columnsOf } from './Rows'
import { DataTable } from './DataTable'
import { PlanCount } from './PlanCount'
import { PlanSchedule } from './PlanSchedule'
import { singleSite, useSiteDoc } from './useSiteDoc'
import { useQuery } from './useQuery'
import { ErrorNote, Panel } from './ui'
import { t } from '../../i18n'

type Row = Record<string, unknown>

export function Planning() {
  const slug = singleSite(site.value)
  const master = useSiteDoc(slug)
  const members = useQuery<Member[]>(slug ? `members|${slug}` : null, () => fetchMembers(slug ?? ''))
  const schedules = useQuery<{ schedules: Row[] }>(slug ? `schedules|${slug}` : null, () => getJson<{ schedules: Row[] }>(`/api/sites/${encodeURIComponent(slug ?? '')}/checklist-schedules`))
  const [message, setMessage] = useState<string | null>(null)
  if (!slug) return <p class="desk-error">{t('planning.pickSite')}</p>
  if (!canAct(me.value, slug)) return <p class="desk-error">{t('planning.needsManager', { site: slug })}</p>
  return (
    <>
      {message && (
        <p class="desk-message" role="status" data-testid="plan-message">
          {message}
        </p>
      )}
      <ErrorNote error={members.error && t('planning.membersError', { error: members.error })} />
      <ErrorNote error={master.error && t('planning.masterError', { error: master.error })} />
      <Panel id="plan-count" title={t('planning.newCount')}>
        <PlanCount slug={slug} master={master.doc} members={members.data} onDone={setMessage} />
      </Panel>
      <Panel id="plan-schedule" title={t('planning.schedules')}>
        <PlanSchedule slug={slug} master={master.doc} members={members.data} onDone={(m) => (setMessage(m), schedules.reload())} />
        <ErrorNote error={schedules.error} onRetry={schedules.reload} />
        <DataTable caption={t('planning.schedulesCaption')} columns={columnsOf(schedules.data?.schedules ?? [])} rows={schedules.data?.schedules ?? []} rowKey={(r) => JSON.stringify(r)} />
      </Panel>
    </>
  )
}
