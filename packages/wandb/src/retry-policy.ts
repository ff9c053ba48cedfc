// When a W&B request is repeated and how long to wait first. Pure: the caller passes `now` and the random
// draw, so a table test covers every rule (spec wandb-protocol.md §1 and §2 "Retry").

/** The two W&B endpoints; each has its own rule for which answers are worth repeating. */
export type WandbEndpoint = 'graphql' | 'file_stream';

// UpsertBucket and the other GraphQL calls: a conflict (409) is transient there (a concurrent upsert).
const GRAPHQL_FINAL = new Set([400, 401, 403, 404, 410, 413, 422, 501]);
// file_stream: a conflict is final as well.
const FILE_STREAM_FINAL = new Set([400, 401, 403, 404, 409, 410, 413, 422, 501]);

/** Whether an HTTP answer with `status` should be repeated. 2xx and 3xx are successes, never retried. */
export function isRetryableStatus(endpoint: WandbEndpoint, status: number): boolean {
  if (status >= 200 && status < 400) return false;
  const final = endpoint === 'graphql' ? GRAPHQL_FINAL : FILE_STREAM_FINAL;
  // Everything else (429, other 5xx, other 4xx such as 408) is treated as transient, as the W&B client does.
  return !final.has(status);
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delta-seconds (`"3"`, `"1.5"`) or an HTTP date
 * (`"Wed, 21 Oct 2026 07:28:00 GMT"`, counted from `nowMs`, never negative). `undefined` when absent or unreadable.
 */
export function retryAfterMillis(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date has a weekday and a month name; anything else (`-1`, `soon`) is unreadable.
  const date = /^[A-Za-z]{3}, /.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export interface BackoffSettings {
  /** First wait (W&B: 2 s). */
  readonly initialMillis: number;
  /** Cap of every wait (W&B: 60 s). */
  readonly maxMillis: number;
}

/**
 * The wait before retry number `attempt` (0 for the first retry): `initial·2^attempt·(1 + 0.25·random)`, capped,
 * unless the server named its own wait with `Retry-After` (then that wait, also capped).
 */
export function retryDelayMillis(attempt: number, settings: BackoffSettings, random: number, retryAfter?: number): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, settings.maxMillis);
  const exponential = settings.initialMillis * 2 ** Math.min(attempt, 30) * (1 + 0.25 * random);
  return Math.min(Math.round(exponential), settings.maxMillis);
}
