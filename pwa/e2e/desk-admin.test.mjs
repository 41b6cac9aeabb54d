// Administration: an admin creates a user with a role and a site, changes the role,
// creates a site, and disables a user, which cuts their live sync at once; the Admin
// view is not offered to a manager.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { screenshot } from './harness.mjs'
import WebSocket from 'ws'
import { deskSuite, waitFor } from './desk-fixtures.mjs'

const suite = deskSuite('desk-admin', { manager: false, master: false })

test('an admin manages users and sites; disabling cuts live sync', async () => {
  // The staff's live sync connection (a raw socket: a repo client would keep retrying for an hour).
  const staffToken = (await suite.server.login(suite.users.staff)).access_token
  const { ticket } = await (await suite.server.api('/api/sync/ticket', { method: 'POST', token: staffToken })).json()
  const staffSocket = new WebSocket(`${suite.server.url.replace(/^http/, 'ws')}/sync?ticket=${encodeURIComponent(ticket)}`)
  let socketClosed = false
  staffSocket.on('close', () => (socketClosed = true))
  suite.defer(() => staffSocket.terminate())
  await new Promise((resolve, reject) => (staffSocket.once('open', resolve), staffSocket.once('error', reject)))
  const { page, context, errors } = await suite.openDesk(suite.users.admin, '/desk/admin')
  try {
    const table = page.getByTestId('admin-users')
    await table.locator('tr[data-email="staff@north.test"]').waitFor({ timeout: 15_000 })
    await screenshot(page, 'desk-admin')

    // A new staff member at north.
    await page.locator('input[name=new-email]').fill('new@north.test')
    await page.locator('input[name=new-name]').fill('Nina New')
    await page.locator('input[name=new-password]').fill('a-long-password-1')
    await page.locator('select[name=new-role]').selectOption('staff')
    await page.locator('select[name=new-sites]').selectOption(['north'])
    await page.getByRole('button', { name: 'Create user' }).click()
    await page.getByTestId('admin-message').filter({ hasText: 'User new@north.test created' }).waitFor()
    const nina = table.locator('tr[data-email="new@north.test"]')
    await nina.waitFor()
    assert.equal(await nina.getByRole('checkbox', { name: 'new@north.test at North DC' }).isChecked(), true)
    const login = await suite.server.api('/api/auth/login', { method: 'POST', body: { email: 'new@north.test', password: 'a-long-password-1' } })
    assert.equal(login.status, 200)
    const ninaToken = (await login.json()).access_token
    const ninaMe = await (await suite.server.api('/api/me', { token: ninaToken })).json()
    assert.deepEqual(ninaMe.sites.map((s) => s.slug), ['north'])

    // Promote her to manager, add her to south.
    await nina.getByLabel('Role of new@north.test').selectOption('manager')
    await page.getByTestId('admin-message').filter({ hasText: 'new@north.test is now manager' }).waitFor()
    await nina.getByRole('checkbox', { name: 'new@north.test at South DC' }).click()
    await page.getByTestId('admin-message').filter({ hasText: 'new@north.test added to South DC' }).waitFor()
    const row = suite.server.sql("SELECT u.role FROM users u WHERE u.email = 'new@north.test'")[0]
    assert.equal(row.role, 'manager')
    const ninaSites = await (await suite.server.api('/api/me', { token: (await suite.server.login({ email: 'new@north.test', password: 'a-long-password-1' })).access_token })).json()
    assert.deepEqual(ninaSites.sites.map((s) => s.slug).sort(), ['north', 'south'])

    // A new site.
    await page.locator('input[name=site-slug]').fill('east')
    await page.locator('input[name=site-name]').fill('East DC')
    await page.getByRole('button', { name: 'Create site' }).click()
    await page.getByTestId('admin-sites').filter({ hasText: 'East DC (east)' }).waitFor()

    // Disable the staff user: their live sync connection is cut and they cannot log in.
    assert.equal(socketClosed, false)
    await table.locator('tr[data-email="staff@north.test"]').getByRole('button', { name: 'Disable staff@north.test' }).click()
    await page.getByTestId('admin-message').filter({ hasText: 'staff@north.test disabled' }).waitFor()
    await waitFor(() => socketClosed, { timeout: 10_000, what: "the staff's sync connection to be cut" })
    const refused = await suite.server.api('/api/auth/login', { method: 'POST', body: { email: suite.users.staff.email, password: suite.users.staff.password } })
    assert.notEqual(refused.status, 200)
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})

test('a manager is not offered the Admin view, and the API refuses them', async () => {
  const { page, context } = await suite.openDesk(suite.users.manager)
  try {
    await page.getByRole('link', { name: 'Overview' }).waitFor()
    assert.equal(await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Admin', exact: true }).count(), 0)
    const token = (await suite.server.login(suite.users.manager)).access_token
    assert.equal((await suite.server.api('/api/admin/users', { token })).status, 403)
  } finally {
    await context.close()
  }
})
