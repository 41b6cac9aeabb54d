// The JS half of the Rust samod interop test (server/tests/it/samod_interop.rs):
// an official automerge-repo client that finds a document a samod peer created,
// waits for samod's entry, appends its own, and stays connected until its
// stdin closes. Progress goes to stdout, one word per line.
// Usage: node samod-partner.mjs <server base url> <email> <password> <automerge url>
import { Client, waitForDoc } from '../lib/client.mjs'
import { Session } from '../lib/auth.mjs'

const [base, email, password, url] = process.argv.slice(2)
const session = await Session.login(() => base, email, password)

let client
let handle
const deadline = Date.now() + 30_000
for (let attempt = 1; !handle; attempt++) {
  client = Client.fromSession(session, { name: `js#${attempt}` })
  try {
    handle = await client.find(url, 5_000)
  } catch (e) {
    await client.close()
    if (Date.now() > deadline || !/unavailable/i.test(e.message)) throw e
  }
}
console.log('FOUND')
const has = (value) => (d) => Array.isArray(d.entries) && d.entries.some((e) => String(e) === value)
await waitForDoc(handle, has('samod-1'), { what: "samod's entry", timeout: 20_000 })
console.log('SAW_SAMOD')
handle.change((d) => d.entries.push('js-1'))
console.log('WROTE')
process.stdin.resume()
process.stdin.on('end', async () => {
  await client.close()
  process.exit(0)
})
