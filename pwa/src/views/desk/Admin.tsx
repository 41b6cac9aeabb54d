// Administration: users (create, role per site, disable) and sites.
import { useState } from 'preact/hooks'
import { getJson } from '../../data/session'
import { errorText, sendJson } from '../../desk/api'
import { me } from '../../desk/state'
import { useQuery } from './useQuery'
import { ErrorNote, Loading, Panel } from './ui'

interface AdminUser {
  id: string | number
  email: string
  display_name: string
  disabled?: boolean
  role?: string
  sites?: { slug: string; role: string }[]
}

interface AdminSite {
  slug: string
  name: string
}

const ROLES = ['admin', 'manager', 'staff', 'viewer']

export function Admin() {
  const users = useQuery<{ users: AdminUser[] }>('admin-users', () => getJson('/api/admin/users'))
  const sites = useQuery<{ sites: AdminSite[] }>('admin-sites', () => getJson('/api/admin/sites'))
  const [message, setMessage] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const run = async (what: () => Promise<unknown>, done: string) => {
    setError(null)
    try {
      await what()
      setMessage(done)
      users.reload()
      sites.reload()
    } catch (e) {
      setError(errorText(e))
    }
  }
  const siteList = sites.data?.sites ?? me.value?.sites.map((s) => ({ slug: s.slug, name: s.name })) ?? []
  return (
    <>
      {message && (
        <p class="desk-message" role="status">
          {message}
        </p>
      )}
      <ErrorNote error={error} />
      <Panel id="users" title="Users">
        <Loading loading={users.loading} />
        <ErrorNote error={users.error} onRetry={users.reload} />
        <NewUser onCreate={(body) => run(() => sendJson('/api/admin/users', 'POST', body), `User ${body.email} created.`)} sites={siteList} />
        <div class="desk-table-wrap">
          <table class="desk-table" data-testid="admin-users">
            <caption>Users and their roles per site</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Sites and roles</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {(users.data?.users ?? []).map((u) => (
                <tr key={u.id}>
                  <td>{u.display_name}</td>
                  <td>{u.email}</td>
                  <td>
                    {siteList.map((s) => {
                      const role = u.sites?.find((x) => x.slug === s.slug)?.role ?? ''
                      return (
                        <label class="desk-field" key={s.slug}>
                          <span>{s.slug}</span>
                          <select
                            name={`role-${u.id}-${s.slug}`}
                            value={role}
                            onChange={(e) => {
                              const v = (e.currentTarget as HTMLSelectElement).value
                              const path = `/api/admin/users/${u.id}/sites/${encodeURIComponent(s.slug)}`
                              void run(() => (v ? sendJson(path, 'PUT', { role: v }) : sendJson(path, 'DELETE', {})), v ? `${u.email} is ${v} at ${s.slug}.` : `${u.email} removed from ${s.slug}.`)
                            }}
                          >
                            <option value="">not a member</option>
                            {ROLES.map((r) => (
                              <option key={r}>{r}</option>
                            ))}
                          </select>
                        </label>
                      )
                    })}
                  </td>
                  <td>{u.disabled ? 'disabled' : 'active'}</td>
                  <td>
                    <button
                      type="button"
                      class="btn small secondary"
                      onClick={() => void run(() => sendJson(`/api/admin/users/${u.id}`, 'PATCH', { disabled: !u.disabled }), `${u.email} ${u.disabled ? 'enabled' : 'disabled (live sync cut)'}.`)}
                    >
                      {u.disabled ? 'Enable' : 'Disable'} {u.email}
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
        <NewSite onCreate={(body) => run(() => sendJson('/api/admin/sites', 'POST', body), `Site ${body.slug} created.`)} />
        <ul>
          {siteList.map((s) => (
            <li key={s.slug}>
              {s.name} ({s.slug})
            </li>
          ))}
        </ul>
      </Panel>
    </>
  )
}

function NewUser({ onCreate, sites }: { onCreate: (b: { email: string; display_name: string; password: string; sites: { slug: string; role: string }[] }) => void; sites: AdminSite[] }) {
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [slug, setSlug] = useState('')
  const [role, setRole] = useState('staff')
  return (
    <form
      class="desk-form"
      aria-label="New user"
      onSubmit={(e) => {
        e.preventDefault()
        onCreate({ email, display_name: name, password, sites: slug ? [{ slug, role }] : [] })
      }}
    >
      <div class="desk-form-grid">
        <label class="desk-field">
          <span>Email</span>
          <input name="new-email" type="email" required value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="desk-field">
          <span>Name</span>
          <input name="new-name" required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="desk-field">
          <span>Initial password</span>
          <input name="new-password" type="password" minLength={10} required value={password} onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="desk-field">
          <span>Site</span>
          <select name="new-site" value={slug} onChange={(e) => setSlug((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">none yet</option>
            {sites.map((s) => (
              <option key={s.slug} value={s.slug}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label class="desk-field">
          <span>Role</span>
          <select name="new-role" value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value)}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
      </div>
      <div class="row">
        <button class="btn small" type="submit">
          Create user
        </button>
      </div>
    </form>
  )
}

function NewSite({ onCreate }: { onCreate: (b: { slug: string; name: string }) => void }) {
  const [slug, setSlug] = useState('')
  const [name, setName] = useState('')
  return (
    <form
      class="row wrap"
      aria-label="New site"
      onSubmit={(e) => {
        e.preventDefault()
        onCreate({ slug, name })
      }}
    >
      <label class="desk-field">
        <span>Slug</span>
        <input name="site-slug" required pattern="[a-z0-9][a-z0-9-]{0,63}" value={slug} onInput={(e) => setSlug((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label class="desk-field">
        <span>Name</span>
        <input name="site-name" required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <button class="btn small" type="submit">
        Create site
      </button>
    </form>
  )
}
