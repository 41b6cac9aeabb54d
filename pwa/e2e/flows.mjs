// Steps a person does on the phone, shared by the browser tests.
import path from 'node:path'
import { PWA_ROOT } from './harness.mjs'

export const PHOTO = path.join(PWA_ROOT, 'public/icons/icon-512.png')

export async function openWork(page, testId, name) {
  const card = page.getByTestId(testId).filter({ hasText: name })
  await card.first().click()
}

export async function goHome(page) {
  await page.getByRole('button', { name: 'Back' }).click()
  await page.getByRole('heading', { name: 'My work today' }).waitFor()
}

/** Type into the manual code field and press Enter (a person typing, not a scanner). */
export async function enterCode(page, code) {
  const input = page.locator('input[name=manual-code]')
  await input.fill(code)
  await input.press('Enter')
}

/**
 * A keyboard-wedge scan: real key events, sent as one burst. A scanner types a code in a
 * few milliseconds; `keyboard.type` waits for each key's round trip, which on a loaded
 * machine can exceed the detector's 45 ms gap and turn the scan into typing. All presses
 * are put on the wire at once (the protocol keeps their order), Enter last.
 */
export async function wedgeScan(page, code) {
  await Promise.all([...code, 'Enter'].map((key) => page.keyboard.press(key)))
}

export async function setQtyAndSave(page, qty) {
  const q = page.locator('input[name=qty]')
  await q.fill(String(qty))
  await page.getByRole('button', { name: 'Save count' }).click()
  await page.getByTestId('scan-message').filter({ hasText: `× ${qty}` }).waitFor()
}

export async function pickLocation(page, code) {
  const change = page.getByRole('button', { name: 'Change location' })
  if (await change.isVisible()) await change.click()
  await page.getByRole('button', { name: new RegExp(`^${code}`) }).click()
  await page.getByRole('heading', { name: `At ${code}`, exact: true }).waitFor()
}

/** Count one line by typing its SKU, then the keypad. */
export async function countLine(page, sku, qty) {
  await enterCode(page, sku)
  await page.getByTestId('current-line').filter({ hasText: sku }).waitFor()
  await setQtyAndSave(page, qty)
}

export async function drawSignature(page) {
  const pad = page.getByTestId('signature-pad')
  await pad.scrollIntoViewIfNeeded()
  const box = await pad.boundingBox()
  if (!box) throw new Error('no signature pad')
  const y = box.y + box.height / 2
  await page.mouse.move(box.x + 20, y)
  await page.mouse.down()
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 20 + i * 20, y + (i % 2 ? -25 : 25), { steps: 2 })
  await page.mouse.up()
}

export async function waitServiceWorker(page) {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready
    if (reg.active?.state !== 'activated') {
      await new Promise((resolve) => reg.active?.addEventListener('statechange', () => reg.active?.state === 'activated' && resolve(null)))
    }
    return { state: reg.active?.state, scope: reg.scope }
  })
}

export function docUrlFromPage(page) {
  const m = /\/(?:count|checklist|shipment)\/([^/?#]+)/.exec(page.url())
  if (!m) throw new Error(`no document in ${page.url()}`)
  return `automerge:${m[1]}`
}
