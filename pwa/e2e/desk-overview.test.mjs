// The desk overview at 1440×900: every KPI tile shows the hand-computed figure for site
// north and the 7-day range, beside the previous 7 days; a viewer sees the same figures
// with no action buttons, and the server refuses a forged approval by the viewer.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { screenshot } from './harness.mjs'
import { clearOfMidnight, clock, deskSuite, seedKpiFixtures, tileText, waitFlattened } from './desk-fixtures.mjs'

// Every test reads the figures of the fixtures seeded once here, on the seeding day
// (the suite takes well under the 3 minutes kept clear of UTC midnight).
const suite = deskSuite('desk-overview', {
  master: false,
  setup: async (s) => {
    await clearOfMidnight(3 * 60_000)
    s.clock = clock()
    const docs = await seedKpiFixtures(s.manager, s.clock)
    s.sessionA = docs[0]
    await waitFlattened(s.server, docs)
  },
})

/**
 * Hand-computed figures (site north, 7 days ending today; previous = the 7 days before):
 * - Accuracy: session A lines counted 10/10, 8/10, 13/10, 10/10 → 2 of 4 within ±0 = 50.0%;
 *   previous (session B) 10, 10, 9 of 10 → 2 / 3 = 66.7%.
 * - Variance value: (|8−10| + |13−10|) × €1.00 = €5.00; net (−2 + 3) × €1.00 = €1.00;
 *   previous |9−10| × €1.00 = €1.00, net −€1.00 (the site's currency is EUR).
 * - Count completion: A (closed before due) and C (open) due → 1 / 2 = 50.0%;
 *   previous B closed a day after due → 0 / 1 = 0.0%.
 * - Coverage: SKU-1..4 counted of 10 active items = 40.0%; previous SKU-1..3 = 30.0%.
 * - Below reorder point (now): SKU-3 on hand 5 (S0) ≤ 5, SKU-9 0 ≤ 0; SKU-1 has 10 > 5 → 2.
 * - Checklists: 2 runs due, 1 completed on time → 50.0% and 50.0%; 1 overdue open;
 *   failed items: number 7 outside 0..5 of (pass, 7) → 1 / 2 = 50.0%. Previous: 1 run done
 *   on time → 100.0%, 100.0%, 0 overdue; its failed check → 1 / 1 = 100.0%.
 * - Corrective actions: 1 open (high), overdue; none at the end of the previous period.
 * - Shipments: S1 and S2 expected today (yesterday none), S1 arrived, S2 late; previous:
 *   S0 expected and arrived, none late.
 * - Receiving: S1's 2 lines, 1 with damage → 50.0%; damage 2 of 10 + 8 + 2 = 20 units →
 *   10.0%. Previous: S0's 1 line complete → 0.0%; 0 of 5 units → 0.0%.
 * - The count at south (1 of 5) appears nowhere at north.
 */
const EXPECTED = {
  inventory_record_accuracy: { value: '50.0%', detail: '2 / 4', previous: 'Previous period: 66.7% (2 / 3)' },
  variance_value_minor: { value: '€5.00', previous: 'Previous period: €1.00', beside: 'Net adjustment: €1.00 (previous -€1.00)' },
  count_completion: { value: '50.0%', detail: '1 / 2', previous: 'Previous period: 0.0% (0 / 1)' },
  count_coverage: { value: '40.0%', detail: '4 / 10', previous: 'Previous period: 30.0% (3 / 10)' },
  below_reorder_point: { value: '2', previous: 'Current state (no previous period)' },
  checklist_completion: { value: '50.0%', detail: '1 / 2', previous: 'Previous period: 100.0% (1 / 1)' },
  checklist_on_time: { value: '50.0%', detail: '1 / 2', previous: 'Previous period: 100.0% (1 / 1)' },
  overdue_open_runs: { value: '1', previous: 'Previous period: 0' },
  failed_item_rate: { value: '50.0%', detail: '1 / 2', previous: 'Previous period: 100.0% (1 / 1)' },
  open_corrective_actions: { value: '1', previous: 'Previous period: 0', groups: 'high 1' },
  overdue_corrective_actions: { value: '1', previous: 'Previous period: 0', groups: 'high 1' },
  shipments_expected_today: { value: '2', previous: 'Previous period: 0', groups: 'inbound 2 · outbound 0' },
  shipments_expected: { value: '2', previous: 'Previous period: 1', groups: 'inbound 2 · outbound 0' },
  shipments_arrived: { value: '1', previous: 'Previous period: 1', groups: 'inbound 1 · outbound 0' },
  shipments_late: { value: '1', previous: 'Previous period: 0', groups: 'inbound 1 · outbound 0' },
  receiving_discrepancy_rate: { value: '50.0%', detail: '1 / 2', previous: 'Previous period: 0.0% (0 / 1)' },
  damage_rate: { value: '10.0%', detail: '2 / 20', previous: 'Previous period: 0.0% (0 / 5)' },
}

