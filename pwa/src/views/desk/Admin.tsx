// Administration (admin role): users (create, role, sites, disable: cuts live sync at
// once) and sites.
import { useState } from 'preact/hooks'
import { adminApi, ROLES, type AdminSite, type AdminUser, type Role } from '../../desk/admin'
import { errorText } from '../../desk/api'
import { useQuery } from './useQuery'
import { NewSiteForm, NewUserForm } from './AdminForms'
import { ErrorNote, Loading, Panel } from './ui'

export function Admin() {
  const users = useQuery<AdminUser[]>('admin-users', adminApi.users)
  const sites = useQuery<AdminSite[]>('admin-sites', adminApi.sites)
  const [message, setMessage] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const run = async (what: () => Promise<unknown>, done: string) => {
    setError(null)
    setMessage(null)
    try {
      await what()
      setMessage(done)
      users.reload()
      sites.reload()
    } catch (e) {
      setError(errorText(e))
    }
  }
  const siteList = sites.data ?? []
  return (
    <>
      {message && (
        <p class="desk-message" role="status" data-testid="admin-message">
          {message}
        </p>
      )}
      <ErrorNote error={error} />
      <Panel id="users" title="Users">
        <Loading loading={users.loading} />
        <ErrorNote error={users.error} onRetry={users.reload} />
        <NewUserForm sites={siteList} onCreate={(u) => void run(() => adminApi.createUser(u), `User ${u.email} created.`)} />
        <div class="desk-table-wrap">
          <table class="desk-table" data-testid="admin-users">
            <caption>Users, their role and sites</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                {siteList.map((s) => (
                  <th scope="col" key={s.slug}>
                    {s.name}
                  </th>
                ))}
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {(users.data ?? []).map((u) => (
                <tr key={u.user_id} data-email={u.email}>
                  <td>{u.display_name}</td>
                  <td>{u.email}</td>
                  <td>
                    <select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      onChange={(e) => {
                        const role = (e.currentTarget as HTMLSelectElement).value as Role
                        void run(() => adminApi.patchUser(u.user_id, { role }), `${u.email} is now ${role}.`)
                      }}
                    >
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  </td>
                  {siteList.map((s) => {
                    const member = u.sites.includes(s.slug)
                    return (
                      <td key={s.slug}>
                        <label class="desk-radio">
                          <input
                            type="checkbox"
                            aria-label={`${u.email} at ${s.name}`}
                            checked={member}
                            onChange={() => void run(() => (member ? adminApi.removeFromSite(u.user_id, s.slug) : adminApi.addToSite(u.user_id, s.slug)), member ? `${u.email} removed from ${s.name}.` : `${u.email} added to ${s.name}.`)}
                          />
                          <span>{member ? 'member' : '—'}</span>
                        </label>
                      </td>
                    )
                  })}
                  <td>
                    <button
                      type="button"
                      class="btn small secondary"
                      onClick={() => void run(() => adminApi.patchUser(u.user_id, { disabled: !u.disabled }), u.disabled ? `${u.email} enabled.` : `${u.email} disabled: logged out and live sync cut.`)}
                    >
                      {u.disabled ? `Enable ${u.email}` : `Disable ${u.email}`}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
      <Panel id="sites" title="Sites">
        <ErrorNote error={sites.error} onRetry={sites.reload} />
        <NewSiteForm onCreate={(s) => void run(() => adminApi.createSite(s), `Site ${s.name} created.`)} />
        <ul data-testid="admin-sites">
          {siteList.map((s) => (
            <li key={s.slug}>
              {s.name} ({s.slug}): {s.members.toLocaleString()} members
            </li>
          ))}
        </ul>
      </Panel>
    </>
  )
}
