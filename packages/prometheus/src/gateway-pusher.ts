// The push side: the metrics go to a Pushgateway on an interval and once more at shutdown, one request at a time.
import type { ResolvedPush } from './options.js';
import { type GatewayResult, groupPath, sendToGateway } from './pushgateway-transport.js';

export interface PusherStats {
  /** Successful pushes. */
  readonly pushes: number;
  /** Failed push and delete requests. */
  readonly failures: number;
  /** Interval pushes skipped because the previous request was still running. */
  readonly skipped: number;
}

export interface PusherSource {
  /** The exposition text to push. */
  text(): Promise<string>;
  /** Advances whenever a metric changes; 0 means nothing was recorded yet. */
  version(): number;
  /** The grouping keys (job, instance, ...), read at the first push and then fixed. */
  grouping(): ReadonlyArray<readonly [string, string]>;
}

export type FailureListener = (operation: 'push' | 'delete', detail: string, failures: number) => void;

/**
 * Never more than one request in flight: an interval tick that finds one running is skipped (and counted), a
 * flush waits for it and pushes again only if something changed since. Every request is bounded by
 * `timeoutMillis`; the interval timer is `unref`'d, so a dead gateway never holds the job.
 */
export class GatewayPusher {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<boolean> | undefined;
  private inFlightVersion = -1;
  private pushedVersion = 0;
  private path: string | undefined;
  private pushes = 0;
  private failures = 0;
  private skipped = 0;
  /** Set by `deleteGroup()`: no push starts after it (one would bring the group back after the DELETE). */
  private deleting = false;

  constructor(
    private readonly settings: ResolvedPush,
    private readonly source: PusherSource,
    private readonly onFailure: FailureListener,
  ) {}

  get stats(): PusherStats {
    return { pushes: this.pushes, failures: this.failures, skipped: this.skipped };
  }

  /** The group URL (known from the first push on). */
  get groupUrl(): string | undefined {
    return this.path === undefined ? undefined : new URL(this.path, this.settings.url).toString();
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      if (this.inFlight !== undefined) this.skipped++;
      // Every tick pushes (when anything was recorded), so the gateway's push time shows the job is alive.
      else if (this.source.version() > 0 && !this.deleting) void this.pushOnce();
    }, this.settings.intervalMillis);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Pushes the current values unless they were pushed already; waits for a request in flight first. Resolves
   * to whether the gateway holds the values current at the call (true when there was nothing to push, or when
   * the group is being deleted meanwhile: nothing is pushed then).
   */
  async pushLatest(): Promise<boolean> {
    const wanted = this.source.version();
    while (this.inFlight !== undefined) {
      // A request that already carries the wanted values decides the outcome (no second try at shutdown).
      const covers = this.inFlightVersion >= wanted;
      const ok = await this.inFlight;
      if (covers) return ok;
    }
    if (wanted === 0 || this.pushedVersion >= wanted || this.deleting) return true;
    return this.pushOnce();
  }

  /**
   * Deletes the group (used at shutdown with `deleteOnShutdown`) once no push is in flight, and starts no push
   * after it: a push answered after the DELETE would bring the group back. Resolves to whether the gateway
   * confirmed the delete.
   */
  async deleteGroup(): Promise<boolean> {
    this.deleting = true;
    while (this.inFlight !== undefined) await this.inFlight;
    const result = await sendToGateway(this.groupUrlObject(), 'DELETE', undefined, this.settings.headers, this.settings.timeoutMillis);
    return this.outcome('delete', result);
  }

  private pushOnce(): Promise<boolean> {
    const version = this.source.version();
    this.inFlightVersion = version;
    const run = (async () => {
      let result: GatewayResult;
      try {
        const text = await this.source.text();
        result = await sendToGateway(this.groupUrlObject(), 'PUT', text, this.settings.headers, this.settings.timeoutMillis);
      } catch (e) {
        result = { ok: false, detail: e instanceof Error ? e.message : String(e) };
      }
      const ok = this.outcome('push', result);
      if (ok) {
        this.pushes++;
        this.pushedVersion = Math.max(this.pushedVersion, version);
      }
      return ok;
    })();
    this.inFlight = run;
    void run.then(() => {
      if (this.inFlight === run) this.inFlight = undefined;
    });
    return run;
  }

  private groupUrlObject(): URL {
    this.path ??= groupPath(this.settings.url, this.source.grouping());
    return new URL(this.path, this.settings.url);
  }

  private outcome(operation: 'push' | 'delete', result: GatewayResult): boolean {
    if (result.ok) return true;
    this.failures++;
    this.onFailure(operation, result.detail, this.failures);
    return false;
  }
}
