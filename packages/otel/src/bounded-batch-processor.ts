import { context } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { DropReport } from './options.js';

export interface BatchSettings {
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMillis: number;
  /** Time allowed for one batch, retries included. */
  readonly timeoutMillis: number;
  /** Upper bound of `forceFlush()` and `shutdown()`. */
  readonly shutdownTimeoutMillis: number;
}

/** Counters of one exporter's pipeline (spans, not requests, unless named otherwise). */
export interface ExportStats {
  /** Spans accepted into the queue. */
  enqueued: number;
  /** Spans the backend confirmed. */
  exported: number;
  /** Spans lost: queue full, export failed after retries, or not confirmed within the shutdown bound. */
  dropped: number;
  /** Export calls that failed (after the transport's own retries). */
  failedExports: number;
  /** Export calls repeated by this processor (5xx answers the OTLP transport does not retry itself). */
  retries: number;
}

const RETRY_INITIAL_MS = 500;
const RETRY_MAX_MS = 5000;
/** Beyond `timeoutMillis` (at most `timeoutMillis` again), a span exporter that has not called back has failed. */
const EXPORT_GRACE_MS = 1000;

/** Deferred-resolution helper: resolves `true` when `work` settles, `false` when `ms` pass first. */
function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    // The bound must not be what keeps a finished job alive.
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

/**
 * A span processor for a job that must never wait on telemetry: a bounded queue (overflow is dropped and
 * counted, never blocking), batches sent one at a time off the caller's path, retries with backoff for
 * 5xx answers, and `forceFlush`/`shutdown` that return within a fixed bound however dead the backend is.
 * Unlike the SDK's BatchSpanProcessor it reports every loss through `onDrop` and exposes its counters.
 */
