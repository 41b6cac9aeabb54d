// The desk's frame: navigation, filters and live status around the current view.
import type { ComponentChildren } from 'preact'
import { AFTER_LOGIN, navigate, path } from '../../ui/router'
import { logout, sessionStatus } from '../../data/session'
import { isAdmin, me, meError } from '../../desk/state'
import { RangePicker, SitePicker } from './Filters'
import { LiveStatus } from './LiveStatus'

export const NAV: { view: string; label: string }[] = [
  { view: '', label: 'Overview' },
  { view: 'counts', label: 'Counts' },
  { view: 'checklists', label: 'Checklists' },
  { view: 'shipments', label: 'Shipments' },
  { view: 'stock', label: 'Stock' },
  { view: 'planning', label: 'Planning' },
  { view: 'master-data', label: 'Master data' },
  { view: 'audit', label: 'Audit' },
  { view: 'admin', label: 'Admin' },
]

export function Shell({ current, title, children }: { current: string; title: string; children: ComponentChildren }) {
  const m = me.value
  return (
    <div class="desk">
      <nav class="desk-nav" aria-label="Dashboard">
        <a class="desk-brand" href="/desk" onClick={(e) => go(e, '/desk')}>
          Floorwalk desk
        </a>
        <ul>
          {NAV.filter((n) => n.view !== 'admin' || isAdmin(m)).map((n) => {
            const href = n.view ? `/desk/${n.view}` : '/desk'
            return (
              <li key={n.view}>
                <a href={href} aria-current={current === n.view ? 'page' : undefined} onClick={(e) => go(e, href)}>
                  {n.label}
                </a>
              </li>
            )
          })}
        </ul>
        <div class="desk-nav-foot">
          <a href="/" onClick={(e) => go(e, '/')}>
            Phone app
          </a>
          <button type="button" class="btn small secondary" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </nav>
      <div class="desk-main">
        <header class="desk-top">
          <h1>{title}</h1>
          <SitePicker />
          <RangePicker />
          <LiveStatus />
          {m && <span class="desk-user">{m.user.display_name}</span>}
        </header>
        {sessionStatus.value.kind === 'needs_login' && (
          <div class="desk-error" role="alert">
            {sessionStatus.value.message}{' '}
            <a
              href="/login"
              onClick={(e) => {
                sessionStorage.setItem(AFTER_LOGIN, path.value)
                go(e, '/login')
              }}
            >
              Log in again
            </a>
          </div>
        )}
        {meError.value && sessionStatus.value.kind !== 'needs_login' && (
          <div class="desk-error" role="alert">
            Could not load your sites: {meError.value}. Check the connection and reload.
          </div>
        )}
        <main class="desk-content">{children}</main>
      </div>
    </div>
  )
}

function go(e: MouseEvent, href: string): void {
  if (e.ctrlKey || e.metaKey || e.shiftKey) return
  e.preventDefault()
  navigate(href)
}
