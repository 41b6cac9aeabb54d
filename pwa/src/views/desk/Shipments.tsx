// Shipments: expected today, arrived, late; a shipment's lines (over / short / damaged);
// discrepancies per supplier and carrier.
import { useState } from 'preact/hooks'
import { fetchList, listPath, type Page } from '../../desk/api'
import { discrepancies, type DiscrepancyGroup } from '../../desk/discrepancy'
import { offerDownload, toCsv } from '../../desk/csv'
import { fmtDateTime, fmtNumber, fmtPercent } from '../../desk/format'
import type { ShipmentLineRow, ShipmentRow } from '../../desk/rows'
import { range, site, today } from '../../desk/state'
import { DataTable, type Column } from './DataTable'
import { useQuery } from './useQuery'
import { Chip, CsvButton, ErrorNote, Loading, Panel } from './ui'
import { Photo } from './Photo'
import { useDoc } from '../../ui/useDoc'
import type { Shipment } from '../../types/generated'
import { fetchMembers, nameOf, type Member } from '../../desk/members'
import { t } from '../../i18n'
import { statusText } from '../../ui/status'

function late(r: ShipmentRow, now: number): boolean {
  return !r.arrived_at && !!r.expected_at && Date.parse(r.expected_at) < now
}

const lineColumns = (): Column<ShipmentLineRow>[] => [
  { key: 'sku', label: t('col.sku'), value: (l) => l.sku },
  { key: 'location', label: t('col.location'), value: (l) => l.location },
  { key: 'expected_qty', label: t('col.expected'), numeric: true, value: (l) => l.expected_qty },
  { key: 'handled_qty', label: t('col.handled'), numeric: true, value: (l) => l.handled_qty },
  { key: 'over_qty', label: t('col.over'), numeric: true, value: (l) => l.over_qty },
  { key: 'short_qty', label: t('col.short'), numeric: true, value: (l) => l.short_qty },
  { key: 'damaged_qty', label: t('col.damaged'), numeric: true, value: (l) => l.damaged_qty },
]

const groupColumns = (): Column<DiscrepancyGroup>[] => [
  { key: 'name', label: t('col.name'), value: (g) => g.name },
  { key: 'shipments', label: t('col.shipmentsArrived'), numeric: true, value: (g) => g.shipments },
  { key: 'lines', label: t('col.lines'), numeric: true, value: (g) => g.lines },
  { key: 'discrepant_lines', label: t('col.discrepantLines'), numeric: true, value: (g) => g.discrepant_lines },
  { key: 'damaged_units', label: t('col.damagedUnits'), numeric: true, value: (g) => g.damaged_units },
  { key: 'rate', label: t('col.discrepancyRate'), numeric: true, value: (g) => g.rate, render: (g) => fmtPercent(g.rate) },
]

export function Shipments() {
  const s = site.value
  const r = range.value
  const list = useQuery<Page<ShipmentRow>>(`shipments|${s}|${r.from}|${r.to}`, () => fetchList<ShipmentRow>('shipments', { site: s, from: r.from, to: r.to, limit: 1000 }))
  const [open, setOpen] = useState<string | null>(null)
  const now = Date.now()
  const rows = list.data?.rows ?? []
  const todays = rows.filter((x) => x.expected_at?.slice(0, 10) === today.value)
  const columns: Column<ShipmentRow>[] = [
    {
      key: 'reference',
      label: t('col.reference'),
      value: (x) => x.reference,
      render: (x) => (
        <button type="button" class="btn small secondary" aria-expanded={open === x.document_id} onClick={() => setOpen(open === x.document_id ? null : x.document_id)}>
          {x.reference}
        </button>
      ),
    },
    { key: 'direction', label: t('col.direction'), value: (x) => x.direction, render: (x) => t(x.direction === 'inbound' ? 'kpi.group.inbound' : 'kpi.group.outbound') },
    { key: 'counterparty', label: t('col.counterparty'), value: (x) => x.counterparty },
    { key: 'carrier', label: t('col.carrier'), value: (x) => x.carrier },
    { key: 'expected_at', label: t('col.expected'), value: (x) => x.expected_at, render: (x) => (late(x, now) ? <Chip tone="danger">{t('shipments.late', { when: fmtDateTime(x.expected_at) })}</Chip> : fmtDateTime(x.expected_at)) },
    { key: 'status', label: t('col.status'), value: (x) => x.status, render: (x) => `${statusText(x.status)}${x.status_at ? ` (${fmtDateTime(x.status_at)})` : ''}` },
    { key: 'arrived_at', label: t('col.arrived'), value: (x) => x.arrived_at, render: (x) => fmtDateTime(x.arrived_at) },
    { key: 'expected_units', label: t('col.unitsExpected'), numeric: true, value: (x) => x.expected_units },
    { key: 'handled_units', label: t('col.unitsHandled'), numeric: true, value: (x) => x.handled_units },
    { key: 'damaged_units', label: t('col.damaged'), numeric: true, value: (x) => x.damaged_units },
    { key: 'discrepant_lines', label: t('col.discrepantLines'), numeric: true, value: (x) => x.discrepant_lines },
  ]
  return (
    <>
      <div class="desk-tiles">
        <Summary label={t('shipments.expectedToday')} value={todays.length} testId="ship-today" />
        <Summary label={t('shipments.arrivedToday')} value={todays.filter((x) => x.arrived_at).length} testId="ship-arrived" />
        <Summary label={t('shipments.latePeriod')} value={rows.filter((x) => late(x, now)).length} testId="ship-late" />
      </div>
      <Panel id="shipments" title={t('shipments.panel')} actions={<CsvButton path={listPath('shipments', { site: s, from: r.from, to: r.to, limit: 10_000 }, 'csv')} filename="shipments.csv" />}>
        <Loading loading={list.loading} />
        <ErrorNote error={list.error} onRetry={list.reload} />
        <DataTable caption={t('nav.shipments')} columns={columns} rows={rows} rowKey={(x) => x.document_id} rowClass={(x) => (late(x, now) ? 'overdue' : '')} testId="shipments" />
        {open && <ShipmentLines id={open} row={rows.find((x) => x.document_id === open) ?? null} />}
      </Panel>
      <Panel id="discrepancies" title={t('shipments.discrepancies')} actions={<CsvButton path={listPath('shipment-lines', { site: s, from: r.from, to: r.to, limit: 10_000 }, 'csv')} filename="shipment-lines.csv" label={t('shipments.exportLines')} />}>
        <div class="row">
          <button type="button" class="btn small secondary" onClick={() => downloadDiscrepancies(rows, `discrepancies-${s}-${r.from}-${r.to}.csv`)}>
            {t('shipments.exportDiscrepancies')}
          </button>
        </div>
        <DataTable caption={t('shipments.perSupplier')} columns={groupColumns()} rows={discrepancies(rows, 'supplier')} rowKey={(g) => g.name} testId="disc-supplier" />
        <DataTable caption={t('shipments.perCarrier')} columns={groupColumns()} rows={discrepancies(rows, 'carrier')} rowKey={(g) => g.name} testId="disc-carrier" />
      </Panel>
    </>
  )
}