const sevenDays = () => ({ from: new Date(suite.clock.todayStart - 6 * 86_400_000).toISOString().slice(0, 10), to: suite.clock.today })

/**
 * Chooses north and the last 7 days, then waits until every figure on screen is for that
 * choice. The figures of the previous choice (all sites, 7 days: accuracy 2 / 5 with the
 * south count) stay on screen while north's load, so waiting for the range alone, or for a
 * tile value both choices share, read them now and then.
 */
async function chooseNorthSevenDays(page) {
  await page.locator('select[name=site]').selectOption('north')
  await page.getByRole('group', { name: 'Date range' }).getByRole('button', { name: '7 days', exact: true }).click()
  await waitForScope(page, 'north')
}

async function waitForScope(page, site) {
  const { from, to } = sevenDays()
  await page.locator(`[data-testid=periods][data-from="${from}"][data-to="${to}"]`).waitFor()
  await page.locator(`.desk-tiles[data-scope="${site}|${from}|${to}"]`).waitFor({ timeout: 15_000 })
}

async function readTiles(page) {
  const out = {}
  for (const [kpi, want] of Object.entries(EXPECTED)) {
    out[kpi] = {}
    for (const part of Object.keys(want)) out[kpi][part] = await tileText(page, kpi, part)
  }
  return out
}

async function assertTiles(page) {
  // The figures load asynchronously: wait for the last tile, then compare all at once.
  await page.getByTestId('kpi-damage_rate').getByTestId('value').filter({ hasText: EXPECTED.damage_rate.value }).waitFor({ timeout: 15_000 })
  await page.getByTestId('kpi-below_reorder_point').getByTestId('value').filter({ hasText: '2' }).waitFor({ timeout: 15_000 })
  assert.deepEqual(await readTiles(page), EXPECTED)
}

