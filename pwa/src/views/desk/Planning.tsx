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

type Row = Record<string, unknown>

export function Planning() {
  const slug = singleSite(site.value)
  const master = useSiteDoc(slug)
  const members = useQuery<Member[]>(slug ? `members|${slug}` : null, () => fetchMembers(slug ?? ''))
  const schedules = useQuery<{ schedules: Row[] }>(slug ? `schedules|${slug}` : null, () => getJson<{ schedules: Row[] }>(`/api/sites/${encodeURIComponent(slug ?? '')}/checklist-schedules`))
  const [message, setMessage] = useState<string | null>(null)
  if (!slug) return <p class="desk-error">Pick one site in the site picker to plan its work.</p>
  if (!canAct(me.value, slug)) return <p class="desk-error">Planning needs the manager role at {slug}; you can read its figures only.</p>
  return (
    <>
      {message && (
        <p class="desk-message" role="status" data-testid="plan-message">
          {message}
        </p>
      )}
      <ErrorNote error={members.error && `Members: ${members.error}`} />
      <ErrorNote error={master.error && `Site master data: ${master.error}`} />
      <Panel id="plan-count" title="New count session">
        <PlanCount slug={slug} master={master.doc} members={members.data} onDone={setMessage} />
      </Panel>
      <Panel id="plan-schedule" title="Checklist schedules">
        <PlanSchedule slug={slug} master={master.doc} members={members.data} onDone={(m) => (setMessage(m), schedules.reload())} />
        <ErrorNote error={schedules.error} onRetry={schedules.reload} />
        <DataTable caption="Schedules" columns={columnsOf(schedules.data?.schedules ?? [])} rows={schedules.data?.schedules ?? []} rowKey={(r) => JSON.stringify(r)} />
      </Panel>
    </>
  )
}
