// The table of undone edits, shared by the policy-violations view and a document's
// audit trail: who, from which device, which part, what they tried, why, when.
import type { PolicyViolationRow } from '../../desk/violations'
import { attemptedText } from '../../desk/violationsCsv'
import { fmtDateTime } from '../../desk/format'
import { navigate } from '../../ui/router'
import { site } from '../../desk/state'
import { DataTable, type Column } from './DataTable'
import { t } from '../../i18n'

/** Long tried values are cut on screen (the CSV has them whole). */
const SHOWN = 160

export function ViolationsTable({ rows, caption, withDocument, empty, testId }: { rows: PolicyViolationRow[]; caption: string; withDocument: boolean; empty: string; testId: string }) {
  const columns: Column<PolicyViolationRow>[] = [
    { key: 'detected_at', label: t('violations.when'), value: (r) => r.detected_at, render: (r) => fmtDateTime(r.detected_at) },
    { key: 'who', label: t('violations.who'), value: (r) => r.user_email ?? (r.user_id === null ? null : String(r.user_id)) },
    { key: 'device', label: t('violations.device'), value: (r) => r.device },
    { key: 'part', label: t('violations.part'), value: (r) => r.part },
    {
      key: 'attempted',
      label: t('violations.attempted'),
      value: (r) => attemptedText(r.attempted, t('violations.removed')),
      render: (r) => {
        const text = attemptedText(r.attempted, t('violations.removed'))
        return <code class="desk-code">{text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text}</code>
      },
    },
    { key: 'message', label: t('violations.message'), value: (r) => r.message },
  ]
  if (withDocument && site.value === 'all') columns.push({ key: 'site', label: t('col.site'), value: (r) => r.site })
  if (withDocument)
    columns.push(
      {
        key: 'document',
        label: t('violations.document'),
        value: (r) => r.document_id,
        render: (r) => (
          <a
            href={`/desk/audit/${r.document_id}`}
            aria-label={t('violations.openTrail', { id: r.document_id })}
            onClick={(e) => {
              e.preventDefault()
              navigate(`/desk/audit/${r.document_id}`)
            }}
          >
            {r.doc_type ? t('violations.docOfType', { type: r.doc_type.replace(/_/g, ' ') }) : r.document_id}
          </a>
        ),
      },
    )
  return <DataTable caption={caption} columns={columns} rows={rows} rowKey={(r) => `${r.document_id}|${r.detected_at}|${r.part}|${r.device}`} empty={empty} testId={testId} />
}
