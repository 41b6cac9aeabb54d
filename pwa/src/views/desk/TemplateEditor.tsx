// Checklist template editor: edit a template's items and publish them as a new version
// (or create a template), written to the site document the phones read.
import { useState } from 'preact/hooks'
import type { DocHandle } from '@automerge/automerge-repo/slim'
import type { SiteMaster } from '../../types/generated'
import { newId, nowIso } from '../../lib/ids'
import { addVersion, draftOf, itemsOf, type DraftItem } from '../../desk/templates'
import { ErrorNote } from './ui'
import { t } from '../../i18n'

const NEW = '__new__'

export function TemplateEditor({ master, handle }: { master: SiteMaster | undefined; handle: DocHandle<SiteMaster> | undefined }) {
  const templates = Object.entries(master?.checklist_templates ?? {})
  const [chosen, setChosen] = useState<string>(NEW)
  const [name, setName] = useState('')
  const [draft, setDraft] = useState<DraftItem[]>([])
  const [error, setError] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const choose = (id: string) => {
    setChosen(id)
    setMessage(null)
    const tpl = master?.checklist_templates[id]
    setName(tpl?.name ?? '')
    setDraft(tpl ? draftOf(tpl.versions[tpl.versions.length - 1]?.items ?? []) : [])
  }
  const update = (i: number, patch: Partial<DraftItem>) => setDraft(draft.map((d, n) => (n === i ? { ...d, ...patch } : d)))
  const publish = (e: Event) => {
    e.preventDefault()
    setError(null)
    if (!handle) return setError(t('tpl.notLoaded'))
    if (!name.trim()) return setError(t('tpl.needName'))
    const r = itemsOf(draft)
    if ('error' in r) return setError(r.error)
    let version = 1
    const id = chosen === NEW ? newId() : chosen
    handle.change((d) => {
      const tpl = d.checklist_templates[id]
      if (tpl) {
        tpl.name = name.trim()
        version = addVersion(tpl, r.items, nowIso())
      } else d.checklist_templates[id] = { name: name.trim(), versions: [{ version: 1, published_at: nowIso(), items: r.items }] }
    })
    setChosen(id)
    setMessage(t('tpl.published', { name: name.trim(), version }))
  }
  return (
    <form class="desk-form" onSubmit={publish} aria-label={t('tpl.editor')}>
      <div class="desk-form-grid">
        <label class="desk-field">
          <span>{t('tpl.template')}</span>
          <select name="tpl-choose" value={chosen} onChange={(e) => choose((e.currentTarget as HTMLSelectElement).value)}>
            <option value={NEW}>{t('tpl.new')}</option>
            {templates.map(([id, tpl]) => (
              <option key={id} value={id}>
                {t('tpl.option', { name: tpl.name, version: tpl.versions[tpl.versions.length - 1]?.version ?? 0 })}
              </option>
            ))}
          </select>
        </label>
        <label class="desk-field">
          <span>{t('col.name')}</span>
          <input name="tpl-name" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </label>
      </div>
      <table class="desk-table">
        <caption>{t('tpl.items')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('tpl.label')}</th>
            <th scope="col">{t('col.kind')}</th>
            <th scope="col">{t('tpl.required')}</th>
            <th scope="col">{t('tpl.unitMinMax')}</th>
            <th scope="col">{t('tpl.remove')}</th>
          </tr>
        </thead>
        <tbody>
          {draft.map((d, i) => (
            <tr key={d.id}>
              <td>
                <input aria-label={t('tpl.itemLabel', { n: i + 1 })} name={`tpl-label-${i}`} value={d.label} onInput={(e) => update(i, { label: (e.currentTarget as HTMLInputElement).value })} />
              </td>
              <td>
                <select aria-label={t('tpl.itemKind', { n: i + 1 })} value={d.kind} onChange={(e) => update(i, { kind: (e.currentTarget as HTMLSelectElement).value as DraftItem['kind'] })}>
                  <option value="check">{t('tpl.kind.check')}</option>
                  <option value="number">{t('tpl.kind.number')}</option>
                  <option value="text">{t('tpl.kind.text')}</option>
                </select>
              </td>
              <td>
                <label class="desk-radio">
                  <input type="checkbox" checked={d.required} onChange={(e) => update(i, { required: (e.currentTarget as HTMLInputElement).checked })} />
                  <span>{t('checklist.required')}</span>
                </label>
              </td>
              <td>
                {d.kind === 'number' && (
                  <div class="row">
                    <input aria-label={t('tpl.itemUnit', { n: i + 1 })} value={d.unit} onInput={(e) => update(i, { unit: (e.currentTarget as HTMLInputElement).value })} />
                    <input aria-label={t('tpl.itemMin', { n: i + 1 })} inputMode="decimal" value={d.min} onInput={(e) => update(i, { min: (e.currentTarget as HTMLInputElement).value })} />
                    <input aria-label={t('tpl.itemMax', { n: i + 1 })} inputMode="decimal" value={d.max} onInput={(e) => update(i, { max: (e.currentTarget as HTMLInputElement).value })} />
                  </div>
                )}
              </td>
              <td>
                <button type="button" class="btn small secondary" aria-label={t('tpl.removeItem', { n: i + 1 })} onClick={() => setDraft(draft.filter((_, n) => n !== i))}>
                  {t('tpl.remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorNote error={error} />
      {message && (
        <p class="desk-message" role="status">
          {message}
        </p>
      )}
      <div class="row">
        <button type="button" class="btn small secondary" onClick={() => setDraft([...draft, { id: newId(), label: '', kind: 'check', required: true, unit: '', min: '', max: '' }])}>
          {t('tpl.add')}
        </button>
        <button type="submit" class="btn small">
          {t('tpl.publish')}
        </button>
      </div>
    </form>
  )
}
