// Policy violations on the desk: edits staff synced against the write policy (undone by
// the server) are listed per site scope and period with who, device, part, what they
// tried, why and when; the CSV export keeps a tried formula as text; each row opens the
// document's audit trail, which lists the same undone edits.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { screenshot } from './harness.mjs'
import { clock, deskSuite, waitFor, writeCount } from './desk-fixtures.mjs'

const LINE = 'A-01-01|SKU-1'
const FORMULA = '=HYPERLINK("http://evil.test","x")'

/** `client` approves LINE of `session` (only a manager may) and, optionally, retitles it (nor that). */
async function forge(client, session, { retitle } = {}) {
  const handle = await client.repo.find(session.url)
  handle.change((d) => {
    d.lines[LINE].approval = { qty: 999, by: client.userId, at: new Date().toISOString(), device: client.deviceId }
  })
  if (retitle) handle.change((d) => (d.title = retitle))
  await client.waitSynced(handle)
}

const suite = deskSuite('desk-violations', {
  setup: async (s) => {
    const c = clock()
    s.session = await writeCount(s.manager, 'north', { title: 'Policy count', lines: { [LINE]: 10 }, dueAt: c.cur(0.9) })
    const south = await writeCount(s.manager, 'south', { title: 'South count', lines: { [LINE]: 4 }, dueAt: c.cur(0.9) })
    s.staff = await s.connect(s.users.staff)
    await forge(s.staff, s.session, { retitle: FORMULA })
    await s.server.addUser('porter@south.test', 'staff', 'Pat Porter', ['south'])
    s.porter = await s.connect({ email: 'porter@south.test', password: 'correct-horse-1' })
    await forge(s.porter, south)
    await waitFor(() => s.server.sql('SELECT COUNT(*) AS n FROM policy_violations')[0].n === 3, { timeout: 15_000, what: 'three violations stored' })
  },
})

test('the manager lists undone edits by site and period, exports them, and opens the trail', async () => {
  const { page, context, errors } = await suite.openDesk(suite.users.manager, '/desk/violations')
  try {
    await page.locator('select[name=site]').selectOption('north')
    const rows = page.getByTestId('violations').locator('tbody tr')
    await waitFor(async () => (await rows.count()) === 2 && (await rows.first().textContent())?.includes('staff@north.test'), { timeout: 15_000, what: "north's two undone edits" })
    const approval = rows.filter({ hasText: 'only a manager can approve counts' })
    const text = (await approval.textContent()) ?? ''
    assert.match(text, /staff@north\.test/)
    assert.ok(text.includes(suite.staff.deviceId), `the device: ${text}`)
    assert.ok(text.includes(`lines["${LINE}"]`), `the part: ${text}`)
    assert.match(text, /"qty":999/)
    assert.ok(((await rows.filter({ hasText: 'title' }).textContent()) ?? '').includes(FORMULA), 'what they tried, as text')
    assert.doesNotMatch((await page.getByTestId('violations').textContent()) ?? '', /porter@south/)
    await screenshot(page, 'desk-violations')

    // CSV through the desk's helper: the tried formula stays text.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()])
    const csv = readFileSync(await download.path(), 'utf8')
    const [header, ...lines] = csv.trimEnd().split('\r\n')
    assert.equal(header, 'detected_at,site,document_id,doc_type,user_id,user_email,device,part,attempted,message')
    assert.equal(lines.length, 2)
    assert.ok(csv.includes(`"'=HYPERLINK(""http://evil.test"",""x"")"`), csv)
    assert.ok(lines.every((l) => !/(^|,)[=+@]/.test(l)), 'no cell a spreadsheet would run')
    assert.ok(lines.some((l) => l.includes(suite.staff.deviceId) && l.includes('only a manager can approve counts')))

    // Every site of the manager: south's too.
    await page.locator('select[name=site]').selectOption('all')
    await rows.filter({ hasText: 'porter@south.test' }).waitFor({ timeout: 10_000 })
    assert.equal(await rows.count(), 3)
    // A period without any: none listed.
    const past = clock().daysAgo(20).slice(0, 10)
    await page.getByRole('button', { name: 'Custom', exact: true }).click()
    await page.locator('input[name=from]').fill(past)
    await page.locator('input[name=to]').fill(past)
    await page.getByTestId('violations').getByText('No edits were undone in this period.').waitFor({ timeout: 10_000 })

    // The document's audit trail lists its undone edits too.
    await page.getByRole('button', { name: '7 days', exact: true }).click()
    await page.locator('select[name=site]').selectOption('north')
    await waitFor(async () => (await rows.count()) === 2, { what: "north's rows again" })
    await approval.getByRole('link', { name: `Open the audit trail of document ${suite.session.documentId}` }).click()
    const trail = page.getByTestId('history-violations').locator('tbody tr')
    await trail.filter({ hasText: 'only a manager can approve counts' }).waitFor({ timeout: 15_000 })
    assert.equal(await trail.count(), 2)
    assert.match((await page.getByRole('heading', { name: /Undone edits/ }).textContent()) ?? '', /\(2\)/)
    await screenshot(page, 'desk-audit-violations')
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})