export class BoundedBatchSpanProcessor implements SpanProcessor {
  readonly stats: ExportStats = { enqueued: 0, exported: 0, dropped: 0, failedExports: 0, retries: 0 };
  private queue: ReadableSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private drainScheduled = false;
  private inFlight = 0;
  /** Bumped when a shutdown gives up on the in-flight batch, so its late outcome is not counted twice. */
  private generation = 0;
  private state: 'open' | 'shutting_down' | 'shut_down' = 'open';
  private shutdownPromise: Promise<void> | undefined;
  /** Ends the retry wait in progress, if any. */
  private cancelBackoff: (() => void) | undefined;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly settings: BatchSettings,
    private readonly onDrop: (report: DropReport) => void,
  ) {}

  onStart(): void {}

  /** Spans waiting to be sent. */
  get queued(): number {
    return this.queue.length;
  }

  /** Sends what is queued now (unbounded); for producers that can wait, such as a replay of old files. */
  async sendQueued(): Promise<void> {
    await this.drainAll();
  }

  onEnd(span: ReadableSpan): void {
    if (this.state === 'shut_down') {
      this.drop(1, 'closed');
      return;
    }
    if (this.queue.length >= this.settings.maxQueueSize) {
      this.drop(1, 'queue_full');
      return;
    }
    this.queue.push(span);
    this.stats.enqueued++;
    if (this.queue.length >= this.settings.maxExportBatchSize) this.scheduleDrain();
    else if (this.timer === undefined && this.draining === undefined) this.armTimer();
  }

  /** Sends everything queued now; returns within `shutdownTimeoutMillis` (unsent spans stay queued). */
  async forceFlush(): Promise<void> {
    if (this.queue.length === 0 && this.draining === undefined) return;
    await within(this.drainAll(), this.settings.shutdownTimeoutMillis);
  }

  /** Sends what is queued, then releases the exporter; everything unconfirmed at the bound is counted as dropped. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.shutdownOnce();
    return this.shutdownPromise;
  }

  private async shutdownOnce(): Promise<void> {
    this.state = 'shutting_down';
    const started = Date.now();
    const done = await within(this.drainAll(), this.settings.shutdownTimeoutMillis);
    if (!done) {
      this.generation++;
      const lost = this.queue.length + this.inFlight;
      this.queue = [];
      this.inFlight = 0;
      if (lost > 0) this.drop(lost, 'shutdown_timeout');
    }
    this.state = 'shut_down';
    this.clearTimer();
    this.cancelBackoff?.();
    const remaining = Math.max(1, this.settings.shutdownTimeoutMillis - (Date.now() - started));
    await within(
      Promise.resolve().then(() => this.exporter.shutdown()),
      remaining,
    );
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.draining !== undefined) return;
    this.drainScheduled = true;
    // Not synchronously: the span was ended on the job's path.
    setImmediate(() => {
      this.drainScheduled = false;
      // Full batches only; a partial one waits for the timer.
      const max = this.settings.maxExportBatchSize;
      void this.drain(Math.floor(this.queue.length / max) * max);
    });
  }

  /** Everything queued, including spans that arrive meanwhile (flush, shutdown, replay). */
  private async drainAll(): Promise<void> {
    while (this.queue.length > 0 || this.draining !== undefined) {
      await (this.draining ?? this.drain(Number.POSITIVE_INFINITY));
    }
  }

  /**
   * Exports up to `limit` queued spans in batches, one request at a time; a drain already running is joined.
   * The limit matters: a loop that took whatever arrived during each request would send tiny batches.
   */
  private drain(limit: number): Promise<void> {
    this.clearTimer();
    this.draining ??= this.drainLoop(limit).finally(() => {
      this.draining = undefined;
      // Spans that arrived during the last request: a full batch goes now, a partial one waits for the timer
      // (sending every few spans as they trickle in would cost one request each).
      if (this.queue.length >= this.settings.maxExportBatchSize) this.scheduleDrain();
      else if (this.queue.length > 0) this.armTimer();
    });
    return this.draining;
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.state === 'shut_down') return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain(this.queue.length);
    }, this.settings.scheduledDelayMillis);
    // An idle exporter must not keep a finished job alive (exit flushes go through beforeExit/shutdown).
    this.timer.unref();
  }

  private async drainLoop(limit: number): Promise<void> {
    let taken = 0;
    while (this.queue.length > 0 && taken < limit) {
      const batch = this.queue.splice(0, Math.min(this.settings.maxExportBatchSize, limit - taken));
      taken += batch.length;
      const generation = this.generation;
      this.inFlight = batch.length;
      const error = await this.exportWithRetry(batch);
      if (generation !== this.generation) return; // given up by shutdown; already counted
      this.inFlight = 0;
      if (error === undefined) this.stats.exported += batch.length;
      else {
        this.stats.failedExports++;
        this.drop(batch.length, 'export_failed', error);
      }
    }
  }

  /** `undefined` on success, else the last error's text. */
  private async exportWithRetry(batch: ReadableSpan[]): Promise<string | undefined> {
    const deadline = Date.now() + this.settings.timeoutMillis;
    let backoff = RETRY_INITIAL_MS;
    for (;;) {
      const result = await this.exportOnce(batch);
      if (result.code === ExportResultCode.SUCCESS) return undefined;
      const status = (result.error as { code?: unknown } | undefined)?.code;
      const text = describeFailure(result.error, status);
      // The OTLP transport already retries 429/502/503/504 and network errors; other 5xx are retried here.
      const retryable = typeof status === 'number' && status >= 500 && status <= 599 && status !== 502 && status !== 503 && status !== 504;
      const wait = backoff * (0.8 + Math.random() * 0.4);
      if (!retryable || Date.now() + wait >= deadline || this.state === 'shut_down') return text;
      this.stats.retries++;
      await this.backoff(wait);
      // Shutdown gave up on this batch while it waited: it is counted already and not sent again.
      if ((this.state as string) === 'shut_down') return text;
      backoff = Math.min(backoff * 2, RETRY_MAX_MS);
    }
  }

  /**
   * One `export()` call. A span exporter that never calls back (a custom one, say) would stall the queue
   * for good, so the call counts as failed once `timeoutMillis` plus a grace period have passed (the OTLP
   * transport bounds itself by `timeoutMillis`, retries included, so this only catches exporters that do not).
   */
  private exportOnce(batch: ReadableSpan[]): Promise<ExportResult> {
    return new Promise((resolve) => {
      const limit = this.settings.timeoutMillis + Math.min(EXPORT_GRACE_MS, this.settings.timeoutMillis);
      let settled = false;
      const finish = (result: ExportResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(watchdog);
        resolve(result);
      };
      const watchdog = setTimeout(
        () => finish({ code: ExportResultCode.FAILED, error: new Error(`the span exporter did not answer within ${limit} ms`) }),
        limit,
      );
      watchdog.unref();
      try {
        // Suppressed so an instrumented HTTP client does not trace the exporter's own requests.
        context.with(suppressTracing(context.active()), () => this.exporter.export(batch, finish));
      } catch (e) {
        finish({ code: ExportResultCode.FAILED, error: e instanceof Error ? e : new Error(String(e)) });
      }
    });
  }

  /** Waits before a retry; shutdown cuts the wait short, so no retry timer outlives it. */
  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.cancelBackoff = undefined;
        resolve();
      }, ms);
      this.cancelBackoff = () => {
        clearTimeout(timer);
        this.cancelBackoff = undefined;
        resolve();
      };
    });
  }

  private drop(count: number, reason: DropReport['reason'], detail?: string): void {
    this.stats.dropped += count;
    try {
      this.onDrop({ count, total: this.stats.dropped, reason, ...(detail === undefined ? {} : { detail }) });
    } catch {
      // A drop handler must not turn a lost span into a crashed job.
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

function describeFailure(error: Error | undefined, status: unknown): string {
  const message = error?.message || 'export failed';
  return typeof status === 'number' && !message.includes(String(status)) ? `${message} (HTTP ${status})` : message;
}
