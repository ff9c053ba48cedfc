// The exporter: records in, Prometheus metrics out (pulled from /metrics, pushed to a Pushgateway).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BaseExporter,
  type ErrorEvent,
  type Event,
  ExportError,
  internalLogger,
  messageOf,
  type Span,
  StandardSpanAttributeName,
  type TelemetryDataError,
  telemetryRuntime,
} from '@nv-one-logger/core';
import { GatewayPusher, type PusherStats } from './gateway-pusher.js';
import { MetricsServer, metricsRequestHandler } from './metrics-server.js';
import { type PrometheusExporterOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { TrainingMetrics } from './training-metrics.js';

const NAME = 'PrometheusExporter';

function bounded<T>(work: Promise<T>, millis: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), millis);
    timer.unref();
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/**
 * Turns training telemetry into Prometheus metrics: served on `/metrics` (pull) and/or pushed to a Pushgateway
 * (push). Export calls update in-memory metrics and return; text is built only when scraped or pushed, and
 * nothing here runs per training iteration (the recorder reports iterations in aggregated events).
 */
export class PrometheusExporter extends BaseExporter {
  readonly settings: ResolvedOptions;
  private readonly metrics: TrainingMetrics;
  private readonly server: MetricsServer | undefined;
  private readonly pusher: GatewayPusher | undefined;
  /** The handler of the metrics path, for mounting on the application's own HTTP server. */
  readonly requestHandler: (req: IncomingMessage, res: ServerResponse) => void;
  private labelsFilled = false;
  /** Set once a push problem went into the records (the recorder keeps one telemetry-data error per exporter). */
  private failureRecorded = false;
  /** Set while the final push (or delete) of `close()` runs. */
  private finalRequest = false;
  private closing: Promise<void> | undefined;
  private listening: Promise<AddressInfo | undefined> = Promise.resolve(undefined);

  constructor(options: PrometheusExporterOptions = {}) {
    super();
    this.settings = resolveOptions(options);
    this.metrics = new TrainingMetrics({
      labels: this.settings.labels,
      checkpointBuckets: this.settings.checkpointBuckets,
      maxModelMetrics: this.settings.maxModelMetrics,
      onProblem: (message) => this.report(message),
    });
    this.requestHandler = metricsRequestHandler(this.settings.path, async () => ({
      text: await this.metrics.metrics(),
      contentType: this.metrics.contentType,
    }));
    if (this.settings.serve) {
      this.server = new MetricsServer(this.settings.host, this.settings.port, this.requestHandler, (m) => this.report(m));
    }
    const push = this.settings.push;
    if (push !== undefined) {
      this.pusher = new GatewayPusher(
        push,
        {
          text: () => this.metrics.metrics(),
          version: () => this.metrics.version,
          grouping: () => [
            ['job', push.job ?? this.metrics.jobLabels.application ?? 'one_logger'],
            ['instance', push.instance ?? `rank${this.metrics.jobLabels.rank}`],
            ...Object.entries(push.groupings),
          ],
        },
        (operation, detail, failures) => this.pushFailed(operation, detail, failures),
      );
    }
  }

  /**
   * Where the metrics endpoint listens once it is up (`port: 0` picks a free port); undefined when it is not
   * served or the port could not be bound (then the failure was reported).
   */
  get address(): Promise<AddressInfo | undefined> {
    return this.listening;
  }

  /** The bound of this exporter's own flush()/close() (final push included); the recorder waits that long for it. */
  get shutdownTimeoutMillis(): number {
    return this.settings.shutdownTimeoutMillis;
  }

  /** Push counters (all zero without `push`). */
  get pushStats(): PusherStats {
    return this.pusher?.stats ?? { pushes: 0, failures: 0, skipped: 0 };
  }

  /** The current metrics in the text exposition format (what a scrape gets). */
  metricsText(): Promise<string> {
    return this.metrics.metrics();
  }

  /** Starts the endpoint and the push interval; both work off the job's path. */
  override initialize(): void {
    if (this.ready) return;
    super.initialize();
    if (this.server !== undefined) this.listening = this.server.start();
    this.pusher?.start();
  }

  exportStart(_span: Span): void {
    this.checkReady();
    this.fillLabels();
  }

  exportStop(span: Span): void {
    this.checkReady();
    this.fillLabels();
    try {
      const duration = span.attributesView.map.get(StandardSpanAttributeName.DURATION_MSEC);
      this.metrics.onSpanStop(span.name, typeof duration === 'number' ? duration : undefined);
    } catch (e) {
      throw new ExportError(`Error exporting span ${span.id}: ${messageOf(e)}`);
    }
  }

