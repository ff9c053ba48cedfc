// The bounded queue between the job and a W&B run: `enqueue` only appends (the job never waits); a
// background pump creates the run, then sends the queued rows as file_stream batches, one request at a time,
// at most one per transmit interval unless a flush asks for everything now. Every loss is counted and
// reported; `flush` and `shutdown` return within a fixed bound however dead the server is.
import type { TransportResult } from './http-transport.js';
import type { DropReport } from './options.js';
import { type RetrySettings, withRetries } from './retrying-transport.js';
import { type PendingRow, RunStartError, type Send, type WandbRun } from './wandb-run.js';

export interface SenderSettings {
  readonly maxQueueSize: number;
  /** Least time between two history requests (0: send as soon as the previous request is answered). */
  readonly transmitIntervalMillis: number;
  readonly shutdownTimeoutMillis: number;
  /** A `{}` request after this long without any (the W&B client's 30 s), so the run is not taken for dead. */
  readonly heartbeatMillis: number;
  /** Rows per file_stream request. */
  readonly maxBatchRows: number;
  readonly retry: RetrySettings;
}

/** Counters of one sender (rows, unless named otherwise). */
export interface SenderStats {
  /** Rows accepted into the queue. */
  enqueued: number;
  /** Rows the server confirmed. */
  sent: number;
  /** Rows lost: queue full, request failed for good, run unusable, or unconfirmed at the shutdown bound. */
  dropped: number;
  /** Requests that failed for good (after retries). */
  failedRequests: number;
  /** Requests repeated after a retryable answer. */
  retries: number;
}

export interface SenderHooks {
  /** The run config to create the run with (read when the run is created, and again at shutdown). */
  config(): Record<string, unknown>;
  /** Start of `_runtime`. */
  readonly startedWallMs: number;
  onDrop(report: DropReport): void;
  /** The run cannot be used any more (it could not be created, the key was refused, it was stopped). */
  onFatal(reason: string): void;
  /** Model-metric rows logged at a later step than their `global_step` (W&B steps only increase). */
  onStepBehind(count: number): void;
  /** The finish request could not be delivered. */
  onFinishFailed(reason: string): void;
}

// Answers after which the run cannot take any more data (bad key, no access, run gone).
const FATAL_STATUS = new Set([401, 403, 404, 410]);

export class HistorySender {
  readonly stats: SenderStats = { enqueued: 0, sent: 0, dropped: 0, failedRequests: 0, retries: 0 };
  private queue: PendingRow[] = [];
  private pumping: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastRequestAt = Number.NEGATIVE_INFINITY;
  /** Callers waiting for everything to be sent (flush, shutdown): the transmit interval is skipped. */
  private urgent = 0;
  private inFlight = 0;
  /** Bumped when shutdown gives up on the request in flight, so its late answer is not counted twice. */
  private generation = 0;
  /** `finishing`: the queue was emptied and the run is being finished; a row now would go after the final post. */
  private state: 'open' | 'closing' | 'finishing' | 'closed' = 'open';
  private deadReason: string | undefined;
  private finished = false;
  private shutdownPromise: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly send: Send;

  constructor(
    readonly run: WandbRun,
    private readonly settings: SenderSettings,
    private readonly hooks: SenderHooks,
  ) {
    this.send = (request) =>
      withRetries(
        () => request(this.abort.signal),
        this.settings.retry,
        this.abort.signal,
        () => {
          this.stats.retries++;
        },
      );
  }

  /** Rows waiting. */
  get queued(): number {
    return this.queue.length;
  }

  /** Why the run cannot be used, once that is known. */
  get fatalReason(): string | undefined {
    return this.deadReason;
  }

  /** Whether the server confirmed the finish request. */
  get runFinished(): boolean {
    return this.finished;
  }

