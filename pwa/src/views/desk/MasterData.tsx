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
import { locale, t } from '../../i18n'
import { kindText } from '../../ui/status'

const itemColumns = (): Column<Item>[] => [
  { key: 'sku', label: t('col.sku'), value: (i) => i.sku },
  { key: 'name', label: t('col.name'), value: (i) => i.name },
  { key: 'barcodes', label: t('col.barcodes'), value: (i) => i.barcodes.join(' ') },
  { key: 'unit', label: t('col.unit'), value: (i) => i.unit },
  { key: 'unit_cost_minor', label: t('col.unitCost'), numeric: true, value: (i) => i.unit_cost_minor, render: (i) => (i.unit_cost_minor / 100).toLocaleString(locale.value, { minimumFractionDigits: 2 }) },
  { key: 'reorder_point', label: t('col.reorderPoint'), numeric: true, value: (i) => i.reorder_point ?? null },
  { key: 'max_qty', label: t('col.max'), numeric: true, value: (i) => i.max_qty ?? null },
  { key: 'supplier', label: t('shipment.supplier'), value: (i) => i.supplier ?? null },
]

const locationColumns = (): Column<Location>[] => [
  { key: 'code', label: t('col.code'), value: (l) => l.code },
  { key: 'name', label: t('col.name'), value: (l) => l.name ?? null },
  { key: 'kind', label: t('col.kind'), value: (l) => l.kind, render: (l) => kindText(l.kind) },
]

export function MasterData() {
  const slug = singleSite(site.value)
  const master = useSiteDoc(slug)
  const [labels, setLabels] = useState<{ what: 'items' | 'locations'; symbology: 'code128' | 'qrcode' } | null>(null)
  if (!slug) return <p class="desk-error">{t('md.pickSite')}</p>
  const items = Object.values(master.doc?.items ?? {}).sort((a, b) => a.sku.localeCompare(b.sku))
  const locations = Object.values(master.doc?.locations ?? {}).sort((a, b) => a.code.localeCompare(b.code))
  const labelSpecs = labels?.what === 'items' ? items.map((i) => ({ code: i.barcodes[0] ?? i.sku, title: `${i.sku} ${i.name}` })) : locations.map((l) => ({ code: l.code, title: l.name ?? kindText(l.kind) }))
  return (
    <>
      <ErrorNote error={master.error && t('planning.masterError', { error: master.error })} />
      {canAct(me.value, slug) && (
        <Panel id="import" title={t('md.import')}>
          <ImportPanel slug={slug} />
        </Panel>
      )}
      <Panel
        id="items"
        title={t('md.items', { count: items.length })}
        actions={
          <>
            <CsvButton path={`/api/sites/${encodeURIComponent(slug)}/export/items.csv`} filename={`items-${slug}.csv`} />
            <button type="button" class="btn small secondary" onClick={() => setLabels({ what: 'items', symbology: 'code128' })}>
              {t('md.itemLabels128')}
            </button>
            <button type="button" class="btn small secondary" onClick={() => setLabels({ what: 'items', symbology: 'qrcode' })}>
              {t('md.itemLabelsQr')}
            </button>
          </>
        }
      >
        <DataTable caption={t('md.itemsCaption')} columns={itemColumns()} rows={items} rowKey={(i) => i.sku} testId="items" />
      </Panel>
      <Panel
        id="locations"
        title={t('md.locations', { count: locations.length })}
        actions={
          <>
            <CsvButton path={`/api/sites/${encodeURIComponent(slug)}/export/locations.csv`} filename={`locations-${slug}.csv`} />
            <button type="button" class="btn small secondary" onClick={() => setLabels({ what: 'locations', symbology: 'code128' })}>
              {t('md.locationLabels128')}
            </button>
            <button type="button" class="btn small secondary" onClick={() => setLabels({ what: 'locations', symbology: 'qrcode' })}>
              {t('md.locationLabelsQr')}
            </button>
          </>
        }
      >
        <DataTable caption={t('md.locationsCaption')} columns={locationColumns()} rows={locations} rowKey={(l) => l.code} testId="locations" />
      </Panel>
      {canAct(me.value, slug) && (
        <Panel id="templates" title={t('md.templates')}>
          <TemplateEditor master={master.doc} handle={master.handle} />
        </Panel>
      )}
      {labels && (
        <Panel
          id="labels"
          title={t(labels.what === 'items' ? 'md.labelsItems' : 'md.labelsLocations')}
          actions={
            <>
              <button type="button" class="btn small" onClick={() => window.print()}>
                {t('md.print')}
              </button>
              <button type="button" class="btn small secondary" onClick={() => setLabels(null)}>
                {t('md.closeLabels')}
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
