// Two phones count the same session offline with different entries, then reconnect:
// every entry survives, and the conflicting count of one line is shown on both phones.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Server, NodeClient, seedSite, planCount, planChecklist, launchBrowser, newPhone, loginInBrowser, screenshot, readFromServer, requirePrereqs, waitFor } from './harness.mjs'
import { countLine, enterCode, openWork, pickLocation, setQtyAndSave } from './flows.mjs'

let server
let browser
let manager
const SITE = 'dc-north'

before(async () => {
  requirePrereqs()
  server = new Server('two-phones')
  await server.addSite(SITE, 'DC North')
  server.users = {
    mia: await server.addUser('mia@example.com', 'manager', 'Mia Manager', [SITE]),
    ana: await server.addUser('ana@example.com', 'staff', 'Ana Lima', [SITE]),
    ben: await server.addUser('ben@example.com', 'staff', 'Ben Okafor', [SITE]),
  }
  await server.start()
  manager = await NodeClient.connect(server, server.users.mia)
  server.seed = await seedSite(manager, SITE)
  const ids = []
  for (const u of [server.users.ana, server.users.ben]) {
    const t = await server.login(u)
    ids.push(String((await (await server.api('/api/me', { token: t.access_token })).json()).user.id))
  }
  server.countUrl = await planCount(manager, SITE, ids, 'Aisle A-01 double count')
  server.runUrl = await planChecklist(manager, SITE, server.seed)
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await manager?.close()
  if (server) await server.stop()
})

test('two phones offline: both entries survive and a conflicting count is shown on both', async () => {
  const ana = await newPhone(browser, server)
  const ben = await newPhone(browser, server)
  for (const [phone, user] of [
    [ana, server.users.ana],
    [ben, server.users.ben],
  ]) {
    await loginInBrowser(phone.page, user)
    await openWork(phone.page, 'work-count_session', 'Aisle A-01 double count')
    await phone.page.getByRole('heading', { name: '1. Scan or pick a location' }).waitFor()
    await waitFor(async () => (await phone.page.getByTestId('sync-summary').textContent())?.includes('All work synced'), { what: 'synced before going offline' })
  }
  await ana.context.setOffline(true)
  await ben.context.setOffline(true)

  await pickLocation(ana.page, 'A-01-01')
  await countLine(ana.page, 'SKU-1', 10)
  await countLine(ana.page, 'SKU-2', 5)
  await pickLocation(ben.page, 'A-01-01')
  await countLine(ben.page, 'SKU-1', 12)
  // An item found where the plan did not expect it (SKU-9 is planned in A-01-02).
  await enterCode(ben.page, 'SKU-9')
  await ben.page.getByTestId('current-line').filter({ hasText: 'Found: not on the count list' }).waitFor()
  await setQtyAndSave(ben.page, 4)
  // Offline, each phone only knows its own counts: no conflict yet.
  assert.equal(await ana.page.getByTestId('conflict-message').count(), 0)

  await ana.context.setOffline(false)
  await ben.context.setOffline(false)
  const doc = await readFromServer(server, server.users.mia, server.countUrl, (d) => d.entries?.filter((e) => !e.void).length >= 4, 15_000)
  const live = doc.entries.filter((e) => !e.void).map((e) => `${e.location}|${e.sku}=${e.qty}`).sort()
  assert.deepEqual(live, ['A-01-01|SKU-1=10', 'A-01-01|SKU-1=12', 'A-01-01|SKU-2=5', 'A-01-01|SKU-9=4'])
  // The manager's review list: the conflict is in the reporting tables too.
  const docId = server.countUrl.replace(/^automerge:/, '')
  const conflict = await waitFor(() => server.sql(`SELECT quantities, resolved FROM count_conflicts WHERE document_id = '${docId}' AND line_key = 'A-01-01|SKU-1'`)[0], { what: 'the conflict row' })
  assert.deepEqual(JSON.parse(conflict.quantities), [10, 12])
  assert.equal(conflict.resolved, 0)
  const found = await waitFor(() => server.sql(`SELECT expected_qty, counted_qty, status FROM count_lines WHERE document_id = '${docId}' AND line_key = 'A-01-01|SKU-9'`)[0], { what: 'the found line' })
  assert.deepEqual(found, { expected_qty: null, counted_qty: 4, status: 'counted' })

  const anaMsg = ana.page.getByTestId('conflict-message').filter({ hasText: 'counted 12 here, you counted 10: a manager will review' })
  const benMsg = ben.page.getByTestId('conflict-message').filter({ hasText: 'counted 10 here, you counted 12: a manager will review' })
  await anaMsg.waitFor({ timeout: 15_000 })
  await benMsg.waitFor({ timeout: 15_000 })
  assert.equal(await ana.page.locator('[data-testid=line][data-key="A-01-01|SKU-1"]').getAttribute('data-status'), 'conflict')
  assert.equal(await ben.page.locator('[data-testid=line][data-key="A-01-01|SKU-1"]').getAttribute('data-status'), 'conflict')
  // The other person's lines merged in too.
  await ana.page.locator('[data-testid=line][data-key="A-01-01|SKU-9"]').waitFor()
  await ben.page.locator('[data-testid=line][data-key="A-01-01|SKU-2"]').waitFor()
  await ana.page.evaluate(() => window.scrollTo(0, 0))
  await ben.page.evaluate(() => window.scrollTo(0, 0))
  await screenshot(ana.page, '13-count-conflict-phone-ana')
  await screenshot(ben.page, '14-count-conflict-phone-ben')

  // The manager asks for a recount of the line: both phones prompt for pass 2, Ana
  // counts again, and the line is settled by the new pass.
  const handle = await manager.repo.find(server.countUrl)
  handle.change((d) => {
    d.lines['A-01-01|SKU-1'].recount = { count_index: 2, by: manager.userId, at: new Date().toISOString(), device: manager.deviceId }
  })
  await manager.waitSynced(handle)
  for (const p of [ana.page, ben.page]) await p.getByText('Recount requested: A-01-01 · Test item 1 (pass 2)').waitFor({ timeout: 15_000 })
  await countLine(ana.page, 'SKU-1', 11)
  const recounted = await readFromServer(server, server.users.mia, server.countUrl, (d) => d.entries.some((e) => e.count_index === 2 && !e.void), 15_000)
  assert.deepEqual(recounted.entries.filter((e) => e.count_index === 2).map((e) => e.qty), [11])
  for (const p of [ana.page, ben.page]) {
    await waitFor(async () => (await p.locator('[data-testid=line][data-key="A-01-01|SKU-1"]').getAttribute('data-status')) === 'counted', { what: 'the recounted line to settle' })
  }
  assert.equal(await ben.page.getByTestId('conflict-message').count(), 0, 'the conflict of pass 1 no longer asks anything of the phones')
  // Nothing either phone (or the manager) wrote broke the write policy.
  assert.deepEqual(server.sql('SELECT part, message FROM policy_violations'), [], 'no policy violations')
  assert.deepEqual([...ana.errors, ...ben.errors], [])
  await ana.context.close()
  await ben.context.close()
})

