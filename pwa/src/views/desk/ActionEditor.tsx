// Edit one corrective action: assignee, due date, priority, status, a comment, and
// evidence photos when closing (uploaded by hash, then referenced).
import { useState } from 'preact/hooks'
import { runAction } from '../../desk/actions'
import { errorText } from '../../desk/api'
import type { Member } from '../../desk/members'
import type { CorrectiveActionRow } from '../../desk/rows'
import { uploadEvidence } from '../../desk/evidence'
import { ErrorNote } from './ui'
import { t } from '../../i18n'
import { PRIORITY, statusText } from '../../ui/status'

const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const
const STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const

function localInput(iso: string | null): string {
  if (!iso) return ''
  const d = new Date(iso)
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}

export function ActionEditor({ row, members, onDone, onCancel }: { row: CorrectiveActionRow; members: Member[] | null; onDone: (m: string) => void; onCancel: () => void }) {
  const [assignee, setAssignee] = useState(row.assignee ?? '')
  const [due, setDue] = useState(localInput(row.due_at))
  const [priority, setPriority] = useState<CorrectiveActionRow['priority']>(row.priority)
  const [status, setStatus] = useState<CorrectiveActionRow['status']>(row.status)
  const [note, setNote] = useState('')
  const [files, setFiles] = useState<File[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const evidence = files.length ? await Promise.all(files.map((f) => uploadEvidence(row.site, f))) : undefined
      await runAction(row.document_id, {
        action: 'update_corrective_action',
        id: row.id,
        assignee: assignee || null,
        due_at: due ? new Date(due).toISOString() : null,
        priority,
        status,
        note: note || undefined,
        evidence,
      })
      onDone(t('ca.saved', { action: row.description }))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="desk-form" onSubmit={(e) => void submit(e)} aria-label={t('ca.editLabel', { action: row.description })}>
      <fieldset>
        <legend>{row.description}</legend>
        <div class="desk-form-grid">
          <label class="desk-field">
            <span>{t('col.assignee')}</span>
            <select name="ca-assignee" value={assignee} onChange={(e) => setAssignee((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('ca.nobody')}</option>
              {members?.map((m) => (
                <option key={m.user_id} value={String(m.user_id)}>
                  {m.display_name || m.email}
                </option>
              ))}
              {assignee && !members?.some((m) => String(m.user_id) === assignee) && <option value={assignee}>{t('members.user', { id: assignee })}</option>}
            </select>
          </label>
          <label class="desk-field">
            <span>{t('col.due')}</span>
            <input name="ca-due" type="datetime-local" value={due} onInput={(e) => setDue((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <label class="desk-field">
            <span>{t('checklist.priority')}</span>
            <select name="ca-priority" value={priority} onChange={(e) => setPriority((e.currentTarget as HTMLSelectElement).value as CorrectiveActionRow['priority'])}>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(PRIORITY[p])}
                </option>
              ))}
            </select>
          </label>
          <label class="desk-field">
            <span>{t('col.status')}</span>
            <select name="ca-status" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as CorrectiveActionRow['status'])}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {statusText(s)}
                </option>
              ))}
            </select>
          </label>
          <label class="desk-field">
            <span>{t('ca.comment')}</span>
            <input name="ca-note" value={note} onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <label class="desk-field">
            <span>{t('ca.evidence')}</span>
            <input name="ca-evidence" type="file" accept="image/*" multiple onChange={(e) => setFiles([...((e.currentTarget as HTMLInputElement).files ?? [])])} />
          </label>
        </div>
      </fieldset>
      <ErrorNote error={error} />
      <div class="row">
        <button class="btn small" type="submit" disabled={busy}>
          {t('ca.save')}
        </button>
        <button class="btn small secondary" type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  )
}
