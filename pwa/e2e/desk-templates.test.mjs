// Checklist template editor: a manager creates a template and publishes a second
// version; the phones' copy of the site document has both versions.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFromServer, screenshot } from './harness.mjs'
import { deskSuite, waitFor } from './desk-fixtures.mjs'

// Master data first, as a site has before anyone writes templates.
const suite = deskSuite('desk-templates', { manager: false })

test('create a checklist template and publish a new version', async () => {
  const { page, context, errors } = await suite.openDesk(suite.users.manager, '/desk/master-data')
  try {
    await page.locator('select[name=site]').selectOption('north')
    const editor = page.getByRole('form', { name: 'Checklist template editor' })
    await editor.waitFor({ timeout: 15_000 })
    await editor.locator('input[name=tpl-name]').fill('Cold chain walk')
    await editor.getByRole('button', { name: 'Add item' }).click()
    await editor.getByLabel('Item 1 label').fill('Door seals intact')
    await editor.getByRole('button', { name: 'Add item' }).click()
    await editor.getByLabel('Item 2 label').fill('Freezer temperature')
    await editor.getByLabel('Item 2 kind').selectOption('number')
    await editor.getByLabel('Item 2 unit').fill('C')
    await editor.getByLabel('Item 2 min').fill('-25')
    await editor.getByLabel('Item 2 max').fill('-18')
    await editor.getByRole('button', { name: 'Publish version' }).click()
    await editor.getByRole('status').filter({ hasText: '"Cold chain walk" version 1 published' }).waitFor()
    await screenshot(page, 'desk-template-editor')
    // Version 2 adds an item.
    await editor.getByRole('button', { name: 'Add item' }).click()
    await editor.getByLabel('Item 3 label').fill('Notes')
    await editor.getByLabel('Item 3 kind').selectOption('text')
    await editor.getByRole('button', { name: 'Publish version' }).click()
    await editor.getByRole('status').filter({ hasText: 'version 2 published' }).waitFor()

    const me = await (await suite.server.api('/api/me', { token: (await suite.server.login(suite.users.staff)).access_token })).json()
    const url = me.sites.find((s) => s.slug === 'north').site_document_url
    const doc = await readFromServer(suite.server, suite.users.staff, url, (d) => Object.values(d.checklist_templates ?? {}).some((t) => t.versions.length === 2))
    const [tpl] = Object.values(doc.checklist_templates)
    assert.equal(tpl.name, 'Cold chain walk')
    assert.deepEqual(
      tpl.versions.map((v) => [v.version, v.items.map((i) => [i.label, i.kind, i.required])]),
      [
        [1, [['Door seals intact', 'check', true], ['Freezer temperature', 'number', true]]],
        [2, [['Door seals intact', 'check', true], ['Freezer temperature', 'number', true], ['Notes', 'text', true]]],
      ],
    )
    assert.deepEqual([tpl.versions[0].items[1].unit, tpl.versions[0].items[1].min, tpl.versions[0].items[1].max], ['C', -25, -18])
    // The server accepts both versions: flattened as the latest, no validation problem.
    await waitFor(() => suite.server.sql("SELECT latest_version FROM checklist_templates WHERE name = 'Cold chain walk'")[0]?.latest_version === 2, { timeout: 10_000, what: 'version 2 flattened' })
    assert.deepEqual(suite.server.sql('SELECT path, message FROM document_problems'), [])
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})