function downloadDiscrepancies(rows: ShipmentRow[], filename: string): void {
  const groups = [...discrepancies(rows, 'supplier'), ...discrepancies(rows, 'carrier')]
  offerDownload(filename, toCsv(['by', 'name', 'shipments', 'lines', 'discrepant_lines', 'damaged_units', 'rate'], groups.map((g) => [g.by, g.name, g.shipments, g.lines, g.discrepant_lines, g.damaged_units, g.rate])))
}

function Summary({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <article class="desk-tile" data-testid={testId}>
      <h3>{label}</h3>
      <p class="desk-tile-value">{fmtNumber(value)}</p>
    </article>
  )
}

function ShipmentLines({ id, row }: { id: string; row: ShipmentRow | null }) {
  const lines = useQuery<Page<ShipmentLineRow>>(`shipment-lines|${id}`, () => fetchList<ShipmentLineRow>('shipment-lines', { site: 'all', document: id, limit: 1000 }))
  // Timeline, photos and the signature live in the document itself.
  const doc = useDoc<Shipment>(`automerge:${id}`).doc
  const members = useQuery<Member[]>(row ? `members|${row.site}` : null, () => fetchMembers(row?.site ?? ''))
  const who = members.error ? null : members.data
  const site = row?.site ?? doc?.site ?? ''
  const entries = (doc?.entries ?? []).filter((e) => !e.void && (e.photos.length || e.note || e.damaged_qty))
  return (
    <div class="desk-po" data-testid="shipment-detail">
      <h3>{t('shipments.detail', { reference: row?.reference ?? id })}</h3>
      <ol class="desk-timeline" aria-label={t('shipments.timeline')} data-testid="shipment-timeline">
        {(doc?.timeline ?? []).map((e) => (
          <li key={e.id}>
            {t('shipments.event', { status: statusText(e.status), when: fmtDateTime(e.at), name: nameOf(who, e.by) })}
            {e.note ? ` (${e.note})` : ''}
          </li>
        ))}
        {!doc && row?.expected_at && <li>{t('shipments.expectedAt', { when: fmtDateTime(row.expected_at) })}</li>}
      </ol>
      <ErrorNote error={lines.error} onRetry={lines.reload} />
      <DataTable caption={t('shipments.linesCaption')} columns={lineColumns()} rows={lines.data?.rows ?? []} rowKey={(l) => l.line_id} testId="shipment-lines" />
      {entries.length > 0 && (
        <ul class="desk-entries" aria-label={t('shipments.notesPhotos')}>
          {entries.map((e) => (
            <li key={e.id}>
              {e.damaged_qty ? t('shipment.entryGoodDamaged', { sku: e.sku, good: e.qty, damaged: e.damaged_qty }) : t('shipment.entryGood', { sku: e.sku, good: e.qty })}
              {e.note ? ` — ${e.note}` : ''} {e.photos.map((p) => <Photo key={p.sha256} site={site} photo={p} alt={t('photo.of', { what: e.sku })} />)}
            </li>
          ))}
        </ul>
      )}
      {doc?.proof_of_delivery && (
        <p>
          {t('shipments.signed', { name: doc.proof_of_delivery.name, when: fmtDateTime(doc.proof_of_delivery.at) })} <Photo site={site} photo={doc.proof_of_delivery.signature} alt={t('shipments.signatureOf', { name: doc.proof_of_delivery.name })} />
        </p>
      )}
    </div>
  )
}
