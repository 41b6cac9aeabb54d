// Who is who at a site: user ids in documents shown as names.
import { getJson } from '../data/session'
import { t } from '../i18n'

export interface Member {
  user_id: string
  email: string
  display_name: string
  role: string
}

export async function fetchMembers(slug: string): Promise<Member[]> {
  const r = await getJson<{ members: Member[] }>(`/api/sites/${encodeURIComponent(slug)}/members`)
  return r.members
}

export function nameOf(members: Member[] | null, userId: string | null | undefined): string {
  if (!userId) return '—'
  const m = members?.find((x) => String(x.user_id) === String(userId))
  return m ? m.display_name || m.email : t('members.user', { id: userId })
}