test('every KPI tile shows the hand-computed value and previous period, with a trend', async () => {
  const { page, context, errors } = await suite.openDesk(suite.users.manager)
  try {
    await chooseNorthSevenDays(page)
    await assertTiles(page)
    // A trend chart per period KPI, drawn by uPlot over 7 daily points.
    await page.getByTestId('kpi-inventory_record_accuracy').locator('.desk-trend canvas').waitFor({ timeout: 15_000 })
    assert.equal(await page.getByTestId('kpi-inventory_record_accuracy').locator('.desk-trend').getAttribute('data-points'), '7')
    assert.match((await page.getByTestId('updated-ago').textContent()) ?? '', /updated \d+ s ago/)
    await screenshot(page, 'desk-overview')
    // The KPI export carries the same filters: site north, the 7 days, ISO dates, plain numbers.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export KPIs (CSV)' }).click()])
    const csv = readFileSync(await download.path(), 'utf8').split(/\r?\n/)
    assert.equal(csv[0], 'kpi,site,group,from,to,value,numerator,denominator,previous_from,previous_to,previous_value,previous_numerator,previous_denominator,change')
    const accuracy = csv.find((l) => l.startsWith('inventory_record_accuracy,'))?.split(',')
    assert.deepEqual(accuracy?.slice(3, 8), [sevenDays().from, sevenDays().to, '0.5', '2', '4'])
    // Clicking a tile opens the rows behind it: session A's 4 lines and B's 3 (SKU-5 uncounted has no date).
    await page.getByTestId('kpi-inventory_record_accuracy').getByRole('button', { name: /Show the rows/ }).click()
    await page.getByTestId('rows-total').filter({ hasText: '4 rows' }).waitFor()
    assert.equal(await page.getByTestId('rows-table').locator('tbody tr').count(), 4)
    await screenshot(page, 'desk-rows')
    // Counts view lists the sessions by status; the session review shows its lines.
    await page.getByRole('link', { name: 'Counts' }).click()
    await page.getByTestId('sessions-closed').getByRole('link', { name: 'Session A' }).waitFor()
    await screenshot(page, 'desk-counts')
    await page.getByTestId('sessions-closed').getByRole('link', { name: 'Session A' }).click()
    await page.getByTestId('count-lines').locator('tbody tr').nth(3).waitFor()
    const line2 = page.getByTestId('count-lines').locator('tr[data-key="A-01-01|SKU-2"]')
    assert.match((await line2.textContent()) ?? '', /-2/)
    await screenshot(page, 'desk-count-review')
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})

test('a viewer sees the same figures, no action buttons, and a forged approve gets 403', async () => {
  const { page, context, errors } = await suite.openDesk(suite.users.viewer)
  try {
    await waitForScope(page, 'north') // north is the viewer's only site
    await assertTiles(page)
    await page.goto(`/desk/counts/${suite.sessionA.documentId}`)
    await page.getByTestId('count-lines').locator('tbody tr').nth(3).waitFor()
    for (const name of [/^Approve/, /Recount/, /^Resolve/, 'Move to review', 'Close session', /Approve session/]) {
      assert.equal(await page.getByRole('button', { name }).count(), 0, `viewer sees a ${name} button`)
    }
    assert.equal(await page.locator('input[name=tolerance]').count(), 0)
    await page.goto('/desk/stock')
    await page.getByTestId('draft-po').first().waitFor()
    assert.equal(await page.getByRole('button', { name: 'Create expected inbound shipment' }).count(), 0)
    await screenshot(page, 'desk-viewer-stock')
    const tokens = await suite.server.login(suite.users.viewer)
    const res = await suite.server.api(`/api/documents/${suite.sessionA.documentId}/actions`, { method: 'POST', token: tokens.access_token, body: { action: 'approve_line', line: 'A-01-01|SKU-2' } })
    assert.equal(res.status, 403, `forged approve answered ${res.status}: ${await res.text()}`)
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})

test('screenshots of every desk view at 1440×900', async () => {
  const { page, context, errors } = await suite.openDesk(suite.users.admin)
  try {
    await page.locator('select[name=site]').selectOption('north')
    const views = [
      ['Checklists', 'desk-checklists', () => page.getByTestId('corrective-actions').locator('tbody tr.overdue').first().waitFor()],
      ['Shipments', 'desk-shipments', () => page.getByTestId('shipments').getByRole('button', { name: 'PO-S1' }).waitFor()],
      ['Stock', 'desk-stock', () => page.getByTestId('draft-po').first().waitFor()],
      ['Planning', 'desk-planning', () => page.getByRole('button', { name: 'Plan count session' }).waitFor()],
      ['Master data', 'desk-master-data', () => page.getByTestId('items').locator('tbody tr').nth(9).waitFor()],
      ['Policy violations', 'desk-violations-overview', () => page.getByTestId('violations').waitFor()],
      ['Audit', 'desk-audit', () => page.getByRole('button', { name: 'Show history' }).waitFor()],
    ]
    for (const [link, name, ready] of views) {
      await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: link, exact: true }).click()
      await ready()
      await screenshot(page, name)
    }
    // Shipment detail: S1's lines with the damaged units.
    await page.getByRole('link', { name: 'Shipments', exact: true }).click()
    await page.getByTestId('shipments').getByRole('button', { name: 'PO-S1' }).click()
    await page.getByTestId('shipment-lines').locator('tbody tr').nth(1).waitFor()
    assert.match((await page.getByTestId('shipment-lines').textContent()) ?? '', /SKU-2/)
    // Its status timeline from the document: expected, then arrived, by whom.
    await page.getByTestId('shipment-timeline').filter({ hasText: /arrived: .* by Maria Manager/ }).waitFor({ timeout: 10_000 })
    assert.match((await page.getByTestId('shipment-detail').textContent()) ?? '', /SKU-2: 8 good, 2 damaged/)
    // Labels: Code 128 for the locations, drawn by bwip-js.
    await page.getByRole('link', { name: 'Master data', exact: true }).click()
    await page.getByRole('button', { name: 'Location labels (Code 128)' }).click()
    await page.getByTestId('labels').locator('img').nth(2).waitFor()
    await screenshot(page, 'desk-labels')
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})

test('usable on a tablet: the overview and a count review at 1024×768', async () => {
  const { page, context, errors } = await suite.openDesk(suite.users.manager)
  try {
    await page.setViewportSize({ width: 1024, height: 768 })
    await chooseNorthSevenDays(page)
    await assertTiles(page)
    // Nothing wider than the screen: the layout reflows instead of scrolling sideways.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll')
    await screenshot(page, 'desk-tablet-overview')
    await page.goto(`/desk/counts/${suite.sessionA.documentId}`)
    await page.getByTestId('count-lines').locator('tbody tr').nth(3).waitFor()
    await screenshot(page, 'desk-tablet-count-review')
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})
