// CSV import of items: a file with two bad rows gets a report naming both rows and why
// (nothing imported); a valid file imports and the items appear in the site document.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFromServer, screenshot } from './harness.mjs'
import { deskSuite } from './desk-fixtures.mjs'

const suite = deskSuite('desk-import', { manager: false, master: false })

const HEADER = 'sku,name,barcodes,unit,unit_cost_minor,min,reorder_point,max,supplier'

async function upload(page, name, text, mode) {
  await page.locator('select[name=import-kind]').selectOption('items')
  await page.locator('select[name=import-mode]').selectOption(mode)
  await page.locator('input[name=import-file]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) })
  await page.getByRole('button', { name: 'Import', exact: true }).click()
}

test('two bad rows are reported; a valid file imports into the site document', async () => {
  const { page, context, errors } = await suite.openDesk(suite.users.manager, '/desk/master-data')
  try {
    await page.locator('select[name=site]').selectOption('north')
    // Data rows 2 and 4 (file lines 3 and 5) are bad: a cost that is not a number, no SKU.
    const bad = [HEADER, 'IMP-1,Pallet wrap,4006381333931,each,1299,1,2,10,Acme', 'IMP-2,Tape,,each,abc,,,,', 'IMP-3,Gloves,,pair,450,,,,', ',No sku,,each,100,,,,', ''].join('\n')
    await upload(page, 'bad.csv', bad, 'all_or_nothing')
    const report = page.getByTestId('import-report')
    await report.waitFor({ timeout: 10_000 })
    assert.match((await report.textContent()) ?? '', /Nothing imported: 2 rows have errors/)
    // Rows as a spreadsheet numbers them (header = row 1): rows 3 and 5, each with its column and reason.
    const cells = await report.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())))
    assert.deepEqual([...new Set(cells.map((c) => c[0]))], ['3', '5'])
    assert.ok(cells.some((c) => c[0] === '3' && c[1] === 'unit_cost_minor' && c[2].length > 3), JSON.stringify(cells))
    assert.ok(cells.some((c) => c[0] === '5' && c[1] === 'sku' && c[2].length > 3), JSON.stringify(cells))
    await screenshot(page, 'desk-import-report')

    // Nothing of the bad file was imported.
    const north = suite.server.sql("SELECT COUNT(*) AS n FROM items i JOIN sites s ON s.id = i.site_id WHERE s.slug = 'north'")[0].n
    assert.equal(north, 0)

    const good = [HEADER, 'IMP-1,Pallet wrap,4006381333931,each,1299,1,2,10,Acme', 'IMP-3,Gloves,,pair,450,,,,', ''].join('\n')
    await upload(page, 'good.csv', good, 'all_or_nothing')
    await report.filter({ hasText: 'Imported 2 rows' }).waitFor({ timeout: 10_000 })
    await page.getByTestId('items').locator('tbody tr').filter({ hasText: 'IMP-3' }).waitFor({ timeout: 10_000 })

    const me = await (await suite.server.api('/api/me', { token: (await suite.server.login(suite.users.staff)).access_token })).json()
    const url = me.sites.find((s) => s.slug === 'north').site_document_url
    const doc = await readFromServer(suite.server, suite.users.staff, url, (d) => Object.values(d.items ?? {}).length === 2)
    const items = Object.values(doc.items).sort((a, b) => a.sku.localeCompare(b.sku))
    assert.deepEqual(
      items.map((i) => [i.sku, i.name, i.unit, i.unit_cost_minor]),
      [
        ['IMP-1', 'Pallet wrap', 'each', 1299],
        ['IMP-3', 'Gloves', 'pair', 450],
      ],
    )
    assert.equal(items[0].reorder_point, 2)
    assert.equal(items[0].max_qty, 10)
    assert.equal(items[0].supplier, 'Acme')
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})
