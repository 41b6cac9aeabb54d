// A shift offline: log in online, go offline, reload (the app still starts), count 10
// entries (one by keyboard-wedge scan), run a checklist with a photo and a signature,
// receive a shipment with a damaged line, go online: within 10 s the server has it all.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { assertDocumentRules, Server, NodeClient, seedSite, planCount, planShipment, launchBrowser, newPhone, loginInBrowser, screenshot, readFromServer, requirePrereqs, waitFor } from './harness.mjs'
import { ean13Png } from './barcode.mjs'
import { enterCode, countLine, drawSignature, docUrlFromPage, goHome, openWork, pickLocation, PHOTO, setQtyAndSave, waitServiceWorker, wedgeScan } from './flows.mjs'

let server
let browser
let manager
const SITE = 'dc-north'

before(async () => {
  requirePrereqs()
  server = new Server('shift')
  await server.addSite(SITE, 'DC North')
  server.users = {
    mia: await server.addUser('mia@example.com', 'manager', 'Mia Manager', [SITE]),
    ana: await server.addUser('ana@example.com', 'staff', 'Ana Lima', [SITE]),
  }
  await server.start()
  manager = await NodeClient.connect(server, server.users.mia)
  server.seed = await seedSite(manager, SITE)
  const ana = await server.login(server.users.ana)
  const anaMe = await (await server.api('/api/me', { token: ana.access_token })).json()
  server.countUrl = await planCount(manager, SITE, [String(anaMe.user.id)])
  server.shipmentUrl = await planShipment(manager, SITE)
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await manager?.close()
  if (server) await server.stop()
})

/**
 * The reporting tables (the server's flattener) hold every entry made offline, and the
 * shared validation found nothing wrong with the phone's documents. Polls until
 * `deadline` (the 10 s budget).
 */
