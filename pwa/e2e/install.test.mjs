// Installability (valid manifest, active service worker, Chromium's own installability
// check) and the plain "log in again" message that keeps unsynced work.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Server, NodeClient, seedSite, planCount, launchBrowser, newPhone, loginInBrowser, screenshot, requirePrereqs, PHONE, CHROMIUM_ARGS, CHROMIUM } from './harness.mjs'
import { chromium } from 'playwright-core'
import { countLine, openWork, pickLocation, waitServiceWorker } from './flows.mjs'

let server
let browser
const SITE = 'dc-north'

before(async () => {
  requirePrereqs()
  server = new Server('install')
  await server.addSite(SITE, 'DC North')
  server.users = {
    mia: await server.addUser('mia@example.com', 'manager', 'Mia Manager', [SITE]),
    ana: await server.addUser('ana@example.com', 'staff', 'Ana Lima', [SITE]),
    vic: await server.addUser('vic@example.com', 'viewer', 'Vic Auditor', [SITE]),
  }
  await server.start()
  const manager = await NodeClient.connect(server, server.users.mia)
  await seedSite(manager, SITE)
  await planCount(manager, SITE, [])
  await manager.close()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  if (server) await server.stop()
})

function pngSize(buf) {
  assert.equal(buf.subarray(1, 4).toString(), 'PNG')
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)]
}

test('installable: valid manifest with icons, an active service worker, no installability errors', async () => {
  // A real (non-incognito) profile in a fresh user-data dir: Chromium does not offer
  // installation in incognito contexts.
  const profile = mkdtempSync(path.join(tmpdir(), 'fw-pwa-profile-'))
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: PHONE, baseURL: server.url, serviceWorkers: 'allow', locale: 'en-US' })
  after(() => rmSync(profile, { recursive: true, force: true }))
  const page = context.pages()[0] ?? (await context.newPage())
  await page.goto('/')
  await page.getByRole('button', { name: 'Log in' }).waitFor()
  await screenshot(page, '01-login')
  const sw = await waitServiceWorker(page)
  assert.equal(sw.state, 'activated')
  assert.equal(sw.scope, `${server.url}/`)

  const href = await page.evaluate(() => document.querySelector('link[rel=manifest]')?.getAttribute('href'))
  assert.ok(href, 'the page links a manifest')
  const res = await server.api(`/${href.replace(/^\//, '')}`)
  assert.equal(res.status, 200)
  const manifest = await res.json()
  assert.equal(manifest.name, 'Floorwalk')
  assert.equal(manifest.display, 'standalone')
  assert.equal(manifest.start_url, '/')
  const sizes = new Set()
  for (const icon of manifest.icons.filter((i) => i.type === 'image/png')) {
    const r = await server.api(icon.src)
    assert.equal(r.status, 200, icon.src)
    const [w, h] = pngSize(Buffer.from(await r.arrayBuffer()))
    assert.equal(`${w}x${h}`, icon.sizes)
    sizes.add(`${icon.sizes}/${icon.purpose}`)
  }
  for (const need of ['192x192/any', '512x512/any', '512x512/maskable']) assert.ok(sizes.has(need), `icon ${need}`)

  const cdp = await context.newCDPSession(page)
  const { errors } = await cdp.send('Page.getAppManifest')
  assert.deepEqual(errors, [], 'Chromium parses the manifest without errors')
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors')
  assert.deepEqual(installabilityErrors, [], 'Chromium finds the app installable')
  await context.close()
})

test('when a new login is needed the app says so plainly and keeps the unsynced work', async () => {
  const { context, page } = await newPhone(browser, server)
  await loginInBrowser(page, server.users.ana)
  await openWork(page, 'work-count_session', 'Cycle count aisle A-01')
  await context.setOffline(true)
  await pickLocation(page, 'A-01-01')
  await countLine(page, 'SKU-1', 3)
  await server.cli(['user', 'disable', server.users.ana.email])
  await context.setOffline(false)
  await page.getByTestId('sync-banner').filter({ hasText: 'Log in needed' }).waitFor({ timeout: 20_000 })
  await page.getByRole('button', { name: 'Log in' }).click()
  const msg = page.getByTestId('relogin-message')
  await msg.waitFor()
  assert.match((await msg.textContent()) ?? '', /disabled|log in again/i)
  assert.match((await msg.textContent()) ?? '', /Nothing is lost/)
  await screenshot(page, '16-relogin-needed')
  // The entry is still on the phone, counted as unsynced.
  const tracks = await page.evaluate(() => Object.values(window.__floorwalk.tracks()))
  assert.ok(tracks.some((t) => t.unsyncedChanges > 0), 'unsynced work is kept')
  assert.match((await msg.textContent()) ?? '', /[1-9]\d* unsynced change/)
  await context.close()
})

test('a viewer (auditor) reads the site\'s work and cannot change it', async () => {
  const { context, page } = await newPhone(browser, server)
  await loginInBrowser(page, server.users.vic)
  await page.getByText("You can read this site's work but not change it (viewer).").waitFor()
  assert.equal(await page.getByRole('button', { name: 'Log a shipment' }).count(), 0)
  await openWork(page, 'work-count_session', 'Cycle count aisle A-01')
  await page.getByText('Read-only: you cannot count at this site.').waitFor()
  assert.equal(await page.locator('input[name=manual-code]').count(), 0, 'no scanning for a viewer')
  assert.equal(await page.getByRole('button', { name: /Undo my last entry/ }).count(), 0)
  await screenshot(page, '19-viewer-read-only')
  await context.close()
})
