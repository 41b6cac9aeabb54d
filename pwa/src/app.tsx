import { useEffect } from 'preact/hooks'
import { match, navigate, path, type RouteDef } from './ui/router'
import { sessionStatus } from './data/session'
import { LoginView } from './views/phone/Login'
import { HomeView } from './views/phone/Home'
import { CountView } from './views/phone/Count'
import { ChecklistView, StartChecklist } from './views/phone/Checklist'
import { NewShipment, ShipmentView } from './views/phone/Shipment'
import { SyncView } from './views/phone/Sync'
import { UpdatePrompt } from './ui/UpdatePrompt'
import { DeskLoader } from './views/desk/Loader'
import { AFTER_LOGIN } from './ui/router'

/** Phone routes and the manager's desktop face (under /desk) in one table. */
export const ROUTES: RouteDef[] = [
  { name: 'login', pattern: '/login', face: 'phone' },
  { name: 'home', pattern: '/', face: 'phone' },
  { name: 'site', pattern: '/site/:slug', face: 'phone' },
  { name: 'count', pattern: '/count/:id', face: 'phone' },
  { name: 'checklist-start', pattern: '/checklist/start/:slug/:template', face: 'phone' },
  { name: 'checklist', pattern: '/checklist/:id', face: 'phone' },
  { name: 'shipment-new', pattern: '/shipment/new/:slug', face: 'phone' },
  { name: 'shipment', pattern: '/shipment/:id', face: 'phone' },
  { name: 'sync', pattern: '/sync', face: 'phone' },
  { name: 'desk', pattern: '/desk', face: 'desk' },
  { name: 'desk-view', pattern: '/desk/:view', face: 'desk' },
  { name: 'desk-rows', pattern: '/desk/rows/:list', face: 'desk' },
  { name: 'desk-rows', pattern: '/desk/rows/:list/:q', face: 'desk' },
  { name: 'desk-counts-doc', pattern: '/desk/counts/:id', face: 'desk' },
  { name: 'desk-audit-doc', pattern: '/desk/audit/:id', face: 'desk' },
  { name: 'desk-shipments-doc', pattern: '/desk/shipments/:id', face: 'desk' },
]

export function App() {
  const m = match(ROUTES, path.value)
  const status = sessionStatus.value
  useEffect(() => {
    if (status.kind === 'anonymous' && m?.name !== 'login') {
      // A manager who opened the desk comes back to it after logging in.
      if (path.value.startsWith('/desk')) sessionStorage.setItem(AFTER_LOGIN, path.value)
      navigate('/login', { replace: true })
    }
  }, [status.kind, m?.name])
  let view
  if (status.kind === 'anonymous' || m?.name === 'login') view = <LoginView />
  else if (!m) view = <HomeView />
  else if (ROUTES.find((r) => r.name === m.name)?.face === 'desk') view = <DeskLoader route={m} />
  else {
    const url = m.params.id ? `automerge:${m.params.id}` : ''
    switch (m.name) {
      case 'home':
        view = <HomeView />
        break
      case 'site':
        view = <HomeView slug={m.params.slug} />
        break
      case 'count':
        view = <CountView url={url} />
        break
      case 'checklist-start':
        view = <StartChecklist slug={m.params.slug} templateId={m.params.template} />
        break
      case 'checklist':
        view = <ChecklistView url={url} />
        break
      case 'shipment-new':
        view = <NewShipment slug={m.params.slug} />
        break
      case 'shipment':
        view = <ShipmentView url={url} />
        break
      case 'sync':
        view = <SyncView />
        break
      default:
        view = <HomeView />
    }
  }
  return (
    <>
      {view}
      <UpdatePrompt />
    </>
  )
}
