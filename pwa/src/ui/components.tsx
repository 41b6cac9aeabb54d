import type { ComponentChildren } from 'preact'
import { connected, connection, online, retryNow, syncTotals, trackState } from '../data/runtime'
import { sessionStatus } from '../data/session'
import { STATE_LABEL, summaryText } from '../lib/syncstate'
import { navigate } from './router'
import { locale, t } from '../i18n'

/** Online/offline banner with what is waiting, on every screen. */
export function SyncBanner() {
  const totals = syncTotals.value
  const isOnline = online.value && connection.value !== 'offline'
  const needsLogin = sessionStatus.value.kind === 'needs_login'
  const cls = needsLogin ? 'banner danger' : !isOnline ? 'banner offline' : connected.value ? 'banner ok' : 'banner waiting'
  const state = t(needsLogin ? 'banner.loginNeeded' : !isOnline ? 'banner.offline' : connected.value ? 'banner.online' : 'banner.connecting')
  return (
    <div class={cls} role="status" aria-live="polite" data-testid="sync-banner" data-online={String(isOnline)} data-connected={String(connected.value)}>
      <span class="banner-state">{state}</span>
      <a class="banner-text" data-testid="sync-summary" href="/sync" onClick={(e) => { e.preventDefault(); navigate('/sync') }} aria-label={t('banner.details', { summary: summaryText(totals, isOnline) })}>
        {summaryText(totals, isOnline)}
      </a>
      <button type="button" class="btn small" onClick={() => (needsLogin ? navigate('/login') : retryNow())}>
        {t(needsLogin ? 'banner.login' : 'banner.retry')}
      </button>
    </div>
  )
}

export function DocStatus({ url }: { url: string }) {
  const st = trackState(url)
  return (
    <span class={`chip chip-${st}`} data-testid="doc-status" data-state={st}>
      {t(STATE_LABEL[st])}
    </span>
  )
}

export function Screen({ title, back, children, actions }: { title: string; back?: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <div class="screen">
      <div class="sticky-top">
      <header class="topbar">
        {back !== undefined && (
          <button type="button" class="btn icon" aria-label={t('common.back')} onClick={() => (history.length > 1 ? history.back() : navigate(back))}>
            ←
          </button>
        )}
        <h1>{title}</h1>
        {actions}
      </header>
      <SyncBanner />
      </div>
      <main class="content">{children}</main>
    </div>
  )
}

export function Field({ label, children, hint }: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span class="field-label">{label}</span>
      {children}
      {hint && <span class="hint">{hint}</span>}
    </label>
  )
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  return d.toLocaleString(locale.value, { weekday: 'short', hour: '2-digit', minute: '2-digit', day: 'numeric', month: 'short' })
}
