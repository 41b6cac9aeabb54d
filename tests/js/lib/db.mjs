// Per-test databases: a fresh SQLite file in a temp dir, or a fresh Postgres database.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const PG_ADMIN_URL = process.env.FLOORWALK_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const PG_BASE = process.env.FLOORWALK_TEST_PG_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432'

/** Backends to run the backend-parametrised suites for (env FLOORWALK_TEST_BACKENDS, default both). */
export function backends() {
  const list = (process.env.FLOORWALK_TEST_BACKENDS ?? 'sqlite,postgres')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const b of list) if (b !== 'sqlite' && b !== 'postgres') throw new Error(`unknown backend ${b}`)
  return list
}

/**
 * Create a fresh, empty database for `backend` and return { backend, url, dir, drop() }.
 * Postgres missing is an error (never a skip): the message says how to fix it.
 */
export async function createDatabase(backend) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-js-'))
  if (backend === 'sqlite') {
    const file = path.join(dir, 'fw.db')
    return {
      backend,
      url: `sqlite://${file}`,
      dir,
      async drop() {
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  if (backend !== 'postgres') throw new Error(`unknown backend ${backend}`)
  const name = `fw_js_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
  try {
    await admin.connect()
  } catch (e) {
    throw new Error(
      `PostgreSQL is required for the postgres suites but ${PG_ADMIN_URL} is not reachable ` +
        `(${e.message}). Start it, or set FLOORWALK_TEST_BACKENDS=sqlite to run SQLite only.`,
    )
  }
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  return {
    backend,
    url: `${PG_BASE}/${name}`,
    dir,
    name,
    async drop() {
      rmSync(dir, { recursive: true, force: true })
      const c = new pg.Client({ connectionString: PG_ADMIN_URL })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}
