/** Who is recording, as written into every appended entry (`by`, `at`, `device`). */
export interface Actor {
  /** User id issued by the server. */
  userId: string
  /** Device id: the peer id the server issued at login on this device. */
  deviceId: string
  displayName: string
}

/** A lowercase UUID made on the device, as the shared validation expects. */
export function newId(): string {
  return crypto.randomUUID().toLowerCase()
}

/** RFC 3339 timestamp with milliseconds and `Z`, e.g. `2026-11-25T09:53:17.120Z`. */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString()
}

/** `{by, at, device}` for an entry recorded now. */
export function recorded(actor: Actor, now: Date = new Date()): { by: string; at: string; device: string } {
  return { by: actor.userId, at: nowIso(now), device: actor.deviceId }
}

/** Whole number ≥ 0 within the shared quantity limit, or null. */
export function parseQuantity(text: string, max = 1_000_000_000): number | null {
  const t = text.trim()
  if (!/^\d{1,10}$/.test(t)) return null
  const n = Number(t)
  return Number.isSafeInteger(n) && n <= max ? n : null
}
