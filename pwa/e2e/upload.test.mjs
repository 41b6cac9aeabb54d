// Closing the page in the middle of a photo upload, then opening the app again,
// completes the upload (the bytes were in IndexedDB before the upload started).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { Server, NodeClient, seedSite, launchBrowser, newPhone, loginInBrowser, screenshot, requirePrereqs, waitFor } from './harness.mjs'
import { PHOTO } from './flows.mjs'

let server
let browser
const SITE = 'dc-north'

before(async () => {
  requirePrereqs()
  server = new Server('upload')
  await server.addSite(SITE, 'DC North')
  server.users = {
    mia: await server.addUser('mia@example.com', 'manager', 'Mia Manager', [SITE]),
    ana: await server.addUser('ana@example.com', 'staff', 'Ana Lima', [SITE]),
  }
  await server.start()
  const manager = await NodeClient.connect(server, server.users.mia)
  await seedSite(manager, SITE)
  await manager.close()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  if (server) await server.stop()
})

test('an upload cut off by closing the page completes when the app is opened again', async () => {
  const { context, page } = await newPhone(browser, server)
  await loginInBrowser(page, server.users.ana)
  // Hold every photo upload: the request is in flight when the page closes.
  const held = []
  await page.route('**/api/attachments/**', (route) => {
    if (route.request().method() === 'PUT') held.push(route)
    else return route.continue()
  })
  await page.getByRole('button', { name: /Run checklist: Dock safety walk/ }).click()
  const doors = page.getByTestId('checklist-item').filter({ hasText: 'Dock doors close fully' })
  await doors.getByRole('button', { name: 'Pass' }).click()
  await doors.locator('input[type=file]').setInputFiles(PHOTO)
  await waitFor(() => held.length > 0, { what: 'the upload to start' })
  const [photo] = await page.evaluate(() => window.__floorwalk.photos())
  assert.equal(photo.state, 'uploading')
  // The page goes away with the upload in flight: its connection dies with it. (Abort
  // first: a request still paused when the page closes is let through by the browser.)
  await Promise.all(held.map((r) => r.abort('connectionaborted')))
  await page.close()

  const tokens = await server.login(server.users.mia)
  const before = await server.api(`/api/attachments/${photo.sha256}`, { token: tokens.access_token })
  assert.equal(before.status, 404, 'nothing reached the server before the page closed')

  const again = await context.newPage()
  await again.goto('/')
  await again.getByRole('heading', { name: 'My work today' }).waitFor()
  const res = await waitFor(
    async () => {
      const r = await server.api(`/api/attachments/${photo.sha256}`, { token: tokens.access_token })
      return r.status === 200 ? r : false
    },
    { timeout: 15_000, what: 'the photo on the server' },
  )
  const bytes = Buffer.from(await res.arrayBuffer())
  assert.equal(createHash('sha256').update(bytes).digest('hex'), photo.sha256)
  await waitFor(async () => (await again.evaluate(() => window.__floorwalk.photos()))[0]?.state === 'uploaded', { what: 'the phone to mark it uploaded' })
  await again.getByTestId('sync-summary').click()
  await again.getByTestId('sync-photo').first().waitFor()
  await screenshot(again, '15-sync-photos-after-reopen')
  // Logging out (nothing waiting) is a clean sign-out, not a "log in again" alarm.
  await again.goto('/')
  await again.getByRole('button', { name: 'Log out' }).click()
  await again.getByRole('button', { name: 'Log in' }).waitFor()
  assert.equal(await again.getByTestId('relogin-message').count(), 0)
  await again.waitForTimeout(1500)
  assert.equal(await again.getByTestId('relogin-message').count(), 0, 'no background reconnect turns a logout into an alarm')
  await context.close()
})
