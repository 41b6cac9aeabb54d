// Stock on hand per item and location, and replenishment: draft purchase orders by
// supplier that export as CSV or become an expected inbound shipment.
import { useState } from 'preact/hooks'
import { errorText, fetchList, listPath, sendJson, type Page } from '../../desk/api'
import { offerDownload } from '../../desk/csv'
import { fmtDateTime, fmtMoney } from '../../desk/format'
import { draftPoCsv, draftPos, inboundShipment, type DraftPo } from '../../desk/po'
import type { ReplenishmentRow, StockLevelRow } from '../../desk/rows'
import { canAct, me, site, today } from '../../desk/state'
import { DataTable, type Column } from './DataTable'
import { useQuery } from './useQuery'
import { CsvButton, ErrorNote, Loading, Panel } from './ui'
import { useSiteDoc } from './useSiteDoc'
import { t } from '../../i18n'

const stockColumns = (): Column<StockLevelRow>[] => [
  { key: 'site', label: t('col.site'), value: (r) => r.site },
  { key: 'sku', label: t('col.sku'), value: (r) => r.sku },
  { key: 'item_name', label: t('col.item'), value: (r) => r.item_name },
  { key: 'location', label: t('col.location'), value: (r) => r.location },
  { key: 'on_hand', label: t('col.onHand'), numeric: true, value: (r) => r.on_hand },
  { key: 'last_movement_at', label: t('col.lastMovement'), value: (r) => r.last_movement_at, render: (r) => fmtDateTime(r.last_movement_at) },
]

const poColumns = (currency?: string): Column<ReplenishmentRow>[] => [
  { key: 'sku', label: t('col.sku'), value: (r) => r.sku },
  { key: 'name', label: t('col.item'), value: (r) => r.name },
  { key: 'on_hand', label: t('col.onHand'), numeric: true, value: (r) => r.on_hand },
  { key: 'reorder_point', label: t('col.reorderPoint'), numeric: true, value: (r) => r.reorder_point },
  { key: 'max_qty', label: t('col.max'), numeric: true, value: (r) => r.max_qty },
  { key: 'suggested_qty', label: t('col.suggestedQty'), numeric: true, value: (r) => r.suggested_qty },
  { key: 'unit', label: t('col.unit'), value: (r) => r.unit },
  { key: 'value', label: t('col.value'), numeric: true, value: (r) => (r.suggested_qty ?? 0) * r.unit_cost_minor, render: (r) => fmtMoney((r.suggested_qty ?? 0) * r.unit_cost_minor, currency) },
]

export function Stock() {
  const s = site.value
  const levels = useQuery<Page<StockLevelRow>>(`stock|${s}`, () => fetchList<StockLevelRow>('stock-levels', { site: s, limit: 10_000 }))
  const reorder = useQuery<Page<ReplenishmentRow>>(`reorder-all|${s}`, () => fetchList<ReplenishmentRow>('replenishment', { site: s, limit: 10_000 }))
  const pos = draftPos(reorder.data?.rows ?? [])
  const noMax = (reorder.data?.rows ?? []).filter((r) => r.suggested_qty === null)
  return (
    <>
      <Panel
        id="replenishment"
        title={t('stock.below', { count: reorder.data?.total ?? '…' })}
        actions={
          <>
            <button type="button" class="btn small secondary" disabled={!pos.length} onClick={() => offerDownload(`draft-purchase-orders-${today.value}.csv`, draftPoCsv(pos, today.value))}>
              {t('stock.exportPos')}
            </button>
            <CsvButton path={listPath('replenishment', { site: s, limit: 10_000 }, 'csv')} filename="replenishment.csv" label={t('stock.exportList')} />
          </>
        }
      >
        <Loading loading={reorder.loading} />
        <ErrorNote error={reorder.error} onRetry={reorder.reload} />
        {reorder.data && !pos.length && <p class="hint">{t('stock.nothing')}</p>}
        {pos.map((po) => (
          <PoCard key={`${po.site}|${po.supplier}`} po={po} />
        ))}
        {noMax.length > 0 && <p class="hint">{t('stock.noMax', { count: noMax.length, skus: noMax.map((r) => r.sku).join(', ') })}</p>}
      </Panel>
      <Panel id="stock" title={t('stock.onHand')} actions={<CsvButton path={listPath('stock-levels', { site: s, limit: 10_000 }, 'csv')} filename="stock-levels.csv" />}>
        <Loading loading={levels.loading} />
        <ErrorNote error={levels.error} onRetry={levels.reload} />
        <DataTable caption={t('stock.onHandCaption')} columns={stockColumns()} rows={levels.data?.rows ?? []} rowKey={(r) => `${r.site}|${r.location}|${r.sku}`} testId="stock-levels" />
      </Panel>
    </>
  )
}

function PoCard({ po }: { po: DraftPo }) {
  const [state, setState] = useState<{ busy: boolean; error: string | null; created: string | null }>({ busy: false, error: null, created: null })
  const actor = canAct(me.value, po.site)
  const currency = useSiteDoc(po.site).doc?.currency
  const create = async () => {
    setState({ busy: true, error: null, created: null })
    const reference = `PO-${po.site}-${today.value}-${(po.supplier ?? 'none').replace(/\W+/g, '').slice(0, 12)}`
    const expected = new Date(Date.now() + 2 * 86_400_000).toISOString()
    try {
      const r = await sendJson<{ document_id: string }>(`/api/sites/${encodeURIComponent(po.site)}/shipments`, 'POST', inboundShipment(po, reference, expected))
      setState({ busy: false, error: null, created: t('stock.created', { reference, id: r.document_id }) })
    } catch (e) {
      setState({ busy: false, error: errorText(e), created: null })
    }
  }
  const name = po.supplier ?? t('stock.noSupplier')
  return (
    <div class="desk-po" data-testid="draft-po" data-supplier={name}>
      <div class="row">
        <h3 class="grow">
          {t('stock.draftPo', { name })} {po.site !== site.value ? `(${po.site})` : ''}
        </h3>
        {actor && (
          <button type="button" class="btn small" disabled={state.busy} onClick={() => void create()}>
            {t('stock.createShipment')}
          </button>
        )}
      </div>
      <ErrorNote error={state.error} />
      {state.created && (
        <p class="desk-message" role="status">
          {state.created}
        </p>
      )}
      <DataTable caption={t('stock.poCaption', { name })} columns={poColumns(currency)} rows={po.lines} rowKey={(r) => r.sku} testId="po-lines" />
    </div>
  )
}
