// Live: with the dashboard open, a count entry synced by a Node automerge-repo client
// (a phone) changes the accuracy tile and the session's line within 2 s, no reload.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { FLOORWALK_BIN, screenshot } from './harness.mjs'
import { addEntry, clock, deskSuite, tileText, waitFlattened, waitFor, writeCount } from './desk-fixtures.mjs'

const suite = deskSuite('desk-live')
let phone

test('a synced count entry shows on the open dashboard within 2 s', async () => {
  const c = clock()
  // SKU-1 counted 10 of 10; SKU-2 not yet counted → accuracy 1 / 1 = 100.0%.
  const session = await writeCount(suite.manager, 'north', {
    title: 'Live count',
    lines: { 'A-01-01|SKU-1': 10, 'A-01-01|SKU-2': 10 },
    entries: [{ key: 'A-01-01|SKU-1', qty: 10, at: c.cur(0.5) }],
    dueAt: new Date(Date.now() + 3600_000).toISOString(),
  })
  await waitFlattened(suite.server, [session])
  const { page, context, errors } = await suite.openDesk(suite.users.manager)
  try {
    await page.locator('select[name=site]').selectOption('north')
    await page.getByRole('group', { name: 'Date range' }).getByRole('button', { name: 'Today', exact: true }).click()
    const accuracy = page.getByTestId('kpi-inventory_record_accuracy')
    await accuracy.getByTestId('detail').filter({ hasText: '1 / 1' }).waitFor({ timeout: 15_000 })
    assert.equal(await tileText(page, 'inventory_record_accuracy', 'value'), '100.0%')
    // The same session's review in a second tab.
    const review = await context.newPage()
    review.on('pageerror', (e) => errors.push(e.message))
    await review.goto(`/desk/counts/${session.documentId}`)
    const line = review.getByTestId('count-lines').locator('tr[data-key="A-01-01|SKU-2"]')
    await line.filter({ hasText: 'uncounted' }).waitFor({ timeout: 15_000 })
    await waitFor(async () => (await page.getByTestId('live-status').getAttribute('data-state')) === 'live', { what: 'the overview to be live' })
    await waitFor(async () => (await review.getByTestId('live-status').getAttribute('data-state')) === 'live', { what: 'the review to be live' })

    // A phone counts SKU-2: 7 of 10 → 1 of 2 lines within tolerance = 50.0%; variance −3.
    phone = await suite.connect(suite.users.manager)
    const handle = await phone.repo.find(session.url)
    await addEntry(phone, handle, { key: 'A-01-01|SKU-2', qty: 7 })
    const synced = Date.now()
    await accuracy.getByTestId('detail').filter({ hasText: '1 / 2' }).waitFor({ timeout: 2000 })
    assert.equal(await tileText(page, 'inventory_record_accuracy', 'value'), '50.0%')
    await line.filter({ hasText: '-3' }).waitFor({ timeout: Math.max(1, 2000 - (Date.now() - synced)) })
    assert.match((await line.textContent()) ?? '', /7 by Maria Manager on /)
    const elapsed = Date.now() - synced
    assert.ok(elapsed <= 2000, `took ${elapsed} ms`)
    assert.match((await page.getByTestId('updated-ago').textContent()) ?? '', /updated [0-2] s ago/)
    await screenshot(review, 'desk-live-review')
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})

test('a lost live connection is shown and retried until the server is back', async () => {
  const { page, context, errors } = await suite.openDesk(suite.users.manager)
  try {
    await waitFor(async () => (await page.getByTestId('live-status').getAttribute('data-state')) === 'live', { what: 'live' })
    // Node clients would keep the test process alive retrying (hourly) after the restart.
    await phone?.close()
    await suite.manager?.close()
    phone = suite.manager = undefined
    // The server goes away: the stream ends, the desk says so and keeps retrying.
    const port = new URL(suite.server.url).port
    const old = suite.server.proc
    const exited = new Promise((r) => old.once('exit', r))
    old.kill('SIGTERM')
    await exited
    await page.getByTestId('live-status').filter({ hasText: /Live updates lost.*retrying in \d+ s/ }).waitFor({ timeout: 10_000 })
    await screenshot(page, 'desk-live-lost')
    // The same server (database, port) comes back: the desk reconnects by itself.
    suite.server.proc = spawn(FLOORWALK_BIN, ['serve', '--bind', `127.0.0.1:${port}`], { env: suite.server.env(), stdio: ['ignore', 'ignore', 'ignore'] })
    await waitFor(async () => (await page.getByTestId('live-status').getAttribute('data-state')) === 'live', { timeout: 45_000, what: 'the live connection to come back' })
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})
