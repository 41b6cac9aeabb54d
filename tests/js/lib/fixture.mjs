// Test fixtures: one database + one server per suite, standard sites and users.
import { createDatabase } from './db.mjs'
import { cli, FloorwalkServer } from './server.mjs'

export const PASSWORD = 'correct horse battery staple'

/**
 * The standard world used by the suites:
 *   sites north, south
 *   staff of north: alice, bob, carol, dave, erin (erin is also staff of south)
 *   viewer of north: vera;  staff of south: sam
 */
export const STANDARD_USERS = [
  { email: 'alice@north.test', role: 'staff', sites: ['north'] },
  { email: 'bob@north.test', role: 'staff', sites: ['north'] },
  { email: 'carol@north.test', role: 'staff', sites: ['north'] },
  { email: 'dave@north.test', role: 'staff', sites: ['north'] },
  { email: 'erin@both.test', role: 'staff', sites: ['north', 'south'] },
  { email: 'vera@north.test', role: 'viewer', sites: ['north'] },
  { email: 'sam@south.test', role: 'staff', sites: ['south'] },
]

export async function provision(dbUrl, { sites = ['north', 'south'], users = STANDARD_USERS } = {}) {
  await cli(dbUrl, ['migrate'])
  for (const s of sites) await cli(dbUrl, ['site', 'add', s, '--name', `Site ${s}`])
  for (const u of users) {
    const args = ['user', 'add', u.email, '--role', u.role, '--name', u.email.split('@')[0]]
    for (const s of u.sites ?? []) args.push('--site', s)
    await cli(dbUrl, args, { input: `${u.password ?? PASSWORD}\n` })
  }
}

/**
 * Create a database for `backend`, provision it, start a server.
 * Returns a context { backend, db, server, cleanup() }.
 */
export async function setupBackend(backend, { env = {}, label, sites, users, start = true } = {}) {
  const db = await createDatabase(backend)
  const ctx = { backend, db, server: undefined, clients: [] }
  try {
    await provision(db.url, { sites, users })
    ctx.server = new FloorwalkServer({ dbUrl: db.url, env, label: `${label ?? 'suite'}-${backend}` })
    if (start) await ctx.server.start()
  } catch (e) {
    await db.drop().catch(() => {})
    throw e
  }
  ctx.cleanup = async () => {
    for (const c of ctx.clients) await c.close().catch(() => {})
    ctx.clients = []
    if (ctx.server?.running) await ctx.server.kill()
    await db.drop()
  }
  return ctx
}

/**
 * Wrap a test body so that a failure carries the server's stderr tail in its message.
 * `getServers` returns the server(s) whose logs matter.
 */
export function withServerLogs(getServers, fn) {
  return async (t) => {
    try {
      return await fn(t)
    } catch (e) {
      const servers = [getServers()].flat().filter(Boolean)
      const logs = servers.map((s) => s.logTail(4000)).join('\n')
      if (e && typeof e === 'object') {
        try {
          e.message = `${e.message}\n${logs}`
        } catch {
          /* read-only message */
        }
      }
      throw e
    }
  }
}
