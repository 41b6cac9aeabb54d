// A staff member's edit that breaks the write policy (made on their other device with the
// official automerge-repo client) is undone by the server, and the phone that has the
// document open says so, plainly and accessibly, until it is dismissed (and stays
// dismissed after a reload). Notices for other users are not shown; controls staff may
// not use (shipment steps after received) are not offered.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { deskSuite } from './desk-fixtures.mjs'
import { goHome, openWork } from './flows.mjs'
import { loginInBrowser, newPhone, planCount, planShipment, screenshot, seedSite, waitFor } from './harness.mjs'

const LINE = 'A-01-01|SKU-1'

const suite = deskSuite('policy-notices', {
  master: false,
  setup: async (s) => {
    s.seed = await seedSite(s.manager, 'north')
    s.otherDevice = await s.connect(s.users.staff)
    s.countUrl = await planCount(s.manager, 'north', [s.otherDevice.userId], 'Notice count')
    s.shipmentUrl = await planShipment(s.manager, 'north')
  },
})

/** A change made on the staff member's other device, once it has the document. */
async function onOtherDevice(url, fn) {
  const handle = await suite.otherDevice.repo.find(url)
  handle.change(fn)
  await suite.otherDevice.waitSynced(handle)
  return handle
}

test('an undone edit is shown on the phone until dismissed; other people’s notices are not', async () => {
  const { context, page, errors } = await newPhone(suite.browser, suite.server)
  try {
    await loginInBrowser(page, suite.users.staff)
    await openWork(page, 'work-count_session', 'Notice count')
    await page.locator(`[data-testid=line][data-key="${LINE}"]`).waitFor()
    assert.equal(await page.getByTestId('policy-notice').count(), 0, 'no notice before any refused edit')

    // Staff approve a line on their other device: only a manager may.
    const staff = suite.otherDevice
    const handle = await onOtherDevice(suite.countUrl, (d) => {
      d.lines[LINE].approval = { qty: 999, by: staff.userId, at: new Date().toISOString(), device: staff.deviceId }
    })
    const approval = page.getByTestId('policy-notice').filter({ hasText: `Your change to line ${LINE} was undone: only a manager can approve counts` })
    await approval.waitFor({ timeout: 15_000 })
    const alert = page.getByRole('alert', { name: 'Edits the server undid' })
    assert.equal(await alert.count(), 1, 'the notices are one alert region')
    assert.match((await alert.textContent()) ?? '', /Ask a manager if it needs changing/)
    // The undone approval is nowhere: not on the phone, not on the other device.
    assert.equal(await page.locator(`[data-testid=line][data-key="${LINE}"]`).getAttribute('data-status'), 'todo')
    await waitFor(() => !handle.doc().lines[LINE].approval, { what: 'the approval undone on the other device' })
    await screenshot(page, '20-policy-notice')

    // Dismissed, it stays dismissed on this device, also after a reload.
    await page.getByRole('button', { name: `Dismiss the notice about line ${LINE}` }).click()
    await waitFor(async () => (await page.getByTestId('policy-notice').count()) === 0, { what: 'the notice to go' })
    await page.reload()
    await page.locator(`[data-testid=line][data-key="${LINE}"]`).waitFor({ timeout: 20_000 })
    await new Promise((r) => setTimeout(r, 1000))
    assert.equal(await page.getByTestId('policy-notice').count(), 0, 'a dismissed notice does not come back')

    // A manager's record naming the staff member is undone too, but that notice is the
    // manager's: the staff phone does not show it.
    const forged = crypto.randomUUID()
    const manager = suite.manager
    const managed = await manager.repo.find(suite.countUrl)
    managed.change((d) => {
      d.entries.push({ id: forged, location: 'A-01-01', sku: 'SKU-2', qty: 3, count_index: 1, by: staff.userId, at: new Date().toISOString(), device: staff.deviceId })
    })
    await waitFor(() => managed.doc().policy_notices?.some((n) => n.user === manager.userId), { timeout: 15_000, what: "the manager's notice" })
    // A second refused edit of the staff member: closing the count.
    await onOtherDevice(suite.countUrl, (d) => {
      d.timeline.push({ id: crypto.randomUUID(), status: 'closed', by: staff.userId, at: new Date().toISOString(), device: staff.deviceId })
    })
    await page.getByTestId('policy-notice').filter({ hasText: 'Your change to the status was undone: only a manager can set a count session to closed' }).waitFor({ timeout: 15_000 })
    assert.equal(await page.getByTestId('policy-notice').count(), 1, "only the staff member's own open notice")

    // Shipment steps after "received" are the manager's: not offered to staff.
    await goHome(page)
    await openWork(page, 'work-shipment', 'PO-4711')
    await page.getByRole('button', { name: 'Mark arrived' }).waitFor()
    for (const name of ['Mark unloading', 'Mark received']) assert.equal(await page.getByRole('button', { name }).count(), 1, name)
    assert.equal(await page.getByRole('button', { name: 'Mark put away' }).count(), 0, 'put away is not offered to staff')
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})
