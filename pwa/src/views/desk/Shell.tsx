// The desk's frame: navigation, filters and live status around the current view.
import type { ComponentChildren } from 'preact'
import { AFTER_LOGIN, navigate, path } from '../../ui/router'
import { logout, sessionStatus } from '../../data/session'
import { isAdmin, me, meError } from '../../desk/state'
import { RangePicker, SitePicker } from './Filters'
import { LiveStatus } from './LiveStatus'
import { LanguagePicker } from '../../ui/LanguagePicker'
import { t, type MessageKey } from '../../i18n'

export const NAV: { view: string; label: MessageKey }[] = [
  { view: '', label: 'nav.overview' },
  { view: 'counts', label: 'nav.counts' },
  { view: 'checklists', label: 'nav.checklists' },
  { view: 'shipments', label: 'nav.shipments' },
  { view: 'stock', label: 'nav.stock' },
  { view: 'planning', label: 'nav.planning' },
  { view: 'master-data', label: 'nav.masterData' },
  { view: 'violations', label: 'nav.violations' },
  { view: 'audit', label: 'nav.audit' },
  { view: 'admin', label: 'nav.admin' },
]

export function Shell({ current, title, children }: { current: string; title: string; children: ComponentChildren }) {
  const m = me.value
  return (
    <div class="desk">
      <nav class="desk-nav" aria-label={t('nav.dashboard')}>
        <a class="desk-brand" href="/desk" onClick={(e) => go(e, '/desk')}>
          {t('nav.brand')}
        </a>
        <ul>
          {NAV.filter((n) => n.view !== 'admin' || isAdmin(m)).map((n) => {
            const href = n.view ? `/desk/${n.view}` : '/desk'
            return (
              <li key={n.view}>
                <a href={href} aria-current={current === n.view ? 'page' : undefined} onClick={(e) => go(e, href)}>
                  {t(n.label)}
                </a>
              </li>
            )
          })}
        </ul>
        <div class="desk-nav-foot">
          <a href="/" onClick={(e) => go(e, '/')}>
            {t('nav.phoneApp')}
          </a>
          <button type="button" class="btn small secondary" onClick={() => void logout()}>
            {t('home.logout')}
          </button>
        </div>
      </nav>
      <div class="desk-main">
        <header class="desk-top">
          <h1>{title}</h1>
          <SitePicker />
          <RangePicker />
          <LiveStatus />
          <LanguagePicker desk />
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
              {t('nav.loginAgain')}
            </a>
          </div>
        )}
        {meError.value && sessionStatus.value.kind !== 'needs_login' && (
          <div class="desk-error" role="alert">
            {t('nav.meError', { error: meError.value })}
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
