// Resolve a count conflict: pick one of the disagreeing quantities or enter one, with a reason.
import { useState } from 'preact/hooks'
import { REASONS, runAction, type ReasonCode } from '../../desk/actions'
import { errorText } from '../../desk/api'
import type { CountConflictRow } from '../../desk/rows'
import type { Member } from '../../desk/members'
import { nameOf } from '../../desk/members'
import { fmtDateTime } from '../../desk/format'
import { ErrorNote } from './ui'
import { locale, t } from '../../i18n'

interface Props {
  documentId: string
  conflict: CountConflictRow
  members: Member[] | null
  onDone: (message: string) => void
  onCancel: () => void
}

export function ResolveForm({ documentId, conflict, members, onDone, onCancel }: Props) {
  const [choice, setChoice] = useState<string>(String(conflict.quantities[0] ?? ''))
  const [other, setOther] = useState('')
  const [reason, setReason] = useState<ReasonCode>('other')
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const qtyText = choice === 'other' ? other : choice
  const submit = async (e: Event) => {
    e.preventDefault()
    const qty = Number(qtyText)
    if (!Number.isInteger(qty) || qty < 0) return setError(t('resolve.qtyError'))
    setBusy(true)
    setError(null)
    try {
      await runAction(documentId, { action: 'resolve_conflict', line: conflict.line_key, qty, reason, note: note || undefined })
      onDone(t('resolve.done', { line: conflict.line_key, qty }))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="desk-resolve" onSubmit={(e) => void submit(e)} aria-label={t('review.resolveLine', { line: conflict.line_key })}>
      <fieldset>
        <legend>
          {t('resolve.legend', { line: conflict.line_key, pass: conflict.count_index })}
        </legend>
        {conflict.quantities.map((q) => (
          <label key={q} class="desk-radio">
            <input type="radio" name="resolve-qty" value={String(q)} checked={choice === String(q)} onChange={() => setChoice(String(q))} />
            <span>
              {t('resolve.option', {
                qty: q,
                who: conflict.entries
                  .filter((x) => x.qty === q)
                  .map((x) => t('resolve.by', { name: nameOf(members, x.by), device: x.device, when: fmtDateTime(x.at) }))
                  .join('; '),
              })}
            </span>
          </label>
        ))}
        <label class="desk-radio">
          <input type="radio" name="resolve-qty" value="other" checked={choice === 'other'} onChange={() => setChoice('other')} />
          <span>{t('resolve.another')}</span>
        </label>
        {choice === 'other' && (
          <label class="desk-field">
            <span>{t('count.quantity')}</span>
            <input name="resolve-other" type="number" min={0} step={1} value={other} onInput={(e) => setOther((e.currentTarget as HTMLInputElement).value)} />
          </label>
        )}
      </fieldset>
      <label class="desk-field">
        <span>{t('col.reason')}</span>
        <select name="resolve-reason" value={reason} onChange={(e) => setReason((e.currentTarget as HTMLSelectElement).value as ReasonCode)}>
          {REASONS.map((r) => (
            <option key={r.code} value={r.code}>
              {t(r.label)}
            </option>
          ))}
        </select>
      </label>
      <label class="desk-field">
        <span>{t('checklist.note')}</span>
        <input name="resolve-note" value={note} onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <ErrorNote error={error} />
      <div class="row">
        <button class="btn small" type="submit" disabled={busy}>
          {t('resolve.submit', { qty: qtyText === '' ? '…' : Number(qtyText).toLocaleString(locale.value) })}
        </button>
        <button class="btn small secondary" type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  )
}
