// The built app under the strict Content-Security-Policy the server sends on every
// response (app shell, service worker, API, /sync; a proxy only adds a report address
// to it, so that refusals are collected); logging in,
// the phone's work list, a count with a photo decoded by the ZXing WASM reader, the desk
// overview with its trend charts and the location labels raise no violation.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ean13Png } from './barcode.mjs'
import { deskSuite } from './desk-fixtures.mjs'
import { openWork, pickLocation, waitServiceWorker } from './flows.mjs'
import { loginInBrowser, PHONE, planCount, seedSite } from './harness.mjs'
import { headerProxy, REPORT_PATH } from './proxy.mjs'

/** The policy the server sends (server/src/http/headers.rs); a change there must pass here. */
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'"

const suite = deskSuite('csp', {
  master: false,
  setup: async (s) => {
    s.seed = await seedSite(s.manager, 'north')
    await planCount(s.manager, 'north', [], 'Cycle count aisle A-01')
    s.proxy = await headerProxy(s.server.url, (headers) => {
      const policy = headers['content-security-policy']
      // The report directive only collects what the browser refused; it allows nothing.
      return policy ? { 'content-security-policy': `${policy}; report-uri ${REPORT_PATH}` } : {}
    })
    s.defer(() => s.proxy.close())
  },
})

/** A context whose pages report every CSP violation (the DOM event, and Chromium's console message). */
async function cspContext(options) {
  const context = await suite.browser.newContext({ baseURL: suite.proxy.url, locale: 'en-US', timezoneId: 'UTC', ...options })
  const violations = []
  const errors = []
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`securitypolicyviolation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`))
  })
  const watch = (page) => {
    page.on('console', (m) => /securitypolicyviolation|Content Security Policy|Refused to/i.test(m.text()) && violations.push(m.text()))
    page.on('pageerror', (e) => errors.push(e.message))
  }
  context.on('page', watch)
  const page = await context.newPage()
  return { context, page, violations, errors }
}

function assertClean({ violations, errors }, where) {
  assert.deepEqual(violations, [], `CSP violations on ${where}`)
  assert.deepEqual(suite.proxy.reports, [], `CSP reports from ${where}`)
  assert.deepEqual(errors, [], `page errors on ${where}`)
}

test('the phone runs under the strict CSP: login, work list, a count, a photo scan, offline shell', async () => {
  const phone = await cspContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, serviceWorkers: 'allow' })
  const { page } = phone
  try {
    const res = await page.goto('/')
    assert.equal(res?.headers()['content-security-policy'], `${CSP}; report-uri ${REPORT_PATH}`, 'the app shell carries the server\'s policy')
    assert.equal(res?.headers()['x-content-type-options'], 'nosniff')
    assert.equal(res?.headers()['x-frame-options'], 'DENY')
    await loginInBrowser(page, suite.users.staff)
    // The service worker (workbox, importScripts) registers and takes over under the policy.
    assert.equal((await waitServiceWorker(page)).state, 'activated')
    await page.getByTestId('work-count_session').waitFor({ timeout: 20_000 })
    await openWork(page, 'work-count_session', 'Cycle count aisle A-01')
    await pickLocation(page, 'A-01-01')
    // Automerge's WASM is running (the count opened); the ZXing WASM reader decodes a label photo.
    await page.getByTestId('scan-photo-input').setInputFiles({ name: 'label.png', mimeType: 'image/png', buffer: ean13Png(suite.seed.items[1].barcodes[0]) })
    await page.getByTestId('current-line').filter({ hasText: 'SKU-2' }).waitFor({ timeout: 20_000 })
    // The shell served by the service worker (a reload) keeps the policy and still runs.
    await page.reload()
    await page.getByTestId('current-line').or(page.getByRole('heading', { name: 'At A-01-01', exact: true })).first().waitFor({ timeout: 20_000 })
    assertClean(phone, 'the phone')
  } finally {
    await phone.context.close()
  }
})

test('the desk runs under the strict CSP: overview tiles, trend charts, location labels', async () => {
  const desk = await cspContext({ viewport: { width: 1440, height: 900 }, serviceWorkers: 'block' })
  const { page } = desk
  try {
    await loginInBrowser(page, suite.users.manager)
    await page.goto('/desk')
    await page.locator('select[name=site]').selectOption('north')
    await page.locator('.desk-tiles[data-scope^="north|"]').waitFor({ timeout: 20_000 })
    // uPlot draws the trends (canvas, sizes set through the CSSOM, which style-src allows).
    await page.getByTestId('kpi-inventory_record_accuracy').locator('.desk-trend canvas').waitFor({ timeout: 15_000 })
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Master data', exact: true }).click()
    await page.getByRole('button', { name: 'Location labels (Code 128)' }).click()
    // bwip-js labels are data: images.
    await page.getByTestId('labels').locator('img').nth(2).waitFor()
    assert.match((await page.getByTestId('labels').locator('img').first().getAttribute('src')) ?? '', /^data:image\//)
    assertClean(desk, 'the desk')

    // The watch itself works: an inline <style> is refused and reported.
    await page.evaluate(() => {
      const style = document.createElement('style')
      style.textContent = 'body { outline: 0 }'
      document.head.append(style)
    })
    await page.waitForFunction(() => true)
    const deadline = Date.now() + 5000
    while (!desk.violations.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    assert.match(desk.violations.join('\n'), /style-src/)
  } finally {
    await desk.context.close()
  }
})
