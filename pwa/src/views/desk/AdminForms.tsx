// The forms of the administration view: a new user, a new site.
import { useState } from 'preact/hooks'
import { ROLES, type AdminSite, type NewUser, type Role } from '../../desk/admin'
import { t } from '../../i18n'
import { roleText } from '../../ui/status'

export function NewUserForm({ sites, onCreate }: { sites: AdminSite[]; onCreate: (u: NewUser) => void }) {
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [role, setRole] = useState<Role>('staff')
  const [chosen, setChosen] = useState<string[]>([])
  return (
    <form
      class="desk-form"
      aria-label={t('admin.newUser')}
      onSubmit={(e) => {
        e.preventDefault()
        onCreate({ email: email.trim(), display_name: name.trim(), password, role, sites: chosen })
      }}
    >
      <div class="desk-form-grid">
        <label class="desk-field">
          <span>{t('login.email')}</span>
          <input name="new-email" type="email" required value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="desk-field">
          <span>{t('col.name')}</span>
          <input name="new-name" required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="desk-field">
          <span>{t('admin.initialPassword')}</span>
          <input name="new-password" type="password" required value={password} onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="desk-field">
          <span>{t('admin.role')}</span>
          <select name="new-role" value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleText(r)}
              </option>
            ))}
          </select>
        </label>
        <label class="desk-field">
          <span>{t('admin.sites')}</span>
          <select name="new-sites" multiple size={Math.min(4, Math.max(2, sites.length))} onChange={(e) => setChosen([...(e.currentTarget as HTMLSelectElement).selectedOptions].map((o) => o.value))}>
            {sites.map((s) => (
              <option key={s.slug} value={s.slug}>
                {s.name} ({s.slug})
              </option>
            ))}
          </select>
        </label>
      </div>
      <div class="row">
        <button class="btn small" type="submit">
          {t('admin.createUser')}
        </button>
      </div>
    </form>
  )
}

export function NewSiteForm({ onCreate }: { onCreate: (s: { slug: string; name: string }) => void }) {
  const [slug, setSlug] = useState('')
  const [name, setName] = useState('')
  return (
    <form
      class="row wrap"
      aria-label={t('admin.newSite')}
      onSubmit={(e) => {
        e.preventDefault()
        onCreate({ slug: slug.trim(), name: name.trim() })
      }}
    >
      <label class="desk-field">
        <span>{t('admin.slug')}</span>
        <input name="site-slug" required pattern="[a-z0-9][a-z0-9-]{0,63}" value={slug} onInput={(e) => setSlug((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label class="desk-field">
        <span>{t('col.name')}</span>
        <input name="site-name" required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <button class="btn small" type="submit">
        {t('admin.createSite')}
      </button>
    </form>
  )
}
