// Continuous camera scanning with Chromium's fake camera playing a video of a label:
// the ZXing WASM decoder (no BarcodeDetector on Linux Chromium) reads it live, the
// scanner stays open, and holding the camera on one label counts it once.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { Server, NodeClient, seedSite, planCount, loginInBrowser, screenshot, requirePrereqs, PHONE, CHROMIUM, CHROMIUM_ARGS } from './harness.mjs'
import { ean13Y4m } from './barcode.mjs'
import { openWork, pickLocation } from './flows.mjs'

let server
let browser
let dir
const SITE = 'dc-north'

before(async () => {
  requirePrereqs()
  server = new Server('camera')
  await server.addSite(SITE, 'DC North')
  server.users = {
    mia: await server.addUser('mia@example.com', 'manager', 'Mia Manager', [SITE]),
    ana: await server.addUser('ana@example.com', 'staff', 'Ana Lima', [SITE]),
  }
  await server.start()
  const manager = await NodeClient.connect(server, server.users.mia)
  server.seed = await seedSite(manager, SITE)
  await planCount(manager, SITE, [], 'Cycle count aisle A-01', { blind: false })
  await manager.close()
  dir = mkdtempSync(path.join(tmpdir(), 'fw-camera-'))
  const video = path.join(dir, 'label.y4m')
  writeFileSync(video, ean13Y4m(server.seed.items[3].barcodes[0]))
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  })
})

after(async () => {
  await browser?.close()
  if (server) await server.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test('the camera scans continuously and counts a label once while it stays in view', async () => {
  const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, baseURL: server.url, locale: 'en-US' })
  await context.grantPermissions(['camera'])
  const page = await context.newPage()
  await loginInBrowser(page, server.users.ana)
  await openWork(page, 'work-count_session', 'Cycle count aisle A-01')
  await pickLocation(page, 'A-01-01')
  await page.getByRole('button', { name: 'Scan with camera' }).click()
  await page.getByTestId('current-line').filter({ hasText: 'SKU-4' }).waitFor({ timeout: 30_000 })
  await page.getByText(`Last scan: ${server.seed.items[3].barcodes[0]}`).waitFor()
  assert.equal(await page.evaluate(() => globalThis.__floorwalkDetector), 'zxing-wasm')
  await page.evaluate(() => window.scrollTo(0, 0))
  await screenshot(page, '05b-count-camera', { top: false })
  // The label stays in view: still one.
  await page.waitForTimeout(2500)
  assert.equal(await page.locator('input[name=qty]').inputValue(), '1')
  assert.ok(await page.getByRole('region', { name: 'Camera scanner' }).isVisible(), 'the scanner stays open')
  // Not a blind count: the expected quantity shows, and a count far from it asks for a second look.
  await page.getByTestId('current-line').getByText('Expected: 10').waitFor()
  await page.getByRole('button', { name: 'Save count' }).click()
  const prompt = page.getByRole('alertdialog', { name: 'Recount prompt' })
  await prompt.getByText('You counted 1, expected 10. Count again to be sure?').waitFor()
  await prompt.getByRole('button', { name: 'Save 1 anyway' }).click()
  await page.getByTestId('scan-message').filter({ hasText: 'Saved: Test item 4 × 1 at A-01-01' }).waitFor()
  await context.close()
})
