// Repeats a request per the retry policy: retryable answers wait (backoff or Retry-After) and go again, up to
// `maxRetries`; final answers and a cancelled signal end at once. Waits are abortable and never keep a job alive.
import type { TransportResult } from './http-transport.js';
import { type BackoffSettings, retryDelayMillis } from './retry-policy.js';

export interface RetrySettings extends BackoffSettings {
  readonly maxRetries: number;
}

/** The result of the last try; a retryable one that ran out of tries becomes a failure saying so. */
export async function withRetries(
  send: () => Promise<TransportResult>,
  settings: RetrySettings,
  signal: AbortSignal,
  onRetry: (message: string) => void = () => undefined,
  random: () => number = Math.random,
): Promise<TransportResult> {
  for (let attempt = 0; ; attempt++) {
    const result = await send();
    if (result.kind !== 'retryable') return result;
    if (signal.aborted) return { kind: 'failure', message: `${result.message}; not retried (exporter shut down)` };
    if (attempt >= settings.maxRetries) {
      return {
        kind: 'failure',
        ...(result.status === undefined ? {} : { status: result.status }),
        message: `${result.message} (gave up after ${settings.maxRetries} retries)`,
      };
    }
    onRetry(result.message);
    await sleep(retryDelayMillis(attempt, settings, random(), result.retryAfterMillis), signal);
    if (signal.aborted) return { kind: 'failure', message: `${result.message}; not retried (exporter shut down)` };
  }
}

/** Resolves after `ms` or as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
  });
}
