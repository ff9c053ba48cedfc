// The W&B exporters: each export call builds one history row (the reference's B.4) and hands it to the
// run's sender; sending, batching, retries and the run's lifecycle happen off the job's path.
import os from 'node:os';
import {
  BaseExporter,
  type ErrorEvent,
  type Event,
  ExportError,
  internalLogger,
  messageOf,
  type Span,
  StandardSpanName,
  type TelemetryDataError,
  telemetryRuntime,
  VERSION,
  wallNowMs,
} from '@nv-one-logger/core';
import { HistorySender, type SenderStats } from './history-sender.js';
import { WandbHttpTransport } from './http-transport.js';
import { type MetricNamingStrategy, namingStrategy } from './naming.js';
import { type DropReport, type ResolvedOptions, resolveOptions, type WandBExporterOptions, WandbMode } from './options.js';
import { eventRow, MODEL_METRICS_EVENT, modelMetricsRow, type Row, startRow, stopRow, telemetryDataErrorRow } from './rows.js';
import { jobRunConfig } from './run-config.js';
import { WandbRun } from './wandb-run.js';

/** Counters of an exporter: the sender's, plus rows kept back by offline/disabled mode. */
export interface WandbExportStats extends SenderStats {
  /** Rows waiting to be sent. */
  queued: number;
  /** Rows not sent because the mode is `offline` or `disabled`. */
  notSent: number;
}

/** Where the run lives (known once the exporter is initialized; `entity` once the server named it). */
export interface WandbRunInfo {
  readonly entity: string | undefined;
  readonly project: string;
  readonly runId: string;
  readonly displayName: string;
}

/** The W&B client's heartbeat interval. */
const HEARTBEAT_MILLIS = 30_000;
const MAX_BATCH_ROWS = 1000;

/** Shared by `WandBExporterSync` and `WandBExporterAsync`; they differ in how rows are batched. */
export abstract class WandBExporterBase extends BaseExporter {
  readonly settings: ResolvedOptions;
  private readonly naming: MetricNamingStrategy;
  private sender: HistorySender | undefined;
  private fatal: string | undefined;
  private notSent = 0;
  private applicationFailed = false;
  private telemetryIncomplete = false;
  private dropReported = false;
  private closing: Promise<void> | undefined;

  protected constructor(options: WandBExporterOptions, asyncDefaults: boolean) {
    super();
    this.settings = resolveOptions(options, process.env, asyncDefaults);
    this.naming = namingStrategy(this.settings.metricNaming);
  }

  get mode(): WandbMode {
    return this.settings.mode;
  }

  /** The bound of this exporter's own flush()/close(); the recorder waits that long (plus a margin) for it. */
  get shutdownTimeoutMillis(): number {
    return this.settings.shutdownTimeoutMillis;
  }

  get run(): WandbRunInfo {
    return {
      entity: this.sender?.run.entity ?? this.settings.entity,
      project: this.settings.project,
      runId: this.settings.runId,
      displayName: this.settings.runName,
    };
  }

  get stats(): Readonly<WandbExportStats> {
    const s = this.sender?.stats ?? { enqueued: 0, sent: 0, dropped: 0, failedRequests: 0, retries: 0 };
    return { ...s, queued: this.sender?.queued ?? 0, notSent: this.notSent };
  }

  /** The exit code `close()` finishes the run with: 1 when the application span failed or telemetry is incomplete. */
  get exitCode(): number {
    return this.applicationFailed || this.telemetryIncomplete || (this.sender?.stats.dropped ?? 0) > 0 ? 1 : 0;
  }

  /**
   * Checks that the run can be reached (online: an API key is configured) and builds the sender; READY only
   * then. The run itself is created by the sender, off the job's path, when the first row is sent: a server
   * that refuses it makes the following export calls fail with the reason.
   */
  override initialize(): void {
    if (this.ready) return;
    // A closed exporter stays closed (the base class says so); nothing is built for it.
    if (this.closed) {
      super.initialize();
      return;
    }
    if (this.settings.mode === WandbMode.ONLINE) {
      if (this.settings.apiKey === '') {
        throw new ExportError('W&B exporter: no API key; set apiKey or WANDB_API_KEY (or mode "offline" to only keep the JSONL)');
      }
      let sender: HistorySender;
      try {
        sender = this.buildSender();
      } catch (e) {
        throw new ExportError(`Error initializing the W&B exporter: ${messageOf(e)}`);
      }
      this.sender = sender;
    } else if (this.settings.mode === WandbMode.OFFLINE) {
      internalLogger.info(
        'W&B exporter in offline mode: nothing is sent; upload the JSONL later with `one-logger replay <files> --wandb`.',
      );
    }
    super.initialize();
  }

  exportStart(span: Span): void {
    this.checkReady();
    this.log(startRow(this.naming, span, span.attributesView.map, span.startEvent.attributes.map), undefined);
  }

  exportStop(span: Span): void {
    this.checkReady();
    const stop = span.stopEvent;
    if (stop === undefined) throw new ExportError(`Span ${span.id} has no stop event`);
    this.log(stopRow(this.naming, span, span.updatedAttributes.map, stop.attributes.map), undefined);
  }

  exportEvent(event: Event, span: Span): void {
    this.checkReady();
    if (event.name === MODEL_METRICS_EVENT) {
      const { row, step } = modelMetricsRow(event.attributes.map);
      this.log(row, step);
      return;
    }
    this.log(eventRow(this.naming, span, event, event.attributes.map), undefined);
  }

