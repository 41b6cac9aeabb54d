// Checklist template editor: edit a template's items and publish them as a new version
// (or create a template), written to the site document the phones read.
import { useState } from 'preact/hooks'
import type { DocHandle } from '@automerge/automerge-repo/slim'
import type { SiteMaster } from '../../types/generated'
import { newId, nowIso } from '../../lib/ids'
import { addVersion, draftOf, itemsOf, type DraftItem } from '../../desk/templates'
import { ErrorNote } from './ui'

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
    const t = master?.checklist_templates[id]
    setName(t?.name ?? '')
    setDraft(t ? draftOf(t.versions[t.versions.length - 1]?.items ?? []) : [])
  }
  const update = (i: number, patch: Partial<DraftItem>) => setDraft(draft.map((d, n) => (n === i ? { ...d, ...patch } : d)))
  const publish = (e: Event) => {
    e.preventDefault()
    setError(null)
    if (!handle) return setError('The site document is not loaded yet; wait a moment and try again.')
    if (!name.trim()) return setError('Give the template a name.')
    const r = itemsOf(draft)
    if ('error' in r) return setError(r.error)
    let version = 1
    const id = chosen === NEW ? newId() : chosen
    handle.change((d) => {
      const t = d.checklist_templates[id]
      if (t) {
        t.name = name.trim()
        version = addVersion(t, r.items, nowIso())
      } else d.checklist_templates[id] = { name: name.trim(), versions: [{ version: 1, published_at: nowIso(), items: r.items }] }
    })
    setChosen(id)
    setMessage(`"${name.trim()}" version ${version} published; new runs use it, running ones keep their snapshot.`)
  }
  return (
    <form class="desk-form" onSubmit={publish} aria-label="Checklist template editor">
      <div class="desk-form-grid">
        <label class="desk-field">
          <span>Template</span>
          <select name="tpl-choose" value={chosen} onChange={(e) => choose((e.currentTarget as HTMLSelectElement).value)}>
            <option value={NEW}>New template</option>
            {templates.map(([id, t]) => (
              <option key={id} value={id}>
                {t.name} (v{t.versions[t.versions.length - 1]?.version ?? 0})
              </option>
            ))}
          </select>
        </label>
        <label class="desk-field">
          <span>Name</span>
          <input name="tpl-name" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </label>
      </div>
      <table class="desk-table">
        <caption>Items</caption>
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Kind</th>
            <th scope="col">Required</th>
            <th scope="col">Unit, min, max (numbers)</th>
            <th scope="col">Remove</th>
          </tr>
        </thead>
        <tbody>
          {draft.map((d, i) => (
            <tr key={d.id}>
              <td>
                <input aria-label={`Item ${i + 1} label`} name={`tpl-label-${i}`} value={d.label} onInput={(e) => update(i, { label: (e.currentTarget as HTMLInputElement).value })} />
              </td>
              <td>
                <select aria-label={`Item ${i + 1} kind`} value={d.kind} onChange={(e) => update(i, { kind: (e.currentTarget as HTMLSelectElement).value as DraftItem['kind'] })}>
                  <option value="check">pass / fail / n.a.</option>
                  <option value="number">number</option>
                  <option value="text">text</option>
                </select>
              </td>
              <td>
                <label class="desk-radio">
                  <input type="checkbox" checked={d.required} onChange={(e) => update(i, { required: (e.currentTarget as HTMLInputElement).checked })} />
                  <span>required</span>
                </label>
              </td>
              <td>
                {d.kind === 'number' && (
                  <div class="row">
                    <input aria-label={`Item ${i + 1} unit`} value={d.unit} onInput={(e) => update(i, { unit: (e.currentTarget as HTMLInputElement).value })} />
                    <input aria-label={`Item ${i + 1} min`} inputMode="decimal" value={d.min} onInput={(e) => update(i, { min: (e.currentTarget as HTMLInputElement).value })} />
                    <input aria-label={`Item ${i + 1} max`} inputMode="decimal" value={d.max} onInput={(e) => update(i, { max: (e.currentTarget as HTMLInputElement).value })} />
                  </div>
                )}
              </td>
              <td>
                <button type="button" class="btn small secondary" aria-label={`Remove item ${i + 1}`} onClick={() => setDraft(draft.filter((_, n) => n !== i))}>
                  Remove
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
          Add item
        </button>
        <button type="submit" class="btn small">
          Publish version
        </button>
      </div>
    </form>
  )
}
