// Polling helpers: tests wait for conditions with a deadline, never for a fixed time.

export class TimeoutError extends Error {}

/**
 * Poll `cond` (sync or async) until it returns a truthy value, and return that value.
 * Throws a TimeoutError naming `what` if the deadline passes first.
 */
export async function waitFor(cond, { timeout = 10_000, interval = 25, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout
  let lastError
  for (;;) {
    try {
      const v = await cond()
      if (v) return v
    } catch (e) {
      lastError = e
    }
    if (Date.now() >= deadline) {
      const err = new TimeoutError(
        `timed out after ${timeout} ms waiting for ${what}` +
          (lastError ? ` (last error: ${lastError.message})` : ''),
      )
      if (lastError) err.cause = lastError
      throw err
    }
    await delay(interval)
  }
}

/**
 * Assert that `cond` stays falsy for the whole `window` (a negative check: "this never
 * happens"). Returns normally if it never became truthy, throws otherwise.
 */
export async function holdsFor(cond, { window = 2_000, interval = 50, what = 'condition' } = {}) {
  const end = Date.now() + window
  while (Date.now() < end) {
    if (await cond()) throw new Error(`${what} happened, but it must not`)
    await delay(interval)
  }
  if (await cond()) throw new Error(`${what} happened, but it must not`)
}

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Race a promise against a deadline. */
export async function withTimeout(promise, ms, what = 'operation') {
  // If the deadline wins, a later rejection of `promise` must not be an unhandled rejection.
  Promise.resolve(promise).catch(() => {})
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not finish within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A promise that can be opened from outside (used to hold back client reconnects). */
export class Gate {
  constructor(open = true) {
    this.#promise = open ? Promise.resolve() : new Promise((r) => (this.#resolve = r))
    this.isOpen = open
  }
  #promise
  #resolve
  wait() {
    return this.#promise
  }
  close() {
    if (!this.isOpen) return
    this.isOpen = false
    this.#promise = new Promise((r) => (this.#resolve = r))
  }
  open() {
    if (this.isOpen) return
    this.isOpen = true
    this.#resolve()
  }
}
