// Plain rules about tokens and server errors (unit-tested).
import { t } from '../i18n'

/** 401 codes after which only a new login helps; everything unsynced stays on the phone. */
export const RELOGIN_CODES = new Set(['refresh_invalid', 'refresh_reused', 'refresh_expired', 'session_revoked', 'account_disabled'])

export type ErrorKind = 'refresh_and_retry' | 'relogin' | 'retry_later' | 'refused'

export function classifyError(status: number, code: string | undefined): ErrorKind {
  if (status === 401 && code === 'token_expired') return 'refresh_and_retry'
  if (status === 401 && code && RELOGIN_CODES.has(code)) return 'relogin'
  if (status === 401) return 'refresh_and_retry'
  if (status === 403 && code === 'account_disabled') return 'relogin'
  if (status === 0 || status === 408 || status === 429 || status >= 500) return 'retry_later'
  return 'refused'
}

/** Plain words for why a new login is needed. */
export function reloginMessage(code: string | undefined): string {
  switch (code) {
    case 'account_disabled':
      return t('auth.relogin.disabled')
    case 'session_revoked':
      return t('auth.relogin.revoked')
    case 'refresh_expired':
      return t('auth.relogin.expired')
    default:
      return t('auth.relogin.invalid')
  }
}

/** Whether an access token should be refreshed before use (30 s of slack). */
export function accessTokenStale(expiresAt: number, now: number): boolean {
  return now >= expiresAt - 30_000
}

/** Thrown when only a new login can help (the unsynced work stays on the phone). */
export class NeedsLogin extends Error {
  constructor(readonly code: string | undefined) {
    super(reloginMessage(code))
  }
}
