// The manager's desktop face: loads who the user is, keeps live updates running and
// shows the view the path names.
import { useEffect } from 'preact/hooks'
import { loadMe, me, today } from '../../desk/state'
import { startLive } from '../../desk/live'
import { dayOf } from '../../desk/range'
import { Shell, NAV } from './Shell'
import { Overview } from './Overview'
import { Counts } from './Counts'
import { CountReview } from './CountReview'
import { Rows } from './Rows'
import { Stock } from './Stock'
import { Checklists } from './Checklists'
import { Shipments } from './Shipments'
import { Planning } from './Planning'
import { MasterData } from './MasterData'
import { Audit } from './Audit'
import { Violations } from './Violations'
import { Admin } from './Admin'
import '../../styles/desk.css'
import { t } from '../../i18n'

export interface DeskRoute {
  name: string
  params: Record<string, string>
}

export function Desk({ route }: { route: DeskRoute }) {
  useEffect(() => {
    void loadMe()
    const stop = startLive()
    const timer = setInterval(() => (today.value = dayOf(Date.now())), 60_000)
    return () => {
      stop()
      clearInterval(timer)
    }
  }, [])
  const { name, params } = route
  const view = name === 'desk' ? '' : name === 'desk-view' ? params.view : name.replace(/^desk-/, '').replace(/-doc$/, '')
  const nav = NAV.find((n) => n.view === view) ?? NAV.find((n) => view.startsWith(n.view) && n.view) ?? NAV[0]
  let body
  if (!me.value) body = <p role="status">{t('desk.loadingSites')}</p>
  else if (name === 'desk-rows') body = <Rows list={params.list} filter={params.q ?? '-'} />
  else if (name === 'desk-counts-doc') body = <CountReview id={params.id} />
  else if (name === 'desk-audit-doc') body = <Audit id={params.id} />
  else
    switch (view) {
      case 'counts':
        body = <Counts />
        break
      case 'checklists':
        body = <Checklists />
        break
      case 'shipments':
        body = <Shipments />
        break
      case 'stock':
        body = <Stock />
        break
      case 'planning':
        body = <Planning />
        break
      case 'master-data':
        body = <MasterData />
        break
      case 'violations':
        body = <Violations />
        break
      case 'audit':
        body = <Audit />
        break
      case 'admin':
        body = <Admin />
        break
      default:
        body = <Overview />
    }
  return (
    <Shell current={nav.view} title={t(name === 'desk-rows' ? 'nav.rows' : nav.label)}>
      {body}
    </Shell>
  )
}
