/** Exponential backoff with jitter: attempt 0 → ~base, doubling up to max. */
export function backoffDelay(attempt: number, { base = 1000, max = 30_000, random = Math.random } = {}): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, Math.min(attempt, 20)))
  // Full jitter in [exp/2, exp]: spreads reconnects of many phones after an outage.
  return Math.round(exp / 2 + (random() * exp) / 2)
}
