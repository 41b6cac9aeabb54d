// Hand-made JWTs for negative tests (forged signature, alg "none", tampered claims).
import { createHmac } from 'node:crypto'

export const b64url = (buf) => Buffer.from(buf).toString('base64url')
export const b64urlJson = (obj) => b64url(JSON.stringify(obj))

export function decodeJwt(token) {
  const [h, p, s] = token.split('.')
  if (s === undefined) throw new Error(`not a JWT: ${token.slice(0, 40)}…`)
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()),
    signature: s,
    parts: [h, p, s],
  }
}

export function signHs256(header, payload, secret) {
  const signingInput = `${b64urlJson(header)}.${b64urlJson(payload)}`
  const sig = createHmac('sha256', secret).update(signingInput).digest()
  return `${signingInput}.${b64url(sig)}`
}

/** The classic "alg: none" token: header {"alg":"none","typ":"JWT"}, empty signature. */
export function algNone(payload) {
  return `${b64urlJson({ alg: 'none', typ: 'JWT' })}.${b64urlJson(payload)}.`
}
