// Reconnect back-off: exponential with jitter, capped; reset after a good connection.

export interface BackoffOptions {
  baseMs: number;
  factor: number;
  maxMs: number;
  /** fraction of the delay randomised, ±jitter/2 */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, factor: 2, maxMs: 8000, jitter: 0.3 };

/** Delay before reconnect attempt `attempt` (0-based). `rand` in [0, 1). */
export function backoffDelay(attempt: number, rand = Math.random(), o: BackoffOptions = DEFAULT_BACKOFF): number {
  const raw = Math.min(o.maxMs, o.baseMs * Math.pow(o.factor, Math.max(0, attempt)));
  const j = raw * o.jitter * (rand - 0.5);
  return Math.max(0, Math.round(Math.min(o.maxMs, raw + j)));
}
