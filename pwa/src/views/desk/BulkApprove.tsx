// Approve every counted, unconflicted line of a session within a tolerance (units).
import { useState } from 'preact/hooks'
import { runAction, type ApproveSessionResult } from '../../desk/actions'
import { errorText } from '../../desk/api'
import { ErrorNote } from './ui'
import { t } from '../../i18n'

export function BulkApprove({ documentId, onDone }: { documentId: string; onDone: (message: string) => void }) {
  const [tolerance, setTolerance] = useState('0')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    const tol = Number(tolerance)
    if (!Number.isInteger(tol) || tol < 0) return setError(t('bulk.toleranceError'))
    setBusy(true)
    setError(null)
    try {
      const r = await runAction<ApproveSessionResult>(documentId, { action: 'approve_session', tolerance: tol })
      const skipped = r.result.skipped ?? []
      const which = skipped.length ? `: ${skipped.map((s) => `${s.line} (${s.reason})`).join(', ')}` : ''
      onDone(t('bulk.done', { approved: (r.result.approved ?? []).length, tolerance: tol, skipped: skipped.length, which }))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="row wrap desk-bulk" onSubmit={(e) => void submit(e)}>
      <label class="desk-field">
        <span>{t('bulk.tolerance')}</span>
        <input name="tolerance" type="number" min={0} step={1} value={tolerance} onInput={(e) => setTolerance((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <button class="btn small" type="submit" disabled={busy}>
        {t('bulk.approve')}
      </button>
      <ErrorNote error={error} />
    </form>
  )
}
