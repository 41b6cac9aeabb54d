// Review loop: the manager approves a variance and resolves a conflict in the desk; the
// stock level changes in SQL, and a connected phone's copy of the document shows both.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { screenshot } from './harness.mjs'
import { clock, deskSuite, waitFlattened, waitFor, waitServerRows, writeCount, writeShipment } from './desk-fixtures.mjs'

const suite = deskSuite('desk-review')

const onHand = (server, sku) => server.sql(`SELECT COALESCE(SUM(on_hand), 0) AS n FROM stock_levels l JOIN sites s ON s.id = l.site_id WHERE s.slug = 'north' AND l.sku = '${sku}'`)[0].n

test('approve a variance and resolve a conflict from the desk', async () => {
  const c = clock()
  // Stock first: 10 of SKU-1 and 10 of SKU-2 received into A-01-01.
  const receipt = await writeShipment(suite.manager, 'north', {
    reference: 'PO-R1',
    expectedAt: c.cur(0.1),
    arrivedAt: c.cur(0.15),
    lines: [
      { sku: 'SKU-1', qty: 10 },
      { sku: 'SKU-2', qty: 10 },
    ],
    received: [
      { sku: 'SKU-1', qty: 10 },
      { sku: 'SKU-2', qty: 10 },
    ],
  })
  // SKU-1 counted 7 (variance −3); SKU-2 counted 12 and 11 in the same pass on two
  // devices of the staff member (two logins, so two server-issued device ids): a conflict.
  const [phoneA, phoneB] = [await suite.connect(suite.users.staff), await suite.connect(suite.users.staff)]
  const session = await writeCount(suite.manager, 'north', {
    title: 'Review loop',
    lines: { 'A-01-01|SKU-1': 10, 'A-01-01|SKU-2': 10 },
    entries: [
      { key: 'A-01-01|SKU-1', qty: 7, at: c.cur(0.3) },
      { key: 'A-01-01|SKU-2', qty: 12, at: c.cur(0.3), counter: phoneA },
      { key: 'A-01-01|SKU-2', qty: 11, at: c.cur(0.31), counter: phoneB },
    ],
    dueAt: new Date(Date.now() + 3600_000).toISOString(),
  })
  await waitFlattened(suite.server, [receipt, session])
  await waitFor(() => onHand(suite.server, 'SKU-1') === 10 && onHand(suite.server, 'SKU-2') === 10, { what: 'the receipt in stock' })

  // A phone with the session open, as the counter's would be.
  const phoneCopy = await phoneA.repo.find(session.url)

  const { page, context, errors } = await suite.openDesk(suite.users.manager, `/desk/counts/${session.documentId}`)
  try {
    const lines = page.getByTestId('count-lines')
    const sku1 = lines.locator('tr[data-key="A-01-01|SKU-1"]')
    const sku2 = lines.locator('tr[data-key="A-01-01|SKU-2"]')
    await sku2.filter({ hasText: 'conflict' }).waitFor({ timeout: 15_000 })
    assert.match((await sku1.textContent()) ?? '', /-3/)
    // Every entry shows who, on which device.
    assert.match((await sku2.textContent()) ?? '', new RegExp(`12 by .* on ${phoneA.deviceId}`))
    assert.match((await sku2.textContent()) ?? '', new RegExp(`11 by .* on ${phoneB.deviceId}`))
    // A conflicted line cannot be approved blindly.
    assert.equal(await sku2.getByRole('button', { name: /^Approve/ }).count(), 0)
    await screenshot(page, 'desk-review-before')

    // Keyboard: j selects the first line (SKU-1), a approves it.
    await page.locator('h1').click()
    await page.keyboard.press('j')
    await sku1.and(page.locator('.selected')).waitFor()
    await page.keyboard.press('a')
    await page.getByTestId('action-message').filter({ hasText: 'Approved A-01-01|SKU-1 at 7' }).waitFor()
    await sku1.filter({ hasText: 'approved 7' }).waitFor({ timeout: 10_000 })

    // Resolve the conflict at 11 with a reason.
    await sku2.getByRole('button', { name: /Resolve conflict/ }).click()
    await page.locator('input[name=resolve-qty][value="11"]').check()
    await page.locator('select[name=resolve-reason]').selectOption('found')
    await page.locator('input[name=resolve-note]').fill('second count agreed by the supervisor')
    await page.getByRole('button', { name: 'Resolve at 11' }).click()
    await page.getByTestId('action-message').filter({ hasText: 'resolved at 11' }).waitFor()
    await sku2.filter({ hasText: 'approved 11' }).waitFor({ timeout: 10_000 })
    await screenshot(page, 'desk-review-after')

    // Stock in SQL: SKU-1 10 − 3 = 7; SKU-2 10 + 1 = 11.
    await waitServerRows(suite.server, "SELECT 1", () => onHand(suite.server, 'SKU-1') === 7 && onHand(suite.server, 'SKU-2') === 11, 'stock levels 7 and 11')
    // The phone's copy shows the approval and the resolution.
    await waitFor(
      () => {
        const d = phoneCopy.doc()
        return d?.lines?.['A-01-01|SKU-1']?.approval?.qty === 7 && d?.lines?.['A-01-01|SKU-2']?.approval?.qty === 11
      },
      { timeout: 10_000, what: "the phone's copy to show the approval and the resolution" },
    )
    const d = JSON.parse(JSON.stringify(phoneCopy.doc()))
    assert.equal(d.lines['A-01-01|SKU-2'].reason, 'found')
    assert.equal(d.lines['A-01-01|SKU-1'].approval.by, suite.manager.userId)
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})

test('bulk approve within a tolerance approves only the lines inside it', async () => {
  const c = clock()
  // Variances: SKU-3 +1, SKU-4 −2, SKU-5 +5 → tolerance 2 approves SKU-3 and SKU-4 only.
  const session = await writeCount(suite.manager, 'north', {
    title: 'Bulk',
    lines: { 'A-01-02|SKU-3': 10, 'A-01-02|SKU-4': 10, 'A-01-02|SKU-5': 10 },
    entries: [
      { key: 'A-01-02|SKU-3', qty: 11, at: c.cur(0.4) },
      { key: 'A-01-02|SKU-4', qty: 8, at: c.cur(0.4) },
      { key: 'A-01-02|SKU-5', qty: 15, at: c.cur(0.4) },
    ],
    dueAt: new Date(Date.now() + 3600_000).toISOString(),
  })
  await waitFlattened(suite.server, [session])
  const { page, context } = await suite.openDesk(suite.users.manager, `/desk/counts/${session.documentId}`)
  try {
    const lines = page.getByTestId('count-lines')
    await lines.locator('tr[data-key="A-01-02|SKU-5"]').filter({ hasText: 'counted' }).waitFor({ timeout: 15_000 })
    await page.locator('input[name=tolerance]').fill('2')
    await page.getByRole('button', { name: 'Approve session within tolerance' }).click()
    await page.getByTestId('action-message').filter({ hasText: 'Approved 2 lines within ±2; skipped 1' }).waitFor()
    await lines.locator('tr[data-key="A-01-02|SKU-4"]').filter({ hasText: 'approved 8' }).waitFor({ timeout: 10_000 })
    assert.match((await lines.locator('tr[data-key="A-01-02|SKU-5"]').textContent()) ?? '', /counted/)
  } finally {
    await context.close()
  }
})
