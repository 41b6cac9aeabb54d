// Import items or locations from CSV, all-or-nothing or valid rows only, with a
// row-by-row error report.
import { useState } from 'preact/hooks'
import { errorText } from '../../desk/api'
import { IMPORT_HEADERS, importCsv, type ImportKind, type ImportMode, type ImportReport } from '../../desk/importer'
import { ErrorNote } from './ui'
import { t } from '../../i18n'

export function ImportPanel({ slug }: { slug: string }) {
  const [kind, setKind] = useState<ImportKind>('items')
  const [mode, setMode] = useState<ImportMode>('all_or_nothing')
  const [file, setFile] = useState<File | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [result, setResult] = useState<{ ok: boolean; report: ImportReport } | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    if (!file) return setError(t('import.chooseFile'))
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
    <form class="desk-form" onSubmit={(e) => void submit(e)} aria-label={t('import.label')}>
      <div class="desk-form-grid">
        <label class="desk-field">
          <span>{t('import.what')}</span>
          <select name="import-kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as ImportKind)}>
            <option value="items">{t('md.itemsCaption')}</option>
            <option value="locations">{t('md.locationsCaption')}</option>
          </select>
        </label>
        <label class="desk-field">
          <span>{t('import.whenInvalid')}</span>
          <select name="import-mode" value={mode} onChange={(e) => setMode((e.currentTarget as HTMLSelectElement).value as ImportMode)}>
            <option value="all_or_nothing">{t('import.allOrNothing')}</option>
            <option value="valid_only">{t('import.validOnly')}</option>
          </select>
        </label>
        <label class="desk-field">
          <span>{t('import.file')}</span>
          <input name="import-file" type="file" accept=".csv,text/csv" onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)} />
        </label>
      </div>
      <p class="hint">
        {t('import.header')} <code>{IMPORT_HEADERS[kind]}</code>
      </p>
      <ErrorNote error={error} />
      <div class="row">
        <button class="btn small" type="submit" disabled={busy}>
          {t('import.submit')}
        </button>
      </div>
      {result && (
        <div data-testid="import-report" role="status">
          <p class={result.ok ? 'desk-message' : 'desk-error'}>
            {result.ok
              ? t('import.done', { imported: result.report.imported, skipped: result.report.skipped })
              : t('import.nothing', { count: new Set(result.report.errors.map((x) => x.row)).size })}
          </p>
          {result.report.errors.length > 0 && (
            <table class="desk-table">
              <caption>{t('import.errorsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('import.row')}</th>
                  <th scope="col">{t('import.column')}</th>
                  <th scope="col">{t('import.problem')}</th>
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
