import { useState } from 'preact/hooks'
import { ApiError, login, sessionStatus } from '../../data/session'
import { me, online, start, stop, syncTotals } from '../../data/runtime'
import { afterLoginPath, navigate } from '../../ui/router'
import { Field } from '../../ui/components'
import { LanguagePicker } from '../../ui/LanguagePicker'
import { t } from '../../i18n'

export function LoginView() {
  const st = sessionStatus.value
  const [email, setEmail] = useState(st.kind === 'needs_login' ? st.email : '')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const totals = syncTotals.value
  const waiting = totals.unsyncedChanges + totals.photosPending
  const submit = async (ev: Event) => {
    ev.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await login(email.trim(), password)
      await stop()
      me.value = null
      await start()
      navigate(afterLoginPath(), { replace: true })
    } catch (e) {
      if (e instanceof ApiError) setError(e.status === 401 ? t('login.wrong') : e.message)
      else setError(online.value ? t('login.unreachable') : t('login.offlineError'))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="screen login">
      <main class="content">
        <h1 class="brand">{t('app.name')}</h1>
        {st.kind === 'needs_login' && (
          <div class="notice warn" role="alert" data-testid="relogin-message">
            <p>{st.message}</p>
            <p>
              <strong>{t('login.nothingLost')}</strong> {waiting > 0 ? t('login.keptCounts', { changes: totals.unsyncedChanges, photos: totals.photosPending }) : t('login.keptWork')}
            </p>
          </div>
        )}
        <form onSubmit={submit} class="stack">
          <Field label={t('login.email')}>
            <input type="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} name="email" />
          </Field>
          <Field label={t('login.password')}>
            <input type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} name="password" />
          </Field>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <button class="btn primary big" type="submit" disabled={busy}>
            {busy ? t('login.busy') : t('login.submit')}
          </button>
        </form>
        {!online.value && <p class="muted">{t('login.offlineHint')}</p>}
        <LanguagePicker />
      </main>
    </div>
  )
}
