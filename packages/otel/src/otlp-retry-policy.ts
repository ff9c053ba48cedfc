/**
 * When the OTLP/HTTP transport sends a request again (the OTLP specification's rules): pure functions, so a
 * plain table test covers them.
 */

/** Retries after the first attempt, at most. */
export const MAX_RETRIES = 5;
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5000;
const BACKOFF_MULTIPLIER = 1.5;
const JITTER = 0.2;

/** 429 and the gateway answers 502/503/504 are worth repeating; other statuses are final. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

const RETRYABLE_NETWORK_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** A network error worth repeating (the collector may be restarting); anything else is final. */
export function isRetryableNetworkError(code: unknown): boolean {
  return typeof code === 'string' && RETRYABLE_NETWORK_ERRORS.has(code);
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from `nowMs`; `undefined` if absent or unreadable. */
export function retryAfterMillis(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** The wait before retry number `retry` (0-based): 1 s, ×1.5 each time, at most 5 s, ±20 % (`random` in [0, 1)). */
export function backoffMillis(retry: number, random: number): number {
  const base = Math.min(INITIAL_BACKOFF_MS * BACKOFF_MULTIPLIER ** retry, MAX_BACKOFF_MS);
  return Math.max(0, Math.min(base * (1 + (random * 2 - 1) * JITTER), MAX_BACKOFF_MS));
}
