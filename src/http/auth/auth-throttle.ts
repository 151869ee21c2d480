/** DI token of the AuthThrottle. */
export const AUTH_THROTTLE = Symbol('AUTH_THROTTLE');

/** Client addresses remembered at most: beyond it the expired windows go first, then the oldest. */
const MAX_ADDRESSES = 100_000;

/**
 * Counts failed authentications per client address in a fixed window; an address past the limit is
 * refused (even with a right key, so a guesser learns nothing) until its window ends.
 */
export class AuthThrottle {
  private readonly windows = new Map<string, { failures: number; endsAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds the address must wait before trying again, or 0. */
  retryAfter(address: string): number {
    const window = this.windows.get(address);
    if (!window) return 0;
    const left = window.endsAt - this.now();
    if (left <= 0) {
      this.windows.delete(address);
      return 0;
    }
    return window.failures >= this.limit ? Math.ceil(left / 1000) : 0;
  }

  fail(address: string): void {
    const now = this.now();
    let window = this.windows.get(address);
    if (!window || window.endsAt <= now) {
      if (this.windows.size >= MAX_ADDRESSES) this.forget(now);
      window = { failures: 0, endsAt: now + this.windowMs };
      this.windows.set(address, window);
    }
    window.failures += 1;
  }

  private forget(now: number): void {
    for (const [address, window] of this.windows) if (window.endsAt <= now) this.windows.delete(address);
    // Insertion order is age order: drop the oldest tenth when none had expired.
    if (this.windows.size >= MAX_ADDRESSES) {
      let drop = MAX_ADDRESSES / 10;
      for (const address of this.windows.keys()) {
        if (drop-- <= 0) break;
        this.windows.delete(address);
      }
    }
  }
}
