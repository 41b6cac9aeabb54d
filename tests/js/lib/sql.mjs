// Read the server's SQL tables directly: the sqlite3 CLI for SQLite, `pg` for Postgres.
import { execFileSync } from 'node:child_process'
import pg from 'pg'

/** Run `sql` (no parameters: tests build it from their own ids) on `db`; resolves rows as objects. */
export async function queryRows(db, sql) {
  if (db.backend === 'sqlite') {
    const file = db.url.replace(/^sqlite:\/\//, '')
    const out = execFileSync('sqlite3', ['-json', '-readonly', file, sql], { encoding: 'utf8' })
    return out.trim() ? JSON.parse(out) : []
  }
  const client = new pg.Client({ connectionString: db.url })
  await client.connect()
  try {
    return (await client.query(sql)).rows
  } finally {
    await client.end()
  }
}
