// Evidence photos for closing a corrective action: content-addressed uploads
// (PUT /api/attachments/{sha256}?site=), then referenced by hash.
import { authFetch, readError } from '../data/session'

export interface EvidenceRef {
  sha256: string
  content_type: string
  size: number
}

async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export async function uploadEvidence(site: string, file: File): Promise<EvidenceRef> {
  const data = await file.arrayBuffer()
  const sha256 = await sha256Hex(data)
  const content_type = file.type || 'application/octet-stream'
  const res = await authFetch(`/api/attachments/${sha256}?site=${encodeURIComponent(site)}`, { method: 'PUT', headers: { 'content-type': content_type }, body: data })
  if (!res.ok) throw await readError(res)
  return { sha256, content_type, size: data.byteLength }
}
