import { useState } from 'preact/hooks'
import { ApiError, login, sessionStatus } from '../../data/session'
import { me, online, start, stop, syncTotals } from '../../data/runtime'
import { afterLoginPath, navigate } from '../../ui/router'
import { Field } from '../../ui/components'

export function LoginView() {
  const st = sessionStatus.value
  const [email, setEmail] = useState(st.kind === 'needs_login' ? st.email : '')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const t = syncTotals.value
  const waiting = t.unsyncedChanges + t.photosPending
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
      if (e instanceof ApiError) setError(e.status === 401 ? 'Wrong email or password.' : e.message)
      else setError(online.value ? 'Cannot reach the server. Try again in a moment.' : 'You are offline. Logging in needs a network; your work on this phone is kept.')
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="screen login">
      <main class="content">
        <h1 class="brand">Floorwalk</h1>
        {st.kind === 'needs_login' && (
          <div class="notice warn" role="alert" data-testid="relogin-message">
            <p>{st.message}</p>
            <p>
              <strong>Nothing is lost:</strong> {waiting > 0 ? `${plural(t.unsyncedChanges, 'unsynced change')} and ${plural(t.photosPending, 'photo')} are kept on this phone` : 'your work is kept on this phone'} and will be sent after you log in.
            </p>
          </div>
        )}
        <form onSubmit={submit} class="stack">
          <Field label="Email">
            <input type="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} name="email" />
          </Field>
          <Field label="Password">
            <input type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} name="password" />
          </Field>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <button class="btn primary big" type="submit" disabled={busy}>
            {busy ? 'Logging in…' : 'Log in'}
          </button>
        </form>
        {!online.value && <p class="muted">You are offline. You need a network once to log in; after that the app works without one.</p>}
      </main>
    </div>
  )
}

function plural(n: number, word: string): string {
  return n === 0 ? `no ${word}s` : `${n} ${word}${n === 1 ? '' : 's'}`
}
