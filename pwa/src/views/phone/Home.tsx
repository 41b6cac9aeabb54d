import { actor, createDoc, docsOfSite, me, stop, storagePersisted, syncTotals, workOf, workVersion } from '../../data/runtime'
import { logout } from '../../data/session'
import { DocStatus, fmtDate, Screen } from '../../ui/components'
import { navigate } from '../../ui/router'
import { useDoc } from '../../ui/useDoc'
import { newId, recorded } from '../../lib/ids'
import type { SiteDoc, WorkDocType } from '../../types/docs'
import type { CountSession } from '../../types/generated'
import { SCHEMA_VERSION } from '../../types/generated'
import type { WorkItem } from '../../data/registry'
import { LanguagePicker } from '../../ui/LanguagePicker'
import { locale, t, type MessageKey } from '../../i18n'
import { statusText } from '../../ui/status'

const TYPE_LABEL: Record<WorkDocType, MessageKey> = {
  count_session: 'home.type.count',
  checklist_run: 'home.type.checklist',
  shipment: 'home.type.shipment',
  stock_log: 'home.type.stockLog',
}


const ROUTE: Record<WorkDocType, string> = {
  count_session: 'count',
  checklist_run: 'checklist',
  shipment: 'shipment',
  stock_log: 'sync',
}

function docPath(type: WorkDocType, url: string): string {
  return `/${ROUTE[type]}/${url.replace(/^automerge:/, '')}`
}

function dueLabel(due: string | null): { text: string; cls: string } | null {
  if (!due) return null
  const d = new Date(due)
  const now = new Date()
  if (d.getTime() < now.getTime()) return { text: t('home.overdue', { when: fmtDate(due) }), cls: 'overdue' }
  if (d.toDateString() === now.toDateString()) return { text: t('home.dueToday', { time: d.toLocaleTimeString(locale.value, { hour: '2-digit', minute: '2-digit' }) }), cls: 'today' }
  return { text: t('home.due', { when: fmtDate(due) }), cls: '' }
}

// Done as far as the floor is concerned: a received delivery is the manager's to put
// away, a dispatched one the carrier's to deliver.
const DONE = new Set(['closed', 'completed', 'received', 'put_away', 'dispatched', 'delivered'])

function isMine(w: WorkItem, userId: string | undefined): boolean {
  return !w.assignees?.length || (!!userId && w.assignees.includes(userId))
}

