// The login session: tokens in localStorage (so a phone that was offline all shift can
// reconnect with its refresh token), one refresh at a time across tabs (rotating refresh
// tokens: reusing an old one revokes the session), and a plain "log in again" state that
// never touches the unsynced work kept in IndexedDB.
import { signal } from '@preact/signals'
import { accessTokenStale, classifyError, NeedsLogin } from '../lib/auth'

export interface MeSite {
  slug: string
  name: string
  writable: boolean
  site_document_url: string
}

export interface Me {
  user: { id: string | number; email: string; display_name: string; role: string }
  peer_id: string
  sites: MeSite[]
}

export interface StoredSession {
  email: string
  accessToken: string
  accessExpiresAt: number
  refreshToken: string
  peerId: string
  /** Cached /api/me: the home screen works offline from it. */
  me: Me | null
}

interface TokenResponse {
  access_token: string
  refresh_token: string
  expires_in: number
  peer_id: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message)
  }
}

export { NeedsLogin }

const KEY = 'fw.session'

export type SessionStatus =
  | { kind: 'anonymous' }
  | { kind: 'active' }
  | { kind: 'needs_login'; message: string; email: string }

function load(): StoredSession | null {
  try {
    const raw = localStorage.getItem(KEY)
    return raw ? (JSON.parse(raw) as StoredSession) : null
  } catch {
    return null
  }
}

function save(s: StoredSession | null): void {
  if (s) localStorage.setItem(KEY, JSON.stringify(s))
  else localStorage.removeItem(KEY)
}

const NEEDS_LOGIN_KEY = 'fw.needsLogin'

export const sessionStatus = signal<SessionStatus>(initialStatus())

function initialStatus(): SessionStatus {
  const s = load()
  const needs = localStorage.getItem(NEEDS_LOGIN_KEY)
  if (needs && s) return { kind: 'needs_login', message: needs, email: s.email }
  return s ? { kind: 'active' } : { kind: 'anonymous' }
}

export function currentSession(): StoredSession | null {
  return load()
}

/** Reads an error body (`{error, message}`) into an ApiError: the server's message says what to do. */
export async function readError(res: Response): Promise<ApiError> {
  let code: string | undefined
  let message = `${res.status} ${res.statusText}`
  try {
    const body = (await res.json()) as { error?: string; message?: string }
    code = body.error
    if (body.message) message = body.message
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, code, message)
}

function fromTokens(email: string, t: TokenResponse, me: Me | null): StoredSession {
  return {
    email,
    accessToken: t.access_token,
    accessExpiresAt: Date.now() + t.expires_in * 1000,
    refreshToken: t.refresh_token,
    peerId: t.peer_id,
    me,
  }
}

export async function login(email: string, password: string): Promise<StoredSession> {
  const res = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (!res.ok) throw await readError(res)
  const t = (await res.json()) as TokenResponse
  const prev = load()
  const s = fromTokens(email, t, prev?.email === email ? prev.me : null)
  save(s)
  localStorage.removeItem(NEEDS_LOGIN_KEY)
  signingOut = false
  sessionStatus.value = { kind: 'active' }
  return s
}

/**
 * Set while the user signs out: the server then closes this session's live
 * connections, and their reconnect attempts must not turn a sign-out the user
 * asked for into a "log in again" alarm.
 */
let signingOut = false

export async function logout(): Promise<void> {
  signingOut = true
  const s = load()
  if (s) {
    try {
      await fetch('/api/auth/logout', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: s.refreshToken }),
      })
    } catch {
      /* offline: the refresh token simply expires */
    }
  }
  save(null)
  localStorage.removeItem(NEEDS_LOGIN_KEY)
  sessionStatus.value = { kind: 'anonymous' }
}

function markNeedsLogin(code: string | undefined): NeedsLogin {
  const err = new NeedsLogin(code)
  if (signingOut) return err
  const s = load()
  localStorage.setItem(NEEDS_LOGIN_KEY, err.message)
  sessionStatus.value = { kind: 'needs_login', message: err.message, email: s?.email ?? '' }
  return err
}

let refreshing: Promise<StoredSession> | null = null

/** Exchange the refresh token (one at a time, across tabs via Web Locks). */
export function refresh(staleRefreshToken: string): Promise<StoredSession> {
  if (!refreshing) {
    const run = async () => {
      const s = load()
      if (!s) throw markNeedsLogin(undefined)
      // Another tab (or call) already rotated it: use the new tokens.
      if (s.refreshToken !== staleRefreshToken && !accessTokenStale(s.accessExpiresAt, Date.now())) return s
      const res = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: s.refreshToken }),
      })
      if (!res.ok) {
        const err = await readError(res)
        if (classifyError(err.status, err.code) === 'relogin' || res.status === 401) throw markNeedsLogin(err.code)
        throw err
      }
      const t = (await res.json()) as TokenResponse
      const next = fromTokens(s.email, t, s.me)
      save(next)
      return next
    }
    const locked: Promise<StoredSession> = navigator.locks ? (navigator.locks.request('fw-refresh', run) as unknown as Promise<StoredSession>) : run()
    const p = locked.finally(() => {
      refreshing = null
    })
    refreshing = p
    return p
  }
  return refreshing
}

async function validSession(): Promise<StoredSession> {
  if (sessionStatus.value.kind === 'needs_login') throw new NeedsLogin(undefined)
  const s = load()
  if (!s) throw markNeedsLogin(undefined)
  if (accessTokenStale(s.accessExpiresAt, Date.now())) return refresh(s.refreshToken)
  return s
}

/** fetch with the access token; refreshes once on `token_expired`. Network errors throw TypeError. */
export async function authFetch(path: string, init: RequestInit = {}): Promise<Response> {
  let s = await validSession()
  for (let attempt = 0; attempt < 2; attempt++) {
    const headers = new Headers(init.headers)
    headers.set('authorization', `Bearer ${s.accessToken}`)
    const res = await fetch(path, { ...init, headers })
    if (res.status !== 401) return res
    const err = await readError(res)
    const kind = classifyError(err.status, err.code)
    if (kind === 'relogin') throw markNeedsLogin(err.code)
    if (attempt === 0) {
      s = await refresh(s.refreshToken)
      continue
    }
    throw err
  }
  throw new Error('unreachable')
}

export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await authFetch(path, init)
  if (!res.ok) throw await readError(res)
  return (await res.json()) as T
}

export async function fetchMe(): Promise<Me> {
  const me = await getJson<Me>('/api/me')
  const s = load()
  if (s) save({ ...s, me })
  return me
}

export async function syncTicket(): Promise<{ ticket: string; peer_id: string }> {
  return getJson('/api/sync/ticket', { method: 'POST' })
}
