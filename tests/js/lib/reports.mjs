// What the manager's desk reads: the REST reports, the policy-violations list, and
// whether the flattener has caught up with what the server stored.
import * as A from '@automerge/automerge'
import { getJson } from './auth.mjs'
import { queryRows } from './sql.mjs'
import { waitFor } from './wait.mjs'

/** GET `path` with `token`; the JSON body, or a thrown error naming the status. */
export async function report(baseUrl, token, path) {
  const res = await getJson(baseUrl, path, { headers: { authorization: `Bearer ${token}` } })
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${res.text}`)
  return res.body
}

/** The bodies of several report paths, keyed by path (for a before/after comparison). */
export async function reports(baseUrl, token, paths) {
  const out = {}
  for (const p of paths) out[p] = await report(baseUrl, token, p)
  return out
}

const sortedHeads = (json) => JSON.stringify([...JSON.parse(json ?? '[]')].sort())

/**
 * Waits until the server stored every change of each handle (the stored heads are the
 * handle's: the attacker's copy has the undo too) and the flattener has flattened
 * exactly those heads, so the reports show the document as it now is. `flattened:
 * false` for a document of no Floorwalk type, which is stored but never flattened.
 */
export async function waitFlattened(db, handles, { timeout = 15_000, flattened = true } = {}) {
  await waitFor(
    async () => {
      for (const h of handles) {
        const want = JSON.stringify([...A.getHeads(h.doc())].sort())
        const rows = await queryRows(
          db,
          `SELECT d.heads AS stored, f.heads AS flattened FROM documents d
           LEFT JOIN flattened_heads f ON f.document_id = d.id WHERE d.id = '${h.documentId}'`,
        )
        if (rows.length !== 1 || sortedHeads(rows[0].stored) !== want) return false
        if (flattened && sortedHeads(rows[0].flattened) !== want) return false
      }
      return true
    },
    { timeout, what: `the server to store and flatten ${handles.map((h) => h.documentId).join(', ')}` },
  )
}

/**
 * Waits for the `/api/reports/policy-violations` rows of one document that match
 * `where` (part, user, device…) and returns them.
 */
export async function waitViolations(baseUrl, token, documentId, where, { timeout = 15_000, count = 1 } = {}) {
  let last
  try {
    return await waitFor(
      async () => {
        const body = await report(baseUrl, token, `/api/reports/policy-violations?document=${documentId}&limit=1000`)
        last = body.rows
        const rows = body.rows.filter(where)
        return rows.length >= count && rows
      },
      { timeout, what: `policy violations of ${documentId}` },
    )
  } catch (e) {
    e.message += `; rows now: ${JSON.stringify(last)?.slice(0, 3000)}`
    throw e
  }
}

/** A counter of the server's /metrics (Prometheus text), 0 when absent. */
export async function metric(baseUrl, name) {
  const text = await (await fetch(`${baseUrl}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line ? Number(line.split(' ')[1]) : 0
}
