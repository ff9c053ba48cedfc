// Serialised read-modify-write of a stored metrics map. The Python service loads the whole dict, processes and
// saves it per request with no locking, so concurrent reports can overwrite each other's increments.

import { MetricProcessor } from './processor.js';
import type { Metrics, ProcessContext, RawReport } from './types.js';

/** Where the metrics map lives (a file, a database row, ...). Either method may be synchronous or async. */
export interface MetricStore {
  /** The stored map, or undefined/null when nothing is stored yet. */
  load(): Metrics | undefined | null | Promise<Metrics | undefined | null>;
  save(metrics: Metrics): void | Promise<void>;
}

/** A store that keeps the map in memory (tests, single-process services). */
export class InMemoryMetricStore implements MetricStore {
  private metrics: Metrics | undefined;

  constructor(initial?: Metrics) {
    this.metrics = initial;
  }

  load(): Metrics | undefined {
    return this.metrics;
  }

  save(metrics: Metrics): void {
    this.metrics = metrics;
  }
}

/**
 * Applies reports to a store one at a time: each `report()` waits for the previous one's save, then loads, processes a
 * copy and saves it, so no increment is lost between concurrent callers of this object, and a report that fails
 * (bad input, store error) leaves the stored map unchanged and does not block later ones. Several processes sharing
 * one store still need the store's own locking or transactions.
 */
export class MetricAggregator {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly store: MetricStore,
    readonly processor: MetricProcessor = new MetricProcessor(),
  ) {}

  /** Resolves with the saved map (a new object each time). */
  report(rawReport: RawReport, context?: ProcessContext): Promise<Metrics> {
    const run = this.tail.then(() => this.apply(rawReport, context));
    // The chain continues after a failure; the failure goes to this caller only.
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async apply(rawReport: RawReport, context: ProcessContext | undefined): Promise<Metrics> {
    const stored = await this.store.load();
    const metrics: Metrics = { ...(stored ?? {}) };
    this.processor.process(metrics, rawReport, context);
    await this.store.save(metrics);
    return metrics;
  }
}
