// A new version of the app: the new service worker waits, the app offers "Update now",
// and taking it reloads into the new version without touching unsynced work.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Server, DIST, launchBrowser, newPhone, screenshot, requirePrereqs } from './harness.mjs'
import { waitServiceWorker } from './flows.mjs'

let server
let browser
let web

before(async () => {
  requirePrereqs()
  // A copy of the built app that the test can "release" a new version into.
  web = mkdtempSync(path.join(tmpdir(), 'fw-pwa-web-'))
  cpSync(DIST, web, { recursive: true })
  server = new Server('update', { webDir: web })
  await server.start()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  if (server) await server.stop()
  if (web) rmSync(web, { recursive: true, force: true })
})

test('a new version is offered with a prompt and applied on request', async () => {
  const { context, page } = await newPhone(browser, server)
  await page.goto('/')
  await page.getByRole('button', { name: 'Log in' }).waitFor()
  await waitServiceWorker(page)
  await page.reload()
  await page.getByRole('button', { name: 'Log in' }).waitFor()
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the page runs under the service worker')

  // Release: a changed service worker (what every build with changed files produces).
  const sw = path.join(web, 'sw.js')
  writeFileSync(sw, `${readFileSync(sw, 'utf8')}\n// release ${Date.now()}\n`)
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update())
  const prompt = page.getByRole('alertdialog', { name: 'Update available' })
  await prompt.waitFor({ timeout: 20_000 })
  await screenshot(page, '18-update-available')
  const before = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)
  await Promise.all([page.waitForEvent('load', { timeout: 20_000 }), prompt.getByRole('button', { name: 'Update now' }).click()])
  await page.getByRole('button', { name: 'Log in' }).waitFor()
  const state = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration()
    return { waiting: !!reg?.waiting, active: reg?.active?.state }
  })
  assert.deepEqual(state, { waiting: false, active: 'activated' })
  assert.ok(before)
  assert.equal(await prompt.count(), 0)
  await context.close()
})
