// Time to first full render of the desk overview, for the benchmark (not a test):
// logs in once, then loads /desk N times and measures from navigation start until every
// KPI tile shows a value and every trend chart is drawn.
//
//   node scripts/overview-render.mjs --url http://127.0.0.1:8080 --email manager@demo.floorwalk \
//        --password demo-manager [--site demo] [--range 30d] [--runs 10]
//
// Prints each run and the median / p95 in ms. Chromium from CHROMIUM_PATH or /usr/bin/chromium.
import { chromium } from 'playwright-core'
import { parseArgs } from 'node:util'

const { values: o } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    email: { type: 'string', default: 'manager@demo.floorwalk' },
    password: { type: 'string', default: 'demo-manager' },
    site: { type: 'string' },
    range: { type: 'string', default: '30d' },
    runs: { type: 'string', default: '10' },
  },
})

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] })
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: o.url, serviceWorkers: 'block' })
const page = await context.newPage()
await page.goto('/')
await page.getByLabel('Email').fill(o.email)
await page.getByLabel('Password').fill(o.password)
await page.getByRole('button', { name: 'Log in' }).click()
await page.getByRole('heading', { name: 'My work today' }).waitFor({ timeout: 30_000 })
await page.evaluate(({ site, range }) => localStorage.setItem('fw.desk', JSON.stringify({ site: site ?? 'all', preset: range })), { site: o.site, range: o.range })

const times = []
for (let i = 0; i < Number(o.runs); i++) {
  await page.goto('/desk')
  await page.waitForFunction(
    () => {
      const tiles = [...document.querySelectorAll('[data-testid^="kpi-"]')]
      const trends = document.querySelectorAll('.desk-trend')
      return tiles.length > 0 && tiles.every((t) => t.querySelector('[data-testid=value]')?.textContent !== '—') && trends.length > 0 && [...trends].every((c) => c.querySelector('canvas'))
    },
    null,
    { timeout: 60_000, polling: 10 },
  )
  const ms = await page.evaluate(() => performance.now())
  times.push(Math.round(ms))
  console.log(`run ${i + 1}: ${Math.round(ms)} ms`)
}
if (process.env.VERBOSE) {
  const entries = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => [e.name.replace(location.origin, ''), Math.round(e.startTime), Math.round(e.responseEnd)]))
  for (const e of entries) console.log(e.join('\t'))
}
times.sort((a, b) => a - b)
const at = (q) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]
console.log(`overview first full render over ${times.length} runs: median ${at(0.5)} ms, p95 ${at(0.95)} ms`)
await browser.close()