  /** Appends a row; `false` (and the row counted as dropped) when the queue is full or the run unusable. */
  enqueue(row: PendingRow): boolean {
    if (this.state === 'finishing' || this.state === 'closed') return this.reject('closed');
    if (this.deadReason !== undefined) return this.reject('run_failed', this.deadReason);
    if (this.queue.length >= this.settings.maxQueueSize) return this.reject('queue_full');
    this.queue.push(row);
    this.stats.enqueued++;
    if (this.pumping === undefined) {
      // A full batch goes out at once (as the W&B client sends full-size requests); otherwise the interval applies.
      if (this.timer === undefined) this.schedule();
      else if (this.queue.length >= this.settings.maxBatchRows) {
        this.clearTimer();
        this.schedule(true);
      }
    }
    return true;
  }

  /** Sends everything queued now; returns within `shutdownTimeoutMillis` (rows not sent stay queued). */
  async flush(): Promise<void> {
    if (this.queue.length === 0 && this.pumping === undefined) return;
    this.urgent++;
    try {
      await within(this.drained(), this.settings.shutdownTimeoutMillis);
    } finally {
      this.urgent--;
    }
  }

  /** For a producer that can wait (replay): sends what is queued, without a time bound. */
  async sendQueued(): Promise<void> {
    this.urgent++;
    try {
      await this.drained();
    } finally {
      this.urgent--;
    }
  }

  /**
   * Sends what is queued, then finishes the run with `exitCode()` (read after the last batch, so losses
   * count), all within `shutdownTimeoutMillis`; whatever is unconfirmed then is counted as dropped and the
   * request in flight is aborted, so nothing keeps the process alive. Runs once.
   */
  shutdown(exitCode: () => number): Promise<void> {
    this.shutdownPromise ??= this.shutdownOnce(exitCode);
    return this.shutdownPromise;
  }

  private async shutdownOnce(exitCode: () => number): Promise<void> {
    this.state = 'closing';
    this.urgent++;
    const work = (async () => {
      await this.drained();
      // From here rows are refused (counted as dropped): one sent now could reach the run after it was completed.
      this.state = 'finishing';
      if (!this.run.started || this.deadReason !== undefined) return;
      await this.run.updateConfig(this.hooks.config(), this.send);
      const result = await this.run.finish(exitCode(), this.send);
      this.lastRequestAt = Date.now();
      if (result.kind === 'success') this.finished = true;
      else this.hooks.onFinishFailed(result.message);
    })();
    const done = await within(work, this.settings.shutdownTimeoutMillis);
    if (!done) {
      this.generation++;
      this.abort.abort();
      const lost = this.queue.length + this.inFlight;
      this.queue = [];
      this.inFlight = 0;
      if (lost > 0) this.drop(lost, 'shutdown_timeout', `not confirmed within ${this.settings.shutdownTimeoutMillis} ms`);
      if (!this.finished && this.run.started && this.deadReason === undefined) {
        this.hooks.onFinishFailed(`the server did not confirm within ${this.settings.shutdownTimeoutMillis} ms`);
      }
    }
    this.state = 'closed';
    this.clearTimers();
    this.abort.abort();
  }

  /** Everything queued (including rows arriving meanwhile) sent or dropped, or the run unusable. */
  private async drained(): Promise<void> {
    for (;;) {
      // Given up by shutdown: nothing more is attempted.
      if (this.abort.signal.aborted) return;
      // A run that was never needed (nothing logged) is not created at shutdown either.
      const work = this.deadReason === undefined && (this.queue.length > 0 || (!this.run.started && this.stats.enqueued > 0));
      if (this.pumping === undefined) {
        if (!work) return;
        this.clearTimer();
        this.pump();
      }
      await this.pumping;
    }
  }

  private schedule(now = false): void {
    if (this.state === 'finishing' || this.state === 'closed' || this.deadReason !== undefined) return;
    const due = now || this.urgent > 0 || this.queue.length >= this.settings.maxBatchRows;
    const wait = due ? 0 : Math.max(0, this.lastRequestAt + this.settings.transmitIntervalMillis - Date.now());
    // Never synchronously: the row was logged on the job's path.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, wait);
    // An idle exporter must not keep a finished job alive (flush and shutdown hold their own bound timer).
    this.timer.unref();
  }

