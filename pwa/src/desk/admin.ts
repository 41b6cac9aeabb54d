// Administration API (admin only): users with one role and their sites; sites.
import { getJson } from '../data/session'
import { sendJson } from './api'

export const ROLES = ['admin', 'manager', 'staff', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export interface AdminUser {
  user_id: string
  email: string
  display_name: string
  role: Role
  disabled: boolean
  /** Slugs of the sites the user belongs to. */
  sites: string[]
}

/** As the server sends it: site slugs, or (newer servers) {slug, role} per site. */
type WireUser = Omit<AdminUser, 'sites'> & { sites: (string | { slug: string; role?: string })[] }

function fromWire(u: WireUser): AdminUser {
  return { ...u, sites: u.sites.map((s) => (typeof s === 'string' ? s : s.slug)) }
}

export interface AdminSite {
  slug: string
  name: string
  members: number
  site_document_url: string | null
}

export interface NewUser {
  email: string
  display_name: string
  password: string
  role: Role
  sites: string[]
}

const user = (id: string) => `/api/admin/users/${encodeURIComponent(id)}`

export const adminApi = {
  users: () => getJson<{ users: WireUser[] }>('/api/admin/users').then((r) => r.users.map(fromWire)),
  sites: () => getJson<{ sites: AdminSite[] }>('/api/admin/sites').then((r) => r.sites),
  createUser: (u: NewUser) => sendJson<AdminUser>('/api/admin/users', 'POST', u),
  patchUser: (id: string, patch: { role?: Role; disabled?: boolean; display_name?: string }) => sendJson<AdminUser>(user(id), 'PATCH', patch),
  addToSite: (id: string, slug: string) => sendJson<AdminUser>(`${user(id)}/sites/${encodeURIComponent(slug)}`, 'PUT', {}),
  removeFromSite: (id: string, slug: string) => sendJson<AdminUser>(`${user(id)}/sites/${encodeURIComponent(slug)}`, 'DELETE', {}),
  createSite: (s: { slug: string; name: string }) => sendJson<AdminSite>('/api/admin/sites', 'POST', s),
}