async function checkSqlTables(server, { countUrl, checklistUrl, shipmentUrl, dispatchUrl }, deadline) {
  const id = (url) => url.replace(/^automerge:/, '').replace(/'/g, "''")
  const [count, run, ship, dispatch] = [countUrl, checklistUrl, shipmentUrl, dispatchUrl].map(id)
  const check = () => {
    const entries = server.sql(`SELECT sku, qty, voided, recorded_by, note FROM count_entries WHERE document_id = '${count}'`)
    const live = entries.filter((e) => !e.voided)
    assert.equal(live.length, 10, 'ten live count entries in count_entries')
    assert.ok(entries.some((e) => e.voided && e.qty === 99), 'the undone entry is kept, voided')
    assert.ok(live.some((e) => e.sku === 'SKU-1' && e.qty === 7), 'the scanned line')
    const lines = server.sql(`SELECT line_key, counted_qty, status, reason, reason_note FROM count_lines WHERE document_id = '${count}' AND status = 'counted'`)
    assert.equal(lines.length, 10, 'ten counted lines')
    // The counter's reason code and note on a planned line travel with their entry: a
    // line's reason is the manager's decision (the write policy undoes a staff one).
    assert.deepEqual(
      live.filter((e) => e.sku === 'SKU-5').map((e) => [`A-01-01|${e.sku}`, e.note]),
      [['A-01-01|SKU-5', '2 boxes crushed · Reason: damaged']],
    )
    assert.deepEqual(lines.filter((l) => l.reason).map((l) => [l.line_key, l.reason, l.reason_note]), [], 'no line reason written from the phone')
    const [runRow] = server.sql(`SELECT completed_at, sign_off_method, failed_count, missing_required FROM checklist_runs WHERE document_id = '${run}'`)
    assert.ok(runRow?.completed_at, 'the run is completed')
    assert.equal(runRow.sign_off_method, 'signature')
    assert.equal(runRow.missing_required, 0)
    assert.equal(runRow.failed_count, 1)
    const responses = server.sql(`SELECT outcome, number_value, photos FROM checklist_responses WHERE document_id = '${run}'`)
    assert.equal(responses.length, 2)
    assert.equal(JSON.parse(responses.find((r) => r.outcome === 'fail').photos).length, 1)
    assert.equal(server.sql(`SELECT id FROM corrective_actions WHERE document_id = '${run}'`).length, 1)
    const damaged = server.sql(`SELECT handled_qty, damaged_qty FROM shipment_lines WHERE document_id = '${ship}' AND sku = 'SKU-1'`)
    assert.deepEqual(damaged, [{ handled_qty: 20, damaged_qty: 4 }])
    const [out] = server.sql(`SELECT status, pod_name, tracking_number FROM shipments WHERE document_id = '${dispatch}'`)
    assert.deepEqual(out, { status: 'dispatched', pod_name: 'Carl Driver', tracking_number: 'JD0146000012' })
    const problems = server.sql(`SELECT document_id, path, message FROM document_problems WHERE document_id IN ('${count}', '${run}', '${ship}', '${dispatch}')`)
    assert.deepEqual(problems, [], 'the shared validation finds no problem in what the phone wrote')
    return true
  }
  let last
  for (;;) {
    try {
      return check()
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) throw last
    await new Promise((r) => setTimeout(r, 200))
  }
}

test('a shift offline reaches the server within 10 s of coming back online', async () => {
  const { context, page, errors } = await newPhone(browser, server)
  const ana = server.users.ana
  await loginInBrowser(page, ana)
  const sw = await waitServiceWorker(page)
  assert.equal(sw.state, 'activated')
  // Everything for the shift is on the phone before the signal goes.
  await page.getByTestId('work-count_session').waitFor()
  await page.getByTestId('work-shipment').waitFor()
  await page.getByRole('button', { name: /Run checklist: Dock safety walk/ }).waitFor()
  await waitFor(async () => (await page.getByTestId('sync-summary').textContent())?.includes('All work synced'), { what: 'everything synced before going offline' })
  await screenshot(page, '02-home')

  await context.setOffline(true)
  await page.reload()
  await page.getByRole('heading', { name: 'My work today' }).waitFor({ timeout: 20_000 })
  await page.getByTestId('sync-banner').filter({ hasText: 'Offline' }).waitFor()
  await screenshot(page, '03-home-offline')

  // --- The count: 10 entries, one of them by keyboard-wedge scan.
  await openWork(page, 'work-count_session', 'Cycle count aisle A-01')
  await page.getByRole('heading', { name: '1. Scan or pick a location' }).waitFor()
  await screenshot(page, '04-count-locations')
  await pickLocation(page, 'A-01-01')
  // Focus a text field first: the scan must not land in it.
  const manual = page.locator('input[name=manual-code]')
  await manual.focus()
  await wedgeScan(page, server.seed.items[0].barcodes[0])
  await page.getByTestId('current-line').filter({ hasText: 'SKU-1' }).waitFor()
  assert.equal(await manual.inputValue(), '', 'the wedge scan did not land in the focused field')
  assert.equal(await page.locator('input[name=qty]').inputValue(), '1', 'scan-to-increment starts at 1')
  await wedgeScan(page, server.seed.items[0].barcodes[0])
  await waitFor(async () => (await page.locator('input[name=qty]').inputValue()) === '2', { what: 'second scan of the same item increments' })
  await screenshot(page, '05-count-scanning')
  await setQtyAndSave(page, 7)
  // The camera decoder (BarcodeDetector, or the ZXing WASM fallback) fed a picture of a label.
  await page.getByTestId('scan-photo-input').setInputFiles({ name: 'label.png', mimeType: 'image/png', buffer: ean13Png(server.seed.items[1].barcodes[0]) })
  await page.getByTestId('current-line').filter({ hasText: 'SKU-2' }).waitFor({ timeout: 20_000 })
  const decoder = await page.evaluate(() => ({ kind: globalThis.__floorwalkDetector, native: 'BarcodeDetector' in globalThis }))
  assert.equal(decoder.kind, decoder.native ? 'native' : 'zxing-wasm', 'the WASM decoder is used where the browser has no BarcodeDetector')
  await setQtyAndSave(page, 2)
  for (let i = 3; i <= 4; i++) await countLine(page, `SKU-${i}`, i)
  // A reason code and note on a planned line.
  await enterCode(page, 'SKU-5')
  await page.getByTestId('current-line').filter({ hasText: 'SKU-5' }).waitFor()
  await page.locator('select[name=reason]').selectOption('damaged')
  // Typed by hand (keys 70 ms apart): the scanner capture hands every key back to the field.
  await page.locator('input[name=note]').click()
  await page.keyboard.type('2 boxes crushed', { delay: 70 })
  await waitFor(async () => (await page.locator('input[name=note]').inputValue()) === '2 boxes crushed', { what: 'typed text to reach the note field' })
  await setQtyAndSave(page, 5)
  await pickLocation(page, 'A-01-02')
  for (let i = 6; i <= 10; i++) await countLine(page, `SKU-${i}`, i)
  // A mistaken entry, undone (a void marker, not a delete).
  await countLine(page, 'SKU-10', 99)
  await page.getByRole('button', { name: /Undo my last entry/ }).click()
  await page.getByTestId('scan-message').filter({ hasText: 'Undone' }).waitFor()
  await screenshot(page, '06-count-lines')
  const countUrl = docUrlFromPage(page)
  assert.equal(countUrl, server.countUrl)
  await goHome(page)

  // --- A checklist run with a failed item (corrective action), a photo and a signature.
  await page.getByRole('button', { name: /Run checklist: Dock safety walk/ }).click()
  await page.getByRole('heading', { name: 'Dock safety walk' }).waitFor()
  const checklistUrl = docUrlFromPage(page)
  const doors = page.getByTestId('checklist-item').filter({ hasText: 'Dock doors close fully' })
  await doors.getByRole('button', { name: 'Fail' }).click()
  await page.getByTestId('corrective-action').waitFor()
  await doors.locator('input[type=file]').setInputFiles(PHOTO)
  await doors.locator('img.thumb').waitFor({ timeout: 15_000 })
  // Sign-off is refused while a required item is missing.
  await page.getByTestId('missing-required').filter({ hasText: 'Chiller temperature' }).waitFor()
  const chiller = page.getByTestId('checklist-item').filter({ hasText: 'Chiller temperature' })
  await chiller.locator('input').first().fill('3.5')
  await chiller.locator('input').first().press('Tab')
  await waitFor(async () => !(await page.getByTestId('missing-required').isVisible()), { what: 'required items answered' })
  await screenshot(page, '07-checklist')
  await drawSignature(page)
  await page.getByRole('button', { name: 'Sign off' }).click()
  await page.getByTestId('signed-off').waitFor()
  await screenshot(page, '08-checklist-signed')
  await goHome(page)

  // --- Receiving a shipment with a damaged line (photo), and a status change.
  await openWork(page, 'work-shipment', 'PO-4711')
  await page.getByRole('button', { name: 'Mark arrived' }).click()
  await page.getByRole('button', { name: 'Receive SKU-1' }).click()
  const form = page.getByTestId('receive-form')
  await form.locator('input[name=good]').fill('20')
  await form.locator('input[name=damaged]').fill('4')
  await form.locator('input[name=entry-note]').fill('4 boxes crushed')
  await form.locator('input[type=file]').setInputFiles(PHOTO)
  await form.locator('img.thumb').waitFor({ timeout: 15_000 })
  await screenshot(page, '09-shipment-receiving')
  await form.getByRole('button', { name: 'Save line' }).click()
  await page.getByTestId('shipment-line').filter({ hasText: '4 damaged' }).waitFor()
  await screenshot(page, '10-shipment')
  const shipmentUrl = docUrlFromPage(page)
  await goHome(page)

  // --- A dispatch logged free-form: outbound, carrier and tracking, proof of delivery.
  await page.getByRole('button', { name: 'Log a shipment' }).click()
  await page.getByRole('button', { name: 'Dispatch (outbound)' }).click()
  await page.getByLabel('Order number').fill('SO-1001')
  await page.getByLabel('Carrier').fill('DHL Freight')
  await page.getByLabel('Tracking number').fill('JD0146000012')
  await screenshot(page, '09b-shipment-new')
  await page.getByRole('button', { name: 'Start' }).click()
  await page.getByRole('heading', { name: 'Outbound SO-1001' }).waitFor()
  const dispatchUrl = docUrlFromPage(page)
  await page.locator('input[name=sku]').fill('SKU-3')
  await page.locator('input[name=sku]').press('Enter')
  const out = page.getByTestId('receive-form')
  await out.locator('input[name=good]').fill('5')
  await out.locator('input[name=location]').fill('A-01-01')
  await out.getByRole('button', { name: 'Save line' }).click()
  await page.getByRole('button', { name: 'Mark dispatched' }).click()
  await page.locator('input[name=pod-name]').fill('Carl Driver')
  await drawSignature(page)
  await page.getByRole('button', { name: 'Save signature' }).click()
  await page.getByTestId('pod-signed').waitFor()
  await screenshot(page, '10b-shipment-dispatched')

  // Still offline: the banner says what is waiting.
  const summary = await page.getByTestId('sync-summary').textContent()
  assert.match(summary ?? '', /\d+ changes .*kept on phone/)
  assert.match(summary ?? '', /photo/)
  await page.getByTestId('sync-summary').click()
  await page.getByRole('heading', { name: 'Sync status' }).waitFor()
  await screenshot(page, '11-sync-offline')

  // --- Back online: within 10 s the server has every entry and the photos.
  const t0 = Date.now()
  await context.setOffline(false)
  const count = await readFromServer(server, server.users.mia, countUrl, (d) => d.entries?.filter((e) => !e.void).length >= 10 && d.entries.some((e) => e.void), 10_000)
  const live = count.entries.filter((e) => !e.void)
  assert.equal(live.length, 10, 'ten live count entries')
  assert.ok(live.every((e) => e.by && e.device && /Z$/.test(e.at) && Number.isInteger(e.qty)))
  assert.ok(live.some((e) => e.sku === 'SKU-1' && e.qty === 7 && e.location === 'A-01-01'), 'the scanned line')
  assert.ok(count.entries.some((e) => e.qty === 99 && e.void?.reason === 'undo'), 'the undone entry is kept, voided')
  assert.ok(live.some((e) => e.sku === 'SKU-10' && e.qty === 10), 'undo brought back the count it had replaced')
  const remaining = () => Math.max(1000, 10_000 - (Date.now() - t0))
  const run = await readFromServer(server, server.users.mia, checklistUrl, (d) => !!d.sign_off && Object.keys(d.responses ?? {}).length >= 2, remaining())
  assert.equal(run.type, 'checklist_run')
  assert.equal(run.sign_off.method.kind, 'signature')
  assert.equal(run.corrective_actions.length, 1)
  const doorsResponse = Object.values(run.responses).find((r) => r.answer.kind === 'check')
  assert.equal(doorsResponse.photos.length, 1)
  const ship = await readFromServer(server, server.users.mia, shipmentUrl, (d) => d.entries?.length >= 1 && d.timeline?.length >= 2, remaining())
  const damaged = ship.entries.find((e) => e.damaged_qty === 4)
  assert.ok(damaged && damaged.qty === 20 && damaged.photos.length === 1, 'the damaged line with its photo')
  const dispatch = await readFromServer(server, server.users.mia, dispatchUrl, (d) => !!d.proof_of_delivery && d.entries?.length === 1, remaining())
  assert.equal(dispatch.direction, 'outbound')
  assert.equal(dispatch.tracking_number, 'JD0146000012')
  assert.deepEqual(dispatch.timeline.map((e) => e.status), ['packed', 'dispatched'])
  assert.equal(dispatch.entries[0].sku, 'SKU-3')
  const tokens = await server.login(server.users.mia)
  for (const att of [doorsResponse.photos[0], run.sign_off.method.image, damaged.photos[0], dispatch.proof_of_delivery.signature]) {
    const res = await waitFor(
      async () => {
        const r = await server.api(`/api/attachments/${att.sha256}`, { token: tokens.access_token })
        return r.status === 200 ? r : false
      },
      { timeout: remaining(), interval: 200, what: `attachment ${att.sha256} on the server` },
    )
    const bytes = Buffer.from(await res.arrayBuffer())
    assert.equal(createHash('sha256').update(bytes).digest('hex'), att.sha256)
    assert.equal(bytes.length, att.size)
  }
  await checkSqlTables(server, { countUrl, checklistUrl, shipmentUrl, dispatchUrl }, t0 + 10_000)
  const elapsed = Date.now() - t0
  console.log(`every entry, photo and signature was on the server, and in its SQL tables, ${elapsed} ms after going online`)
  assert.ok(elapsed <= 10_000, `everything reached the server in ${elapsed} ms`)
  for (const doc of [count, run, ship, dispatch]) assertDocumentRules(doc)
  // Nothing the phone wrote broke the write policy: no edit was undone.
  for (const doc of [count, run, ship, dispatch]) assert.deepEqual(doc.policy_notices ?? [], [], `undone edits in ${doc.type}`)
  assert.deepEqual(server.sql('SELECT part, message FROM policy_violations'), [], 'no policy violations')

  await waitFor(async () => (await page.getByTestId('sync-details-summary').textContent())?.includes('All work synced'), { timeout: 10_000, what: 'the phone to show everything synced' })
  await screenshot(page, '12-sync-online')
  assert.deepEqual(errors, [])
  await context.close()
})