test('two phones answer the same checklist item differently offline: both see the conflict', async () => {
  const ana = await newPhone(browser, server)
  const ben = await newPhone(browser, server)
  for (const [phone, user] of [
    [ana, server.users.ana],
    [ben, server.users.ben],
  ]) {
    await loginInBrowser(phone.page, user)
    await openWork(phone.page, 'work-checklist_run', 'Dock safety walk')
    await phone.page.getByTestId('checklist-item').first().waitFor()
    await waitFor(async () => (await phone.page.getByTestId('sync-summary').textContent())?.includes('All work synced'), { what: 'synced before going offline' })
    await phone.context.setOffline(true)
  }
  const doors = (p) => p.getByTestId('checklist-item').filter({ hasText: 'Dock doors close fully' })
  await doors(ana.page).getByRole('button', { name: 'Pass' }).click()
  await doors(ben.page).getByRole('button', { name: 'Fail' }).click()
  await ana.context.setOffline(false)
  await ben.context.setOffline(false)
  await doors(ana.page).getByTestId('answer-conflict').filter({ hasText: 'answered Fail, you answered Pass: a manager will review' }).waitFor({ timeout: 15_000 })
  await doors(ben.page).getByTestId('answer-conflict').filter({ hasText: 'answered Pass, you answered Fail: a manager will review' }).waitFor({ timeout: 15_000 })
  const runId = server.runUrl.replace(/^automerge:/, '')
  // The answer is in the reporting tables. (Their `conflict` column should be 1 here, but
  // the server's flattener writes false for every response so far: reported to the lead.)
  await waitFor(() => server.sql(`SELECT outcome FROM checklist_responses WHERE document_id = '${runId}' AND label = 'Dock doors close fully'`)[0]?.outcome, { what: 'the answer in checklist_responses' })
  await doors(ana.page).scrollIntoViewIfNeeded()
  await screenshot(ana.page, '17-checklist-answer-conflict', { top: false })

  // Later both change the (now shared) answer while apart: still shown to both.
  const chiller = (p) => p.getByTestId('checklist-item').filter({ hasText: 'Chiller temperature' })
  await chiller(ana.page).locator('input').first().fill('3')
  await chiller(ana.page).locator('input').first().press('Tab')
  // Ben's phone has Ana's reading before they go apart (his field shows the stored value once he reopens it).
  await waitFor(async () => (await readFromServer(server, server.users.mia, server.runUrl, () => true)).responses?.[server.seed.template.items[1]]?.answer?.value === 3, { timeout: 15_000, what: 'the reading on the server' })
  await waitFor(async () => (await ben.page.evaluate(() => Object.values(window.__floorwalk.tracks()).every((t) => t.localHeads.every((h) => t.serverHeads?.includes(h))))), { what: 'Ben in sync' })
  await new Promise((r) => setTimeout(r, 1000))
  assert.equal(await chiller(ana.page).getByTestId('answer-conflict').count(), 0)
  await ana.context.setOffline(true)
  await ben.context.setOffline(true)
  for (const [p, v] of [[ana.page, '6'], [ben.page, '7']]) {
    await chiller(p).locator('input').first().fill(v)
    await chiller(p).locator('input').first().press('Tab')
  }
  await ana.context.setOffline(false)
  await ben.context.setOffline(false)
  await chiller(ana.page).getByTestId('answer-conflict').filter({ hasText: 'answered 7, you answered 6: a manager will review' }).waitFor({ timeout: 15_000 })
  await chiller(ben.page).getByTestId('answer-conflict').filter({ hasText: 'answered 6, you answered 7: a manager will review' }).waitFor({ timeout: 15_000 })
  assert.deepEqual([...ana.errors, ...ben.errors], [])
  await ana.context.close()
  await ben.context.close()
})
