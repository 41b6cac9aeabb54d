// A small path router. Routes are grouped by face: the phone views now, the manager's
// desktop views (under /desk) later, in the same app.
import { signal } from '@preact/signals'

export const path = signal<string>(typeof location === 'undefined' ? '/' : location.pathname)

export function navigate(to: string, { replace = false } = {}): void {
  if (to === path.value) return
  if (replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  path.value = to
  window.scrollTo(0, 0)
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => (path.value = location.pathname))
}

export interface Match {
  name: string
  params: Record<string, string>
}

export interface RouteDef {
  name: string
  pattern: string
  face: 'phone' | 'desk'
}

export function match(routes: RouteDef[], p: string): Match | null {
  const parts = p.split('/').filter(Boolean)
  for (const r of routes) {
    const rp = r.pattern.split('/').filter(Boolean)
    if (rp.length !== parts.length) continue
    const params: Record<string, string> = {}
    let ok = true
    for (let i = 0; i < rp.length; i++) {
      if (rp[i].startsWith(':')) params[rp[i].slice(1)] = decodeURIComponent(parts[i])
      else if (rp[i] !== parts[i]) {
        ok = false
        break
      }
    }
    if (ok) return { name: r.name, params }
  }
  return null
}

/** sessionStorage key: the desk path to return to after logging in. */
export const AFTER_LOGIN = 'fw.afterLogin'

/** Where to go after a login: back to the desk page that asked for it, else home. */
export function afterLoginPath(): string {
  const to = sessionStorage.getItem(AFTER_LOGIN)
  sessionStorage.removeItem(AFTER_LOGIN)
  return to && to.startsWith('/desk') ? to : '/'
}
