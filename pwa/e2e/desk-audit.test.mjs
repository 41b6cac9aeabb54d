// Audit trail: a count session's history shows who changed what, from which device,
// when it was made and when it reached the server, before and after; filter by user.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { screenshot } from './harness.mjs'
import { addEntry, clock, deskSuite, waitFlattened, writeCount } from './desk-fixtures.mjs'

const suite = deskSuite('desk-audit')

test("a document's history with provenance, filtered by user, seen by a viewer", async () => {
  const c = clock()
  const session = await writeCount(suite.manager, 'north', { title: 'Audited count', lines: { 'A-01-01|SKU-1': 10 }, dueAt: c.cur(0.9) })
  const phone = await suite.connect(suite.users.staff)
  const handle = await phone.repo.find(session.url)
  await addEntry(phone, handle, { key: 'A-01-01|SKU-1', qty: 9 })
  await waitFlattened(suite.server, [session])
  // The viewer (auditor) reads the trail too.
  const { page, context, errors } = await suite.openDesk(suite.users.viewer, '/desk/audit')
  try {
    await page.locator('select[name=audit-doc]').selectOption({ label: 'Count: Audited count (north)' })
    await page.getByRole('button', { name: 'Show history' }).click()
    const rows = page.getByTestId('history').locator('tbody tr')
    await rows.filter({ hasText: 'staff@north.test' }).first().waitFor({ timeout: 15_000 })
    const text = (await page.getByTestId('history').textContent()) ?? ''
    assert.match(text, /manager@north\.test/)
    // The staff's change: delivered from the staff's device, the entry with qty 9 inserted.
    const staffRow = rows.filter({ hasText: 'staff@north.test' }).first()
    assert.match((await staffRow.textContent()) ?? '', new RegExp(phone.deviceId))
    assert.match(text, /entries/)
    assert.match(text, /"qty":9|qty.*9/)
    await screenshot(page, 'desk-audit-history')
    // Only the staff's changes.
    await page.locator('select[name=audit-user]').selectOption({ label: 'staff@north.test' })
    await page.getByTestId('history').filter({ hasNotText: 'manager@north.test' }).waitFor({ timeout: 10_000 })
    assert.match((await page.getByTestId('history').textContent()) ?? '', /staff@north\.test/)
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})
