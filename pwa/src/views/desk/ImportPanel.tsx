// Import items or locations from CSV, all-or-nothing or valid rows only, with a
// row-by-row error report.
import { useState } from 'preact/hooks'
import { errorText } from '../../desk/api'
import { IMPORT_HEADERS, importCsv, type ImportKind, type ImportMode, type ImportReport } from '../../desk/importer'
import { ErrorNote } from './ui'

export function ImportPanel({ slug }: { slug: string }) {
  const [kind, setKind] = useState<ImportKind>('items')
  const [mode, setMode] = useState<ImportMode>('all_or_nothing')
  const [file, setFile] = useState<File | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [result, setResult] = useState<{ ok: boolean; report: ImportReport } | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    if (!file) return setError('Choose a CSV file first.')
    setBusy(true)
    setError(null)
    setResult(null)
    try {
      setResult(await importCsv(slug, kind, mode, await file.text()))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="desk-form" onSubmit={(e) => void submit(e)} aria-label="Import CSV">
      <div class="desk-form-grid">
        <label class="desk-field">
          <span>What</span>
          <select name="import-kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as ImportKind)}>
            <option value="items">Items</option>
            <option value="locations">Locations</option>
          </select>
        </label>
        <label class="desk-field">
          <span>When a row is invalid</span>
          <select name="import-mode" value={mode} onChange={(e) => setMode((e.currentTarget as HTMLSelectElement).value as ImportMode)}>
            <option value="all_or_nothing">Import nothing (all or nothing)</option>
            <option value="valid_only">Import the valid rows only</option>
          </select>
        </label>
        <label class="desk-field">
          <span>CSV file</span>
          <input name="import-file" type="file" accept=".csv,text/csv" onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)} />
        </label>
      </div>
      <p class="hint">
        Header: <code>{IMPORT_HEADERS[kind]}</code>
      </p>
      <ErrorNote error={error} />
      <div class="row">
        <button class="btn small" type="submit" disabled={busy}>
          Import
        </button>
      </div>
      {result && (
        <div data-testid="import-report" role="status">
          <p class={result.ok ? 'desk-message' : 'desk-error'}>
            {result.ok
              ? `Imported ${result.report.imported} rows${result.report.skipped ? `, skipped ${result.report.skipped} invalid rows` : ''}.`
              : `Nothing imported: ${new Set(result.report.errors.map((x) => x.row)).size} rows have errors. Fix them and import again, or choose "valid rows only".`}
          </p>
          {result.report.errors.length > 0 && (
            <table class="desk-table">
              <caption>Rows with errors</caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Column</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {result.report.errors.map((x, i) => (
                  <tr key={i} data-row={x.row}>
                    <td class="num">{x.row}</td>
                    <td>{x.column ?? ''}</td>
                    <td>{x.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </form>
  )
}