  exportEvent(event: Event, _span: Span): void {
    this.checkReady();
    this.fillLabels();
    try {
      this.metrics.onEvent(event.name, event.attributes.map);
    } catch (e) {
      throw new ExportError(`Error exporting event ${event.name}: ${messageOf(e)}`);
    }
  }

  exportError(_event: ErrorEvent, _span: Span): void {
    this.checkReady();
    this.fillLabels();
    this.metrics.onApplicationError();
  }

  exportTelemetryDataError(_error: TelemetryDataError): void {
    this.checkReady();
    this.fillLabels();
    this.metrics.onTelemetryDataError();
  }

  /** Pushes the latest values (with `push`); resolves within `shutdownTimeoutMillis`, never rejects. */
  override async flush(): Promise<void> {
    // After close() the final push has been made; a later flush (e.g. at beforeExit) has nothing to add.
    if (this.pusher === undefined || this.closing !== undefined) return;
    await bounded(this.pusher.pushLatest(), this.settings.shutdownTimeoutMillis, false);
  }

  /**
   * Stops the push interval, pushes the final values (or deletes the group with `deleteOnShutdown`) and closes
   * the endpoint, all within `shutdownTimeoutMillis`. Never rejects; a second call returns the same promise.
   */
  override close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    const started = Date.now();
    const limit = this.settings.shutdownTimeoutMillis;
    try {
      const pusher = this.pusher;
      if (pusher !== undefined) {
        pusher.stop();
        this.finalRequest = true;
        const deleting = this.settings.push?.deleteOnShutdown === true;
        const ok = await bounded(deleting ? pusher.deleteGroup() : pusher.pushLatest(), limit, false);
        if (!ok && !this.failureRecorded) {
          // The bound ran out before the request itself failed.
          this.pushProblem(
            `the final ${deleting ? 'delete' : 'push'} to ${this.target()} did not finish within ${limit} ms (shutdownTimeoutMillis)`,
          );
        }
      }
      await bounded(this.server?.stop() ?? Promise.resolve(), Math.max(1, limit - (Date.now() - started)), undefined);
    } catch (e) {
      internalLogger.error(`${NAME}: error while closing: ${messageOf(e)}`);
    } finally {
      super.close();
    }
  }

  /** On the first export the provider holds the job's configuration (it does not yet at initialize()). */
  private fillLabels(): void {
    if (this.labelsFilled) return;
    this.labelsFilled = true;
    this.metrics.fillLabelsFromProvider();
  }

  private target(): string {
    return this.pusher?.groupUrl ?? this.settings.push?.url.toString() ?? '';
  }

  private pushFailed(operation: 'push' | 'delete', detail: string, failures: number): void {
    if (this.finalRequest) {
      const lost = operation === 'push' ? 'the Pushgateway keeps older values or none' : 'the group stays in the Pushgateway';
      this.pushProblem(`the final ${operation} to ${this.target()} failed (${detail}); ${lost}`);
    } else {
      this.pushProblem(`${operation} to ${this.target()} failed (${detail}); ${failures} failed request(s) so far`, `prometheus:${detail}`);
    }
    try {
      this.settings.onPushError?.({ operation, detail, failures });
    } catch (e) {
      internalLogger.error(`${NAME}: onPushError threw: ${messageOf(e)}`);
    }
  }

  /**
   * The first push problem goes into the records; later ones are logged (interval failures once per kind of
   * failure, so a gateway that stays down does not flood the log) and counted in `pushStats`.
   */
  private pushProblem(message: string, onceKey?: string): void {
    if (!this.failureRecorded) {
      this.failureRecorded = true;
      this.report(`${message}. Later push failures are logged and counted in pushStats.`);
    } else if (onceKey !== undefined) {
      internalLogger.once('WARNING', onceKey, `${NAME}: ${message}`);
    } else {
      internalLogger.warning(`${NAME}: ${message}`);
    }
  }

  /**
   * Logs a problem and records it as a telemetry-data error, so a FileExporter next to this one says the
   * Prometheus data is incomplete. Deferred to a microtask: it may arise inside an export call.
   */
  private report(message: string): void {
    internalLogger.warning(`${NAME}: ${message}`);
    queueMicrotask(() => telemetryRuntime.sink?.reportTelemetryDataErrorUnguarded(`${NAME}: ${message}`));
  }
}
