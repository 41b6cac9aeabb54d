// Plan a count session: scope by location subtree and/or items (or an ABC class),
// blind or not, assignees and due date. The server snapshots expected quantities.
import { useState } from 'preact/hooks'
import { errorText, sendJson } from '../../desk/api'
import type { Member } from '../../desk/members'
import type { SiteMaster } from '../../types/generated'
import { ErrorNote } from './ui'
import { t } from '../../i18n'
import { kindText, roleText } from '../../ui/status'

export function PlanCount({ slug, master, members, onDone }: { slug: string; master: SiteMaster | undefined; members: Member[] | null; onDone: (m: string) => void }) {
  const [title, setTitle] = useState('')
  const [locations, setLocations] = useState<string[]>([])
  const [skus, setSkus] = useState('')
  const [itemClass, setItemClass] = useState('')
  const [blind, setBlind] = useState(true)
  const [assignees, setAssignees] = useState<string[]>([])
  const [due, setDue] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const locs = Object.values(master?.locations ?? {}).sort((a, b) => a.code.localeCompare(b.code))
  const items = Object.values(master?.items ?? {})
  const classes = Object.keys(master?.item_classes ?? {})
  const submit = async (e: Event) => {
    e.preventDefault()
    const skuList = skus.split(/[\s,]+/).filter(Boolean)
    if (!title.trim()) return setError(t('plan.needTitle'))
    if (!locations.length && !skuList.length && !itemClass) return setError(t('plan.needScope'))
    if (!due) return setError(t('plan.needDue'))
    setBusy(true)
    setError(null)
    try {
      const r = await sendJson<{ document_id: string }>(`/api/sites/${encodeURIComponent(slug)}/count-sessions`, 'POST', {
        title: title.trim(),
        scope: { locations, skus: skuList, item_class: itemClass || undefined },
        blind,
        assignees,
        due_at: new Date(due).toISOString(),
      })
      onDone(t('plan.done', { title: title.trim(), id: r.document_id }))
      setTitle('')
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const selected = (e: Event) => [...(e.currentTarget as HTMLSelectElement).selectedOptions].map((o) => o.value)
  return (
    <form class="desk-form" onSubmit={(e) => void submit(e)} aria-label={t('plan.label')}>
      <div class="desk-form-grid">
        <label class="desk-field">
          <span>{t('plan.title')}</span>
          <input name="count-title" value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="desk-field">
          <span>{t('plan.locations')}</span>
          <select name="count-locations" multiple size={4} onChange={(e) => setLocations(selected(e))}>
            {locs.map((l) => (
              <option key={l.code} value={l.code} selected={locations.includes(l.code)}>
                {l.code} {l.name ?? ''} ({kindText(l.kind)})
              </option>
            ))}
          </select>
        </label>
        <label class="desk-field">
          <span>{t('plan.skus')}</span>
          <input name="count-skus" value={skus} onInput={(e) => setSkus((e.currentTarget as HTMLInputElement).value)} list="desk-skus" />
          <datalist id="desk-skus">
            {items.map((i) => (
              <option key={i.sku} value={i.sku}>
                {i.name}
              </option>
            ))}
          </datalist>
        </label>
        <label class="desk-field">
          <span>{t('plan.class')}</span>
          <select name="count-class" value={itemClass} onChange={(e) => setItemClass((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('plan.anyClass')}</option>
            {classes.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label class="desk-field">
          <span>{t('plan.assignees')}</span>
          <select name="count-assignees" multiple size={4} onChange={(e) => setAssignees(selected(e))}>
            {members?.map((m) => (
              <option key={m.user_id} value={String(m.user_id)}>
                {m.display_name || m.email} ({roleText(m.role)})
              </option>
            ))}
          </select>
        </label>
        <label class="desk-field">
          <span>{t('col.due')}</span>
          <input name="count-due" type="datetime-local" value={due} onInput={(e) => setDue((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="desk-radio">
          <input name="count-blind" type="checkbox" checked={blind} onChange={(e) => setBlind((e.currentTarget as HTMLInputElement).checked)} />
          <span>{t('plan.blind')}</span>
        </label>
      </div>
      <ErrorNote error={error} />
      <div class="row">
        <button class="btn small" type="submit" disabled={busy}>
          {t('plan.submit')}
        </button>
      </div>
    </form>
  )
}
