// Translations: a browser whose language is Spanish gets the phone and the desk in
// Spanish, with numbers, money and dates formatted for es-ES; the language picker
// switches to English at once, and the choice survives a reload.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PHONE, screenshot } from './harness.mjs'
import { clearOfMidnight, clock, deskSuite, waitFlattened, writeCount } from './desk-fixtures.mjs'

const DAY = 86_400_000
// The phone's date format for due dates (ui/components.tsx fmtDate).
const DUE_FORMAT = { weekday: 'short', hour: '2-digit', minute: '2-digit', day: 'numeric', month: 'short' }

const suite = deskSuite('i18n', {
  setup: async (s) => {
    await clearOfMidnight(2 * 60_000)
    const c = clock()
    // Due tomorrow 10:00 UTC; SKU-1 counted 10 of 10, SKU-2 8 of 10: accuracy 1 / 2, variance €2.00.
    s.dueAt = new Date(c.todayStart + DAY + 10 * 3600_000).toISOString()
    s.count = await writeCount(s.manager, 'north', {
      title: 'Recuento pasillo A-01',
      lines: { 'A-01-01|SKU-1': 10, 'A-01-01|SKU-2': 10 },
      entries: [
        { key: 'A-01-01|SKU-1', qty: 10, at: c.cur(0.5) },
        { key: 'A-01-01|SKU-2', qty: 8, at: c.cur(0.5) },
      ],
      dueAt: s.dueAt,
    })
    await waitFlattened(s.server, [s.count])
  },
})

async function spanishContext(options) {
  const context = await suite.browser.newContext({ baseURL: suite.server.url, locale: 'es-ES', timezoneId: 'UTC', ...options })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  return { context, page, errors }
}

/** How the page itself formats `iso` in `locale` (the same ICU data as the app's). */
const formatIn = (page, iso, locale, options) => page.evaluate(([i, l, o]) => new Date(i).toLocaleString(l, o), [iso, locale, options])

test('the phone in Spanish: login, work list, due date; the picker switches to English and is remembered', async () => {
  const { context, page, errors } = await spanishContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, serviceWorkers: 'allow' })
  try {
    await page.goto('/')
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'es')
    await page.getByLabel('Correo electrónico').fill(suite.users.staff.email)
    await page.getByLabel('Contraseña').fill(suite.users.staff.password)
    await page.getByRole('button', { name: 'Iniciar sesión' }).click()
    await page.getByRole('heading', { name: 'Mi trabajo de hoy' }).waitFor({ timeout: 20_000 })
    await page.getByRole('heading', { name: 'Recuentos' }).waitFor()
    const card = page.getByTestId('work-count_session').filter({ hasText: 'Recuento pasillo A-01' })
    await card.waitFor()
    // The due date in Spanish words and order, not the English form.
    const es = await formatIn(page, suite.dueAt, 'es-ES', DUE_FORMAT)
    const en = await formatIn(page, suite.dueAt, 'en-US', DUE_FORMAT)
    assert.notEqual(es, en)
    await card.filter({ hasText: `vence ${es}` }).waitFor()
    await page.getByTestId('doc-status').filter({ hasText: 'Sincronizado' }).first().waitFor({ timeout: 20_000 })
    assert.match((await page.getByTestId('sync-banner').textContent()) ?? '', /En línea/)
    await page.getByRole('button', { name: 'Cerrar sesión' }).waitFor()
    await screenshot(page, 'i18n-phone-es')
    // A count screen in Spanish, quantities in es-ES.
    await card.click()
    await page.getByRole('heading', { name: '1. Escanea o elige una ubicación' }).waitFor()
    assert.match((await page.locator('.chip').filter({ hasText: 'registros' }).first().textContent()) ?? '', /^2 registros$/)
    await page.getByRole('button', { name: 'Atrás' }).click()
    await page.getByRole('heading', { name: 'Mi trabajo de hoy' }).waitFor()

    // The override: English at once, everywhere on the screen.
    await page.locator('select[name=language]').selectOption('en')
    await page.getByRole('heading', { name: 'My work today' }).waitFor()
    await card.filter({ hasText: `due ${en}` }).waitFor()
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en')
    assert.equal(await page.evaluate(() => localStorage.getItem('fw.lang')), 'en')
    // Remembered on this device, over the browser's Spanish.
    await page.reload()
    await page.getByRole('heading', { name: 'My work today' }).waitFor({ timeout: 20_000 })
    assert.equal(await page.getByRole('button', { name: 'Log out' }).count(), 1)
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})

test('the desk in Spanish: navigation, KPI names, percentages, money and days; then English', async () => {
  const { context, page, errors } = await spanishContext({ viewport: { width: 1440, height: 900 }, serviceWorkers: 'block' })
  try {
    await page.goto('/')
    await page.getByLabel('Correo electrónico').fill(suite.users.manager.email)
    await page.getByLabel('Contraseña').fill(suite.users.manager.password)
    await page.getByRole('button', { name: 'Iniciar sesión' }).click()
    await page.getByRole('heading', { name: 'Mi trabajo de hoy' }).waitFor({ timeout: 20_000 })
    await page.goto('/desk')
    await page.getByRole('navigation', { name: 'Panel' }).getByRole('link', { name: 'Resumen', exact: true }).waitFor({ timeout: 20_000 })
    await page.locator('select[name=site]').selectOption('north')
    await page.getByRole('group', { name: 'Periodo' }).getByRole('button', { name: 'Hoy', exact: true }).click()
    const c = clock()
    await page.locator(`.desk-tiles[data-scope="north|${c.today}|${c.today}"]`).waitFor({ timeout: 20_000 })
    const accuracy = page.getByTestId('kpi-inventory_record_accuracy')
    assert.equal((await accuracy.locator('h3').textContent())?.trim(), 'Exactitud del inventario')
    // es-ES: decimal comma and a (no-break) space before % and €.
    assert.match((await accuracy.getByTestId('value').textContent()) ?? '', /^50,0\s%$/)
    assert.match((await page.getByTestId('kpi-variance_value_minor').getByTestId('value').textContent()) ?? '', /^2,00\s€$/)
    assert.match((await accuracy.getByTestId('previous').textContent()) ?? '', /^Periodo anterior: /)
    // The period's days in Spanish.
    const day = await formatIn(page, `${c.today}T00:00:00Z`, 'es-ES', { day: 'numeric', month: 'short', timeZone: 'UTC' })
    assert.match((await page.getByTestId('periods').textContent()) ?? '', new RegExp(`^Periodo ${day} – ${day}; anterior `))
    await screenshot(page, 'i18n-desk-es')

    await page.locator('select[name=language]').selectOption('en')
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Overview', exact: true }).waitFor()
    assert.equal((await accuracy.locator('h3').textContent())?.trim(), 'Inventory record accuracy')
    assert.equal((await accuracy.getByTestId('value').textContent())?.trim(), '50.0%')
    assert.equal((await page.getByTestId('kpi-variance_value_minor').getByTestId('value').textContent())?.trim(), '€2.00')
    assert.deepEqual(errors, [])
  } finally {
    await context.close()
  }
})
