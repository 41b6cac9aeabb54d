// Policy violations: edits synced against the write policy (a staff approval, a record
// in someone else's name…), each already undone by the server, listed for the manager
// by site scope and period, with the trail of the document one click away.
import { useState } from 'preact/hooks'
import { errorText } from '../../desk/api'
import { offerDownload } from '../../desk/csv'
import { fetchViolations, type PolicyViolationRow } from '../../desk/violations'
import { violationsCsv } from '../../desk/violationsCsv'
import type { Page } from '../../desk/api'
import { range, site } from '../../desk/state'
import { useQuery } from './useQuery'
import { ViolationsTable } from './ViolationsTable'
import { ErrorNote, Loading, Panel } from './ui'
import { t } from '../../i18n'

/** The most rows one export holds (the server's largest page). */
const EXPORT_LIMIT = 10_000

export function Violations() {
  const s = site.value
  const r = range.value
  const page = useQuery<Page<PolicyViolationRow>>(`violations|${s}|${r.from}|${r.to}`, () => fetchViolations(s, r))
  const [exportError, setExportError] = useState<string | null>(null)
  const rows = page.data?.rows ?? []
  const exportCsv = () => {
    setExportError(null)
    fetchViolations(s, r, EXPORT_LIMIT).then(
      (all) => offerDownload(`policy-violations-${s}-${r.from}-${r.to}.csv`, violationsCsv(all.rows)),
      (e: unknown) => setExportError(errorText(e)),
    )
  }
  return (
    <Panel
      id="violations"
      title={t('violations.title')}
      actions={
        <button type="button" class="btn small secondary" onClick={exportCsv}>
          {t('ui.exportCsv')}
        </button>
      }
    >
      <p class="hint">{t('violations.intro')}</p>
      <Loading loading={page.loading} />
      <ErrorNote error={page.error ?? exportError} onRetry={page.error ? page.reload : undefined} />
      {page.data && (
        <p class="hint" data-testid="violations-total">
          {t('rows.total', { count: page.data.total })}
          {page.data.total > rows.length ? t('rows.firstShown', { shown: rows.length }) : ''}
        </p>
      )}
      <ViolationsTable rows={rows} caption={t('violations.caption')} withDocument empty={t('violations.none')} testId="violations" />
    </Panel>
  )
}
