// Master data: import and export items and locations, printable labels.
import { useState } from 'preact/hooks'
import { canAct, me, site } from '../../desk/state'
import type { Column } from './DataTable'
import { DataTable } from './DataTable'
import { ImportPanel } from './ImportPanel'
import { Labels } from './Labels'
import { TemplateEditor } from './TemplateEditor'
import { singleSite, useSiteDoc } from './useSiteDoc'
import { CsvButton, ErrorNote, Panel } from './ui'
import type { Item, Location } from '../../types/generated'

const itemColumns: Column<Item>[] = [
  { key: 'sku', label: 'SKU', value: (i) => i.sku },
  { key: 'name', label: 'Name', value: (i) => i.name },
  { key: 'barcodes', label: 'Barcodes', value: (i) => i.barcodes.join(' ') },
  { key: 'unit', label: 'Unit', value: (i) => i.unit },
  { key: 'unit_cost_minor', label: 'Unit cost', numeric: true, value: (i) => i.unit_cost_minor, render: (i) => (i.unit_cost_minor / 100).toLocaleString(undefined, { minimumFractionDigits: 2 }) },
  { key: 'reorder_point', label: 'Reorder point', numeric: true, value: (i) => i.reorder_point ?? null },
  { key: 'max_qty', label: 'Max', numeric: true, value: (i) => i.max_qty ?? null },
  { key: 'supplier', label: 'Supplier', value: (i) => i.supplier ?? null },
]

const locationColumns: Column<Location>[] = [
  { key: 'code', label: 'Code', value: (l) => l.code },
  { key: 'name', label: 'Name', value: (l) => l.name ?? null },
  { key: 'kind', label: 'Kind', value: (l) => l.kind },
]

export function MasterData() {
  const slug = singleSite(site.value)
  const master = useSiteDoc(slug)
  const [labels, setLabels] = useState<{ what: 'items' | 'locations'; symbology: 'code128' | 'qrcode' } | null>(null)
  if (!slug) return <p class="desk-error">Pick one site in the site picker to see its master data.</p>
  const items = Object.values(master.doc?.items ?? {}).sort((a, b) => a.sku.localeCompare(b.sku))
  const locations = Object.values(master.doc?.locations ?? {}).sort((a, b) => a.code.localeCompare(b.code))
  const labelSpecs = labels?.what === 'items' ? items.map((i) => ({ code: i.barcodes[0] ?? i.sku, title: `${i.sku} ${i.name}` })) : locations.map((l) => ({ code: l.code, title: l.name ?? l.kind }))
  return (
    <>
      <ErrorNote error={master.error && `Site master data: ${master.error}`} />
      {canAct(me.value, slug) && (
        <Panel id="import" title="Import from CSV">
          <ImportPanel slug={slug} />
        </Panel>
      )}
      <Panel
        id="items"
        title={`Items (${items.length})`}
        actions={
          <>
            <CsvButton path={`/api/sites/${encodeURIComponent(slug)}/export/items.csv`} filename={`items-${slug}.csv`} />
            <button type="button" class="btn small secondary" onClick={() => setLabels({ what: 'items', symbology: 'code128' })}>
              Item labels (Code 128)
            </button>
            <button type="button" class="btn small secondary" onClick={() => setLabels({ what: 'items', symbology: 'qrcode' })}>
              Item labels (QR)
            </button>
          </>
        }
      >
        <DataTable caption="Items" columns={itemColumns} rows={items} rowKey={(i) => i.sku} testId="items" />
      </Panel>
      <Panel
        id="locations"
        title={`Locations (${locations.length})`}
        actions={
          <>
            <CsvButton path={`/api/sites/${encodeURIComponent(slug)}/export/locations.csv`} filename={`locations-${slug}.csv`} />
            <button type="button" class="btn small secondary" onClick={() => setLabels({ what: 'locations', symbology: 'code128' })}>
              Location labels (Code 128)
            </button>
            <button type="button" class="btn small secondary" onClick={() => setLabels({ what: 'locations', symbology: 'qrcode' })}>
              Location labels (QR)
            </button>
          </>
        }
      >
        <DataTable caption="Locations" columns={locationColumns} rows={locations} rowKey={(l) => l.code} testId="locations" />
      </Panel>
      {canAct(me.value, slug) && (
        <Panel id="templates" title="Checklist templates">
          <TemplateEditor master={master.doc} handle={master.handle} />
        </Panel>
      )}
      {labels && (
        <Panel
          id="labels"
          title={`Labels: ${labels.what}`}
          actions={
            <>
              <button type="button" class="btn small" onClick={() => window.print()}>
                Print labels
              </button>
              <button type="button" class="btn small secondary" onClick={() => setLabels(null)}>
                Close labels
              </button>
            </>
          }
        >
          <Labels labels={labelSpecs} symbology={labels.symbology} />
        </Panel>
      )}
    </>
  )
}
