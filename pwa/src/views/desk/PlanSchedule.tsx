// Schedule a checklist: template, location, recurrence, assignee, first due time.
import { useState } from 'preact/hooks'
import { errorText, sendJson } from '../../desk/api'
import type { Member } from '../../desk/members'
import type { SiteMaster } from '../../types/generated'
import { ErrorNote } from './ui'
import { t, type MessageKey } from '../../i18n'

const RECURRENCE: Record<'daily' | 'weekly' | 'monthly', MessageKey> = { daily: 'schedule.every.daily', weekly: 'schedule.every.weekly', monthly: 'schedule.every.monthly' }

export function PlanSchedule({ slug, master, members, onDone }: { slug: string; master: SiteMaster | undefined; members: Member[] | null; onDone: (m: string) => void }) {
  const templates = Object.entries(master?.checklist_templates ?? {})
  const [template, setTemplate] = useState('')
  const [location, setLocation] = useState('')
  const [recurrence, setRecurrence] = useState<'daily' | 'weekly' | 'monthly'>('daily')
  const [assignee, setAssignee] = useState('')
  const [first, setFirst] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    const templateId = template || templates[0]?.[0]
    if (!templateId) return setError(t('schedule.noTemplate'))
    if (!first) return setError(t('schedule.noFirst'))
    setBusy(true)
    setError(null)
    try {
      const r = await sendJson<{ schedule_id: string; document_ids: string[] }>(`/api/sites/${encodeURIComponent(slug)}/checklist-schedules`, 'POST', {
        template_id: templateId,
        location: location || undefined,
        recurrence,
        assignee: assignee || undefined,
        first_due_at: new Date(first).toISOString(),
      })
      onDone(t('schedule.done', { recurrence: t(RECURRENCE[recurrence]), id: r.schedule_id, first: r.document_ids?.[0] ?? '' }))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="desk-form" onSubmit={(e) => void submit(e)} aria-label={t('schedule.label')}>
      <div class="desk-form-grid">
        <label class="desk-field">
          <span>{t('tpl.template')}</span>
          <select name="schedule-template" value={template} onChange={(e) => setTemplate((e.currentTarget as HTMLSelectElement).value)}>
            {templates.map(([id, tpl]) => (
              <option key={id} value={id}>
                {tpl.name}
              </option>
            ))}
          </select>
        </label>
        <label class="desk-field">
          <span>{t('col.location')}</span>
          <select name="schedule-location" value={location} onChange={(e) => setLocation((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('schedule.wholeSite')}</option>
            {Object.values(master?.locations ?? {}).map((l) => (
              <option key={l.code} value={l.code}>
                {l.code}
              </option>
            ))}
          </select>
        </label>
        <label class="desk-field">
          <span>{t('schedule.recurrence')}</span>
          <select name="schedule-recurrence" value={recurrence} onChange={(e) => setRecurrence((e.currentTarget as HTMLSelectElement).value as 'daily' | 'weekly' | 'monthly')}>
            <option value="daily">{t('schedule.daily')}</option>
            <option value="weekly">{t('schedule.weekly')}</option>
            <option value="monthly">{t('schedule.monthly')}</option>
          </select>
        </label>
        <label class="desk-field">
          <span>{t('col.assignee')}</span>
          <select name="schedule-assignee" value={assignee} onChange={(e) => setAssignee((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('schedule.anyone')}</option>
            {members?.map((m) => (
              <option key={m.user_id} value={String(m.user_id)}>
                {m.display_name || m.email}
              </option>
            ))}
          </select>
        </label>
        <label class="desk-field">
          <span>{t('schedule.firstDue')}</span>
          <input name="schedule-first" type="datetime-local" value={first} onInput={(e) => setFirst((e.currentTarget as HTMLInputElement).value)} />
        </label>
      </div>
      <ErrorNote error={error} />
      <div class="row">
        <button class="btn small" type="submit" disabled={busy}>
          {t('schedule.submit')}
        </button>
      </div>
    </form>
  )
}
