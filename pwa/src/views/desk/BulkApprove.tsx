// Approve every counted, unconflicted line of a session within a tolerance (units).
import { useState } from 'preact/hooks'
import { runAction, type ApproveSessionResult } from '../../desk/actions'
import { errorText } from '../../desk/api'
import { ErrorNote } from './ui'

export function BulkApprove({ documentId, onDone }: { documentId: string; onDone: (message: string) => void }) {
  const [tolerance, setTolerance] = useState('0')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    const t = Number(tolerance)
    if (!Number.isInteger(t) || t < 0) return setError('Tolerance is a whole number of units, 0 or more.')
    setBusy(true)
    setError(null)
    try {
      const r = await runAction<ApproveSessionResult>(documentId, { action: 'approve_session', tolerance: t })
      const skipped = r.result.skipped ?? []
      onDone(`Approved ${(r.result.approved ?? []).length} lines within ±${t}; skipped ${skipped.length}${skipped.length ? `: ${skipped.map((s) => `${s.line} (${s.reason})`).join(', ')}` : ''}.`)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="row wrap desk-bulk" onSubmit={(e) => void submit(e)}>
      <label class="desk-field">
        <span>Tolerance (± units)</span>
        <input name="tolerance" type="number" min={0} step={1} value={tolerance} onInput={(e) => setTolerance((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <button class="btn small" type="submit" disabled={busy}>
        Approve session within tolerance
      </button>
      <ErrorNote error={error} />
    </form>
  )
}
