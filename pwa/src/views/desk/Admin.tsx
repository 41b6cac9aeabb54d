// Administration (admin role): users (create, role, sites, disable: cuts live sync at
// once) and sites.
import { useState } from 'preact/hooks'
import { adminApi, ROLES, type AdminSite, type AdminUser, type Role } from '../../desk/admin'
import { errorText } from '../../desk/api'
import { useQuery } from './useQuery'
import { NewSiteForm, NewUserForm } from './AdminForms'
import { ErrorNote, Loading, Panel } from './ui'
import { t } from '../../i18n'
import { roleText } from '../../ui/status'

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
      <Panel id="users" title={t('admin.users')}>
        <Loading loading={users.loading} />
        <ErrorNote error={users.error} onRetry={users.reload} />
        <NewUserForm sites={siteList} onCreate={(u) => void run(() => adminApi.createUser(u), t('admin.userCreated', { email: u.email }))} />
        <div class="desk-table-wrap">
          <table class="desk-table" data-testid="admin-users">
            <caption>{t('admin.usersCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('col.name')}</th>
                <th scope="col">{t('login.email')}</th>
                <th scope="col">{t('admin.role')}</th>
                {siteList.map((s) => (
                  <th scope="col" key={s.slug}>
                    {s.name}
                  </th>
                ))}
                <th scope="col">{t('admin.state')}</th>
              </tr>
            </thead>
            <tbody>
              {(users.data ?? []).map((u) => (
                <tr key={u.user_id} data-email={u.email}>
                  <td>{u.display_name}</td>
                  <td>{u.email}</td>
                  <td>
                    <select
                      aria-label={t('admin.roleOf', { email: u.email })}
                      value={u.role}
                      onChange={(e) => {
                        const role = (e.currentTarget as HTMLSelectElement).value as Role
                        void run(() => adminApi.patchUser(u.user_id, { role }), t('admin.roleSet', { email: u.email, role: roleText(role) }))
                      }}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {roleText(r)}
                        </option>
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
                            aria-label={t('admin.memberOf', { email: u.email, site: s.name })}
                            checked={member}
                            onChange={() => void run(() => (member ? adminApi.removeFromSite(u.user_id, s.slug) : adminApi.addToSite(u.user_id, s.slug)), member ? t('admin.removed', { email: u.email, site: s.name }) : t('admin.added', { email: u.email, site: s.name }))}
                          />
                          <span>{member ? t('admin.member') : '—'}</span>
                        </label>
                      </td>
                    )
                  })}
                  <td>
                    <button
                      type="button"
                      class="btn small secondary"
                      onClick={() => void run(() => adminApi.patchUser(u.user_id, { disabled: !u.disabled }), u.disabled ? t('admin.enabled', { email: u.email }) : t('admin.disabled', { email: u.email }))}
                    >
                      {t(u.disabled ? 'admin.enable' : 'admin.disable', { email: u.email })}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
      <Panel id="sites" title={t('admin.sites')}>
        <ErrorNote error={sites.error} onRetry={sites.reload} />
        <NewSiteForm onCreate={(s) => void run(() => adminApi.createSite(s), t('admin.siteCreated', { name: s.name }))} />
        <ul data-testid="admin-sites">
          {siteList.map((s) => (
            <li key={s.slug}>
              {t('admin.siteLine', { name: s.name, slug: s.slug, count: s.members })}
            </li>
          ))}
        </ul>
      </Panel>
    </>
  )
}