  private pump(): void {
    if (this.pumping !== undefined) return;
    this.pumping = this.pumpLoop().finally(() => {
      this.pumping = undefined;
      if (this.queue.length > 0 && this.timer === undefined) this.schedule();
    });
  }

  private async pumpLoop(): Promise<void> {
    if (!this.run.started) {
      try {
        await this.run.start(this.hooks.config(), this.hooks.startedWallMs, this.send);
        this.lastRequestAt = Date.now();
        this.armHeartbeat();
      } catch (e) {
        this.fail(e instanceof RunStartError ? e.message : `could not create the run: ${String(e)}`);
        return;
      }
    }
    while (this.queue.length > 0 && this.deadReason === undefined) {
      const rows = this.queue.splice(0, this.settings.maxBatchRows);
      // Out of the queue from here on: a shutdown that gives up now counts these rows as in flight.
      const generation = this.generation;
      this.inFlight = rows.length;
      const batch = await this.run.prepare(rows);
      if (generation !== this.generation) return;
      const result = await this.run.sendBatch(batch, this.send);
      if (generation !== this.generation) return; // given up by shutdown and already counted
      this.inFlight = 0;
      this.lastRequestAt = Date.now();
      if (result.kind === 'success') {
        this.stats.sent += rows.length;
        if (batch.behind > 0) this.hooks.onStepBehind(batch.behind);
        if (this.run.stopRequested) this.fail('the run was stopped from W&B');
      } else {
        this.stats.failedRequests++;
        this.drop(rows.length, 'export_failed', result.message);
        if (isFatal(result)) this.fail(result.message);
      }
      // Between batches the transmit interval applies, unless someone waits for everything or a batch is full.
      if (this.urgent === 0 && this.settings.transmitIntervalMillis > 0 && this.queue.length < this.settings.maxBatchRows) break;
    }
  }

  private armHeartbeat(): void {
    if (this.heartbeatTimer !== undefined || this.settings.heartbeatMillis <= 0) return;
    this.heartbeatTimer = setInterval(
      () => {
        if (this.pumping !== undefined || this.state !== 'open' || this.deadReason !== undefined) return;
        if (Date.now() - this.lastRequestAt < this.settings.heartbeatMillis) return;
        this.pumping = this.run
          .heartbeat(this.send)
          .then(() => {
            this.lastRequestAt = Date.now();
            if (this.run.stopRequested) this.fail('the run was stopped from W&B');
          })
          .finally(() => {
            this.pumping = undefined;
          });
      },
      Math.min(this.settings.heartbeatMillis, 5000),
    );
    this.heartbeatTimer.unref();
  }

  /** The run cannot be used: what is queued is dropped, later rows are refused, the exporter is told once. */
  private fail(reason: string): void {
    if (this.deadReason !== undefined) return;
    this.deadReason = reason;
    const lost = this.queue.length;
    this.queue = [];
    if (lost > 0) this.drop(lost, 'run_failed', reason);
    this.clearTimers();
    this.hooks.onFatal(reason);
  }

  private reject(reason: DropReport['reason'], detail?: string): false {
    this.drop(1, reason, detail);
    return false;
  }

  private drop(count: number, reason: DropReport['reason'], detail?: string): void {
    this.stats.dropped += count;
    try {
      this.hooks.onDrop({ count, total: this.stats.dropped, reason, ...(detail === undefined ? {} : { detail }) });
    } catch {
      // A drop handler must not turn a lost row into a crashed job.
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private clearTimers(): void {
    this.clearTimer();
    if (this.heartbeatTimer !== undefined) {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = undefined;
    }
  }
}

function isFatal(result: TransportResult): boolean {
  return result.kind === 'failure' && result.status !== undefined && FATAL_STATUS.has(result.status);
}

/**
 * Resolves `true` when `work` settles, `false` when `ms` pass first. The timer is not unref'd: whoever awaits
 * a flush wants the process to stay up that long (and no longer).
 */
function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settle = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    work.then(settle, settle);
  });
}
