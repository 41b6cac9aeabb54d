// Planning: the manager plans a count session (aisle subtree, blind, assignee, due) and
// a weekly checklist schedule; both reach the assignee's work list, the count with the
// expected quantities snapshotted from stock.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFromServer, screenshot } from './harness.mjs'
import { clock, deskSuite, waitFlattened, waitFor, writeShipment } from './desk-fixtures.mjs'

// North has a checklist template and stock: 5 of SKU-1 and 3 of SKU-2 in A-01-01.
const suite = deskSuite('desk-planning', {
  setup: async ({ manager, site, server }) => {
    site.change((d) => {
      d.checklist_templates[crypto.randomUUID()] = {
        name: 'Dock safety walk',
        versions: [{ version: 1, published_at: new Date().toISOString(), items: [{ id: crypto.randomUUID(), label: 'Dock doors close fully', kind: 'check', required: true }] }],
      }
    })
    await manager.waitSynced(site)
    const c = clock()
    const receipt = await writeShipment(manager, 'north', {
      reference: 'PO-P1',
      expectedAt: c.cur(0.1),
      arrivedAt: c.cur(0.1),
      lines: [
        { sku: 'SKU-1', qty: 5 },
        { sku: 'SKU-2', qty: 3 },
      ],
      received: [
        { sku: 'SKU-1', qty: 5 },
        { sku: 'SKU-2', qty: 3 },
      ],
    })
    await waitFlattened(server, [receipt])
  },
})

async function workOf(user) {
  const token = (await suite.server.login(user)).access_token
  return (await (await suite.server.api('/api/sites/north/work', { token })).json()).documents
}

test('a planned count and a checklist schedule reach the assignee', async () => {
  const { page, context, errors } = await suite.openDesk(suite.users.manager, '/desk/planning')
  try {
    await page.locator('select[name=site]').selectOption('north')
    const staff = await suite.connect(suite.users.staff)
    const staffId = staff.userId
    await staff.close()
    await page.locator('select[name=count-assignees] option', { hasText: 'Sam Staff' }).waitFor({ state: 'attached', timeout: 15_000 })
    await page.locator('select[name=count-locations] option[value="A-01"]').waitFor({ state: 'attached' })
    await page.locator('input[name=count-title]').fill('Aisle A-01 cycle count')
    await page.locator('select[name=count-locations]').selectOption(['A-01'])
    await page.locator('select[name=count-assignees]').selectOption([staffId])
    await page.locator('input[name=count-due]').fill('2030-01-10T08:00')
    await screenshot(page, 'desk-planning-form')
    await page.getByRole('button', { name: 'Plan count session' }).click()
    const planned = page.getByTestId('plan-message').filter({ hasText: 'Aisle A-01 cycle count' })
    await planned.waitFor({ timeout: 15_000 })
    const id = /\(([A-Za-z0-9]+)\)/.exec((await planned.textContent()) ?? '')?.[1]
    assert.ok(id, 'the message names the new document')
    const doc = await readFromServer(suite.server, suite.users.staff, `automerge:${id}`)
    assert.equal(doc.title, 'Aisle A-01 cycle count')
    assert.equal(doc.blind, true)
    assert.deepEqual(doc.assignees, [staffId])
    assert.equal(new Date(doc.due_at).getTime(), new Date('2030-01-10T08:00').getTime())
    // Expected quantities are the stock on hand when planned.
    assert.equal(doc.lines['A-01-01|SKU-1']?.expected_qty, 5)
    assert.equal(doc.lines['A-01-01|SKU-2']?.expected_qty, 3)
    await waitFor(async () => (await workOf(suite.users.staff)).some((d) => d.title === 'Aisle A-01 cycle count'), { timeout: 10_000, what: "the count on the staff's work list" })

    // A weekly checklist for Sam Staff, first due on a set day.
    await page.locator('select[name=schedule-template]').selectOption({ label: 'Dock safety walk' })
    await page.locator('select[name=schedule-recurrence]').selectOption('weekly')
    await page.locator('select[name=schedule-assignee]').selectOption(staffId)
    await page.locator('input[name=schedule-first]').fill('2030-01-11T07:00')
    await page.getByRole('button', { name: 'Schedule checklist' }).click()
    await page.getByTestId('plan-message').filter({ hasText: 'Checklist scheduled weekly' }).waitFor({ timeout: 15_000 })
    await page.locator('#plan-schedule-h').waitFor()
    await waitFor(async () => (await workOf(suite.users.staff)).some((d) => d.type === 'checklist_run'), { timeout: 15_000, what: "the first run on the staff's work list" })
    await page.getByRole('table', { name: 'Schedules' }).locator('tbody tr').filter({ hasText: 'weekly' }).waitFor({ timeout: 10_000 })
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})
