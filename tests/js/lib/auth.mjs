// HTTP API helpers: login, refresh, logout, sync tickets; and a Session that keeps tokens fresh.

/** POST JSON; resolves { status, body, text, headers } (body is parsed JSON or undefined). */
export async function postJson(baseUrl, path, payload, { headers = {} } = {}) {
  const res = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  })
  const text = await res.text()
  let body
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  return { status: res.status, body, text, headers: res.headers }
}

export async function getJson(baseUrl, path, { headers = {} } = {}) {
  const res = await fetch(baseUrl + path, { headers })
  const text = await res.text()
  let body
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  return { status: res.status, body, text, headers: res.headers }
}

export class HttpError extends Error {
  constructor(what, res) {
    super(`${what}: HTTP ${res.status} ${res.text}`)
    this.status = res.status
    this.body = res.body
  }
}

/** Log in; returns the raw 200 body {access_token, refresh_token, expires_in, peer_id}. */
export async function login(baseUrl, email, password) {
  const res = await postJson(baseUrl, '/api/auth/login', { email, password })
  if (res.status !== 200) throw new HttpError(`login ${email}`, res)
  return res.body
}

export function requestTicket(baseUrl, accessToken) {
  return postJson(baseUrl, '/api/sync/ticket', undefined, {
    headers: { authorization: `Bearer ${accessToken}` },
  })
}

/**
 * A logged-in user on one device. `baseUrl` may be a string or a function returning one
 * (the server's address). `ticket()` gets a fresh single-use sync ticket, refreshing the
 * access token with the refresh token when the server answers 401.
 */
export class Session {
  constructor(baseUrl, { email, password, loginBody, userId }) {
    this._baseUrl = baseUrl
    this.email = email
    this.password = password
    this.accessToken = loginBody.access_token
    this.refreshToken = loginBody.refresh_token
    this.peerId = loginBody.peer_id
    // The server's id of the user (as a string, the form records' `by` takes).
    this.userId = userId
    this.refreshes = 0
    this.tickets = 0
  }

  get baseUrl() {
    return typeof this._baseUrl === 'function' ? this._baseUrl() : this._baseUrl
  }

  static async login(baseUrl, email, password) {
    const url = typeof baseUrl === 'function' ? baseUrl() : baseUrl
    const body = await login(url, email, password)
    for (const k of ['access_token', 'refresh_token', 'peer_id']) {
      if (typeof body?.[k] !== 'string' || !body[k]) throw new Error(`login response lacks ${k}: ${JSON.stringify(body)}`)
    }
    // Records a change writes must name this user: the write policy undoes any other `by`.
    const me = await getJson(url, '/api/me', { headers: { authorization: `Bearer ${body.access_token}` } })
    if (me.status !== 200 || me.body?.user?.id === undefined) throw new HttpError(`GET /api/me for ${email}`, me)
    return new Session(baseUrl, { email, password, loginBody: body, userId: String(me.body.user.id) })
  }

  /** `{by, at, device}` of a record this user writes on this device (at: RFC 3339, default now). */
  record(at = new Date().toISOString()) {
    return { by: this.userId, at, device: this.peerId }
  }

  async refresh() {
    const res = await postJson(this.baseUrl, '/api/auth/refresh', { refresh_token: this.refreshToken })
    if (res.status !== 200) throw new HttpError(`refresh for ${this.email}`, res)
    this.accessToken = res.body.access_token
    this.refreshToken = res.body.refresh_token
    this.refreshes += 1
    if (res.body.peer_id && res.body.peer_id !== this.peerId) {
      throw new Error(`refresh changed the peer id (${this.peerId} -> ${res.body.peer_id})`)
    }
    return res.body
  }

  /** A fresh sync ticket (string). */
  async ticket() {
    let res = await requestTicket(this.baseUrl, this.accessToken)
    if (res.status === 401) {
      await this.refresh()
      res = await requestTicket(this.baseUrl, this.accessToken)
    }
    if (res.status !== 200) throw new HttpError(`sync ticket for ${this.email}`, res)
    if (res.body.peer_id !== this.peerId) {
      throw new Error(`ticket peer_id ${res.body.peer_id} differs from login peer_id ${this.peerId}`)
    }
    this.tickets += 1
    return res.body.ticket
  }
}