  /** W&B has no error model: nothing is logged, but a failed application span finishes the run as failed. */
  exportError(_event: ErrorEvent, span: Span): void {
    this.checkReady();
    if (span.name === StandardSpanName.APPLICATION || span.exportedParentId === undefined) this.applicationFailed = true;
  }

  exportTelemetryDataError(error: TelemetryDataError): void {
    this.checkReady();
    this.telemetryIncomplete = true;
    this.log(telemetryDataErrorRow(error.errorType), undefined);
  }

  /** Sends everything queued; resolves within `shutdownTimeoutMillis` even when the server is down. */
  override async flush(): Promise<void> {
    await this.sender?.flush();
  }

  /**
   * Sends what is queued and finishes the run (`complete`, exit code 0, or 1 when the application failed or
   * telemetry is incomplete), all within `shutdownTimeoutMillis`. Never rejects; a second call returns the same promise.
   */
  override close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    try {
      await this.sender?.shutdown(() => this.exitCode);
    } catch (e) {
      internalLogger.error(`Error closing the W&B exporter: ${messageOf(e)}`);
    } finally {
      super.close();
    }
    const s = this.stats;
    if (s.dropped > 0) {
      internalLogger.warning(`W&B exporter closed: ${s.sent} row(s) delivered to run ${this.settings.runId}, ${s.dropped} dropped.`);
    }
  }

  private log(row: Row, step: number | undefined): void {
    // An empty row is not logged (the reference's rule), so it gets no app_last_log_time either.
    if (row.size === 0) return;
    if (this.fatal !== undefined) throw new ExportError(`W&B run ${this.settings.runId} cannot take data: ${this.fatal}`);
    const now = wallNowMs();
    row.add('app_last_log_time', Math.round(now));
    if (this.sender === undefined) {
      this.notSent++;
      return;
    }
    this.sender.enqueue({ data: row, wallMs: now, step });
  }

  private buildSender(): HistorySender {
    const s = this.settings;
    const transport = new WandbHttpTransport({
      baseUrl: s.baseUrl,
      apiKey: s.apiKey,
      requestTimeoutMillis: s.requestTimeoutMillis,
      userAgent: `nv-one-logger-ts/${VERSION}`,
    });
    const run = new WandbRun(transport, {
      entity: s.entity,
      project: s.project,
      runId: s.runId,
      displayName: s.runName,
      tags: s.tags,
      resume: s.resume,
      host: os.hostname(),
    });
    return new HistorySender(
      run,
      {
        maxQueueSize: s.maxQueueSize,
        transmitIntervalMillis: s.transmitIntervalMillis,
        shutdownTimeoutMillis: s.shutdownTimeoutMillis,
        heartbeatMillis: HEARTBEAT_MILLIS,
        maxBatchRows: MAX_BATCH_ROWS,
        retry: { maxRetries: s.maxRetries, initialMillis: s.retryInitialMillis, maxMillis: s.retryMaxMillis },
      },
      {
        config: jobRunConfig,
        startedWallMs: wallNowMs(),
        onDrop: (report) => this.handleDrop(report),
        onFatal: (reason) => {
          this.fatal = reason;
          internalLogger.error(`W&B exporter: run ${s.runId} cannot take data: ${reason}`);
        },
        onStepBehind: (count) =>
          internalLogger.once(
            'WARNING',
            `wandb:step_behind:${s.runId}`,
            `W&B exporter: ${count} model-metric row(s) had a global_step below the run's current step and were logged at the current step (W&B steps only increase).`,
          ),
        onFinishFailed: (reason) => internalLogger.warning(`W&B exporter: run ${s.runId} could not be finished: ${reason}`),
      },
    );
  }

  private handleDrop(report: DropReport): void {
    const why = report.detail === undefined ? report.reason : `${report.reason}: ${report.detail}`;
    const message = `W&B exporter dropped ${report.count} row(s) (${why}); ${report.total} dropped so far`;
    if (report.reason === 'queue_full' || report.reason === 'run_failed' || report.reason === 'closed') {
      internalLogger.once(
        'WARNING',
        `wandb:${report.reason}:${this.settings.runId}`,
        `${message}. Further losses of this kind are counted silently.`,
      );
    } else internalLogger.warning(message);
    if (!this.dropReported) {
      // Once, through the recorder's unguarded path: it reaches every exporter (the file one too), never
      // throws, never recurses, and is a no-op once the recorder is closed.
      this.dropReported = true;
      telemetryRuntime.sink?.reportTelemetryDataErrorUnguarded(message);
    }
    this.settings.onDrop?.(report);
  }
}

/**
 * Logs each export call as one W&B history row, sent as soon as the previous request is answered (Node has
 * no blocking HTTP: the call returns once the row is queued). `flush()` resolves when the server confirmed
 * everything queued (or at `shutdownTimeoutMillis`). A run the server refuses makes later export calls throw.
 */
export class WandBExporterSync extends WandBExporterBase {
  constructor(options: WandBExporterOptions = {}) {
    super(options, false);
  }
}

/**
 * Like `WandBExporterSync`, but rows are batched: at most one history request per `transmitIntervalMillis`
 * (15 s, the W&B client's), the first at once; a full queue drops rows (counted and reported).
 */
export class WandBExporterAsync extends WandBExporterBase {
  constructor(options: WandBExporterOptions = {}) {
    super(options, true);
  }
}
