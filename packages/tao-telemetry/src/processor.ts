// The orchestrator (Python `processor.py`): extract once, run every builder, stamp `last_updated`.

import type { MetricBuilderLike } from './builders/base.js';
import { ComprehensiveMetricsBuilder } from './builders/comprehensive.js';
import { LabeledMetricsBuilder } from './builders/labeled.js';
import { LegacyMetricsBuilder } from './builders/legacy.js';
import { TimeMetricsBuilder, toDate } from './builders/time.js';
import { TelemetryInputError } from './errors.js';
import { formatIsoDateTime, type LastUpdatedFormat, parseIsoDateTime, type TimeZoneMode } from './python-datetime.js';
import { pyTruthy } from './python-str.js';
import type { BuildContext, MetricAttribute, Metrics, ProcessContext, RawReport } from './types.js';
import { type ExtractionLimits, type ExtractOptions, extractTelemetryData } from './utils.js';

export interface MetricProcessorOptions {
  /** The builders, run in order. Default: Legacy, Comprehensive, Time, Labeled. An empty list is used as given. */
  builders?: MetricBuilderLike[];
  /** The registry for extraction and the default builders (default: `METRIC_ATTRIBUTES`, read live). */
  attributes?: readonly MetricAttribute[];
  /** Bounds on report values (see `ExtractionLimits`). */
  limits?: Partial<ExtractionLimits>;
  /** Zone of naive timestamps and of the daily reset: `'local'` (default, as Python) or `'utc'`. */
  timeZone?: TimeZoneMode;
  /** `'utc'` (default): `2025-01-15T12:00:00+00:00`; `'naive'`: Python's `2025-01-15T12:00:00` in `timeZone`. */
  lastUpdatedFormat?: LastUpdatedFormat;
}

/**
 * `process(metrics, report, context)` updates `metrics` in place and returns it:
 * 1. `now` = `context.now` or the current time; `oldNow` = `context.oldNow`, else `metrics.last_updated` (naive values
 *    read in `timeZone`), else `now`;
 * 2. the report is extracted once (and checked: a bad report throws `TelemetryInputError` before anything changes);
 * 3. every builder runs with the same data and a fresh context `{ ...context, now, oldNow }` (the caller's object is
 *    never modified);
 * 4. `metrics.last_updated` = `now` as ISO 8601.
 */
export class MetricProcessor {
  /** Run order = list order; `addBuilder` appends. */
  readonly builders: MetricBuilderLike[];
  readonly attributes: readonly MetricAttribute[] | undefined;
  readonly limits: Partial<ExtractionLimits>;
  readonly timeZone: TimeZoneMode;
  readonly lastUpdatedFormat: LastUpdatedFormat;
  private readonly extractOptions: ExtractOptions;
  // The timestamp this processor last wrote, already parsed: the next call usually reads it back.
  private lastWritten: { text: string; date: Date } | undefined;

  constructor(options: MetricProcessorOptions = {}) {
    this.attributes = options.attributes;
    this.limits = options.limits ?? {};
    this.timeZone = options.timeZone ?? 'local';
    this.lastUpdatedFormat = options.lastUpdatedFormat ?? 'utc';
    const attributes = options.attributes === undefined ? {} : { attributes: options.attributes };
    this.extractOptions = { ...attributes, limits: this.limits };
    this.builders = options.builders ?? [
      new LegacyMetricsBuilder(),
      new ComprehensiveMetricsBuilder(attributes),
      new TimeMetricsBuilder({ timeZone: this.timeZone }),
      new LabeledMetricsBuilder(attributes),
    ];
  }

  addBuilder(builder: MetricBuilderLike): void {
    this.builders.push(builder);
  }

  process(metrics: Metrics, rawReport: RawReport, context?: ProcessContext): Metrics {
    if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
      throw new TelemetryInputError('metrics', metrics, 'must be a plain object (the stored metrics map)');
    }
    const now = toDate(context?.now, 'context.now', this.timeZone) ?? new Date();
    const oldNow = toDate(context?.oldNow, 'context.oldNow', this.timeZone) ?? this.storedTime(metrics) ?? now;
    const telemetryData = extractTelemetryData(rawReport, this.extractOptions);
    const buildContext: BuildContext = context === undefined ? { now, oldNow } : { ...context, now, oldNow };
    for (const builder of this.builders) builder.build(metrics, telemetryData, buildContext);
    const written = this.lastWritten;
    const t = now.getTime();
    if (written !== undefined && written.date.getTime() === t) {
      metrics['last_updated'] = written.text;
    } else {
      const text = formatIsoDateTime(now, this.lastUpdatedFormat, this.timeZone);
      metrics['last_updated'] = text;
      this.lastWritten = { text, date: new Date(t) };
    }
    return metrics;
  }

  /** `metrics.last_updated` as a Date; a missing or unreadable value (Python would raise) counts as absent. */
  private storedTime(metrics: Metrics): Date | undefined {
    const stored = metrics['last_updated'];
    if (!pyTruthy(stored) || typeof stored !== 'string') return undefined;
    if (this.lastWritten !== undefined && this.lastWritten.text === stored) return this.lastWritten.date;
    return parseIsoDateTime(stored, this.timeZone);
  }
}
