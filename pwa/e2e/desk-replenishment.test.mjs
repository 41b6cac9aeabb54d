// Replenishment: after a shipment and an approved count take SKU-1 below its reorder
// point, it appears with max − on hand; the draft PO CSV has the expected rows; a draft
// PO becomes an expected inbound shipment.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { screenshot } from './harness.mjs'
import { clock, deskSuite, waitFlattened, waitFor, writeCount, writeShipment } from './desk-fixtures.mjs'

const suite = deskSuite('desk-replenishment')

const reorderSkus = (server) => server.sql("SELECT i.sku FROM items i JOIN sites s ON s.id = i.site_id WHERE s.slug = 'north' AND i.reorder_point IS NOT NULL ORDER BY i.sku").map((r) => r.sku)

test('an item taken below its reorder point is suggested, exported and ordered', async () => {
  const c = clock()
  // Receive 8 of SKU-1 (reorder point 5, max 20): on hand 8 > 5, not suggested.
  const receipt = await writeShipment(suite.manager, 'north', { reference: 'PO-IN', expectedAt: c.cur(0.1), arrivedAt: c.cur(0.12), lines: [{ sku: 'SKU-1', qty: 8 }], received: [{ sku: 'SKU-1', qty: 8 }] })
  await waitFlattened(suite.server, [receipt])
  assert.deepEqual(reorderSkus(suite.server), ['SKU-1', 'SKU-3', 'SKU-9'])
  const { page, context, errors } = await suite.openDesk(suite.users.manager, '/desk/stock')
  try {
    await page.locator('select[name=site]').selectOption('north')
    const acme = page.getByTestId('draft-po').filter({ has: page.getByRole('heading', { name: /Draft PO: Acme/ }) })
    // SKU-3 (0 on hand, max 20) is already due; SKU-1 is not.
    await acme.locator('tbody tr').filter({ hasText: 'SKU-3' }).waitFor({ timeout: 15_000 })
    assert.equal(await acme.locator('tbody tr').filter({ hasText: 'SKU-1' }).count(), 0)

    // A count finds 3 of SKU-1 where 8 were expected; the manager approves: on hand 8 − 5 = 3 ≤ 5.
    const session = await writeCount(suite.manager, 'north', { title: 'Spot check', lines: { 'A-01-01|SKU-1': 8 }, entries: [{ key: 'A-01-01|SKU-1', qty: 3, at: c.cur(0.5) }], dueAt: new Date(Date.now() + 3600_000).toISOString() })
    await waitFlattened(suite.server, [session])
    const res = await suite.server.api(`/api/documents/${session.documentId}/actions`, { method: 'POST', token: suite.manager.tokens.access_token, body: { action: 'approve_line', line: 'A-01-01|SKU-1' } })
    assert.equal(res.status, 200, await res.text())

    // Live: SKU-1 appears with the suggested 20 − 3 = 17, no reload.
    const sku1 = acme.locator('tbody tr').filter({ hasText: 'SKU-1' })
    await sku1.waitFor({ timeout: 10_000 })
    const cells = await sku1.locator('td').allTextContents()
    // SKU, item, on hand, reorder point, max, suggested, unit, value
    assert.deepEqual(cells.slice(0, 7), ['SKU-1', 'Item 1', '3', '5', '20', '17', 'each'])
    await screenshot(page, 'desk-replenishment')

    // Draft PO CSV: Acme (SKU-1 17, SKU-3 20), then no supplier (SKU-9 6 − 0 = 6); ISO date, minor units.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export draft POs (CSV)' }).click()])
    const csv = readFileSync(await download.path(), 'utf8')
    assert.equal(
      csv,
      [
        'site,supplier,sku,name,unit,on_hand,reorder_point,max_qty,suggested_qty,unit_cost_minor,line_value_minor,created_on',
        `north,Acme,SKU-1,Item 1,each,3,5,20,17,100,1700,${c.today}`,
        `north,Acme,SKU-3,Item 3,each,0,5,20,20,100,2000,${c.today}`,
        `north,,SKU-9,Item 9,each,0,0,6,6,100,600,${c.today}`,
        '',
      ].join('\r\n'),
    )

    // The Acme draft PO becomes an expected inbound shipment the phones receive against.
    await acme.getByRole('button', { name: 'Create expected inbound shipment' }).click()
    await acme.getByRole('status').filter({ hasText: 'Expected inbound shipment' }).waitFor({ timeout: 10_000 })
    const rows = await waitFor(
      () => {
        const r = suite.server.sql("SELECT l.sku, l.expected_qty FROM shipment_lines l JOIN shipments h ON h.document_id = l.document_id WHERE h.direction = 'inbound' AND h.reference LIKE 'PO-north-%' ORDER BY l.sku")
        return r.length === 2 ? r : false
      },
      { timeout: 10_000, what: 'the expected inbound shipment in SQL' },
    )
    assert.deepEqual(rows, [
      { sku: 'SKU-1', expected_qty: 17 },
      { sku: 'SKU-3', expected_qty: 20 },
    ])
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})