export function HomeView({ slug }: { slug?: string }) {
  void workVersion.value
  const m = me.value
  const sites = m?.sites ?? []
  const chosen = slug ?? localStorage.getItem('fw.site') ?? sites[0]?.slug
  const site = sites.find((s) => s.slug === chosen) ?? sites[0]
  if (site && site.slug !== localStorage.getItem('fw.site')) localStorage.setItem('fw.site', site.slug)
  const { doc: siteDoc } = useDoc<SiteDoc>(site?.site_document_url)
  const userId = m ? String(m.user.id) : undefined
  const work = site ? workOf(site.slug) : []
  const local = site ? docsOfSite(site.slug) : []
  const listed = new Set(work.map((w) => w.url))
  const all: WorkItem[] = [
    ...work.filter((w) => isMine(w, userId)),
    ...local.filter((d) => !listed.has(d.url) && d.type !== 'site').map((d) => ({ url: d.url, type: d.type as WorkDocType, title: d.title, status: null, due_at: null, assignees: [] })),
  ].sort((a, b) => ((a.due_at ?? '9') < (b.due_at ?? '9') ? -1 : 1))
  const items = all.filter((w) => !DONE.has(w.status ?? ''))
  const done = all.filter((w) => DONE.has(w.status ?? ''))
  const groups: [WorkDocType, MessageKey][] = [
    ['count_session', 'home.counts'],
    ['checklist_run', 'home.checklists'],
    ['shipment', 'home.shipments'],
  ]
  const templates = Object.entries(siteDoc?.checklist_templates ?? {})
  const writable = !!site?.writable

  const signOut = async () => {
    const totals = syncTotals.value
    const waiting = totals.unsyncedChanges + totals.photosPending
    if (waiting > 0 && !window.confirm(t('home.logoutConfirm', { count: waiting }))) return
    await stop()
    await logout()
    navigate('/login')
  }

  const newCount = () => {
    const a = actor()
    if (!a || !site) return
    const title = t('home.newCountTitle', { date: new Date().toLocaleDateString(locale.value) })
    const init: CountSession & { type: 'count_session' } = {
      type: 'count_session',
      schema_version: SCHEMA_VERSION,
      site: site.slug,
      title,
      scope: { locations: [], skus: [] },
      blind: true,
      assignees: [a.userId],
      timeline: [{ id: newId(), status: 'counting', ...recorded(a) }],
      lines: {},
      entries: [],
    }
    const h = createDoc(init, title)
    navigate(docPath('count_session', h.url))
  }

  return (
    <Screen
      title={site ? site.name : t('app.name')}
      actions={
        <button type="button" class="btn small secondary" onClick={() => void signOut()}>
          {t('home.logout')}
        </button>
      }
    >
      {!m && <p class="muted">{t('home.loading')}</p>}
      {m && <p class="muted">{t('home.signedInAs', { name: m.user.display_name || m.user.email })}</p>}
      {storagePersisted.value === false && (
        <p class="notice warn small">{t('home.storageWarning')}</p>
      )}
      {sites.length > 1 && (
        <nav aria-label={t('home.mySites')} class="sites">
          <h2>{t('home.mySites')}</h2>
          <div class="row wrap">
            {sites.map((s) => (
              <button type="button" key={s.slug} class={`btn ${s.slug === site?.slug ? 'primary' : 'secondary'}`} aria-pressed={s.slug === site?.slug} onClick={() => navigate(`/site/${s.slug}`)}>
                {s.name}
                {!s.writable && ` ${t('home.readOnly')}`}
              </button>
            ))}
          </div>
        </nav>
      )}
      {site && (
        <section aria-labelledby="work-today">
          <h2 id="work-today">{t('home.workToday')}</h2>
          {items.length === 0 && <p class="muted">{t('home.nothingAssigned')}</p>}
          {groups.map(([type, label]) => {
            const list = items.filter((w) => w.type === type)
            if (!list.length) return null
            return (
              <div key={type} class="group">
                <h3>{t(label)}</h3>
                <ul class="cards">
                  {list.map((w) => {
                    const due = dueLabel(w.due_at)
                    return (
                      <li key={w.url}>
                        <a
                          class="card"
                          href={docPath(w.type, w.url)}
                          data-testid={`work-${w.type}`}
                          onClick={(e) => {
                            e.preventDefault()
                            navigate(docPath(w.type, w.url))
                          }}
                        >
                          <span class="card-title">{w.title ?? t(TYPE_LABEL[w.type])}</span>
                          <span class="card-meta">
                            {w.status && <span class="chip">{statusText(w.status)}</span>}
                            {due && <span class={`due ${due.cls}`}>{due.text}</span>}
                            <DocStatus url={w.url} />
                          </span>
                        </a>
                      </li>
                    )
                  })}
                </ul>
              </div>
            )
          })}
          {done.length > 0 && (
            <details>
              <summary>{t('home.done', { count: done.length })}</summary>
              <ul class="cards">
                {done.map((w) => (
                  <li key={w.url}>
                    <a class="card" href={docPath(w.type, w.url)} onClick={(e) => { e.preventDefault(); navigate(docPath(w.type, w.url)) }}>
                      <span class="card-title">{w.title ?? t(TYPE_LABEL[w.type])}</span>
                      <span class="card-meta">
                        <span class="chip">{statusText(w.status ?? '')}</span>
                        <DocStatus url={w.url} />
                      </span>
                    </a>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>
      )}
      {site && writable && (
        <section aria-labelledby="start">
          <h2 id="start">{t('home.start')}</h2>
          <div class="stack">
            {templates.map(([id, tpl]) => (
              <button type="button" key={id} class="btn secondary big" onClick={() => navigate(`/checklist/start/${site.slug}/${id}`)}>
                {t('home.runChecklist', { name: tpl.name })}
              </button>
            ))}
            <button type="button" class="btn secondary big" onClick={() => navigate(`/shipment/new/${site.slug}`)}>
              {t('home.logShipment')}
            </button>
            <button type="button" class="btn secondary big" onClick={newCount}>
              {t('home.startCount')}
            </button>
          </div>
        </section>
      )}
      {site && !writable && <p class="notice">{t('home.viewer')}</p>}
      <section aria-labelledby="account">
        <h2 id="account">{t('home.account')}</h2>
        <LanguagePicker />
      </section>
    </Screen>
  )
}
