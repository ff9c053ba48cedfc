// The daily duration counter (Python `builders/time.py`): `time_lapsed_today`.

import { TelemetryInputError } from '../errors.js';
import { CalendarDays, parseIsoDateTime, type TimeZoneMode } from '../python-datetime.js';
import type { BuildContext, Metrics, TelemetryData } from '../types.js';
import { incrementMetric, MetricBuilder, timeLapsedOf } from './base.js';

export interface TimeMetricsBuilderOptions {
  /** Whose calendar days reset the counter: the process's local zone (default, as Python) or UTC. */
  timeZone?: TimeZoneMode;
}

/**
 * `time_lapsed_today` = the report's `time_lapsed` when `context.now` is on another calendar date than
 * `context.oldNow` (the previous update), else the stored value plus `time_lapsed`. Python compares only the day of
 * the month, so 15 January → 15 February never reset; this compares year, month and day.
 */
export class TimeMetricsBuilder extends MetricBuilder {
  readonly timeZone: TimeZoneMode;
  private readonly days: CalendarDays;

  constructor(options: TimeMetricsBuilderOptions = {}) {
    super();
    this.timeZone = options.timeZone ?? 'local';
    this.days = new CalendarDays(this.timeZone);
  }

  build(metrics: Metrics, telemetryData: TelemetryData, context: BuildContext): void {
    const t = timeLapsedOf(telemetryData);
    const now = toDate(context.now, 'context.now', this.timeZone) ?? new Date();
    const oldNow = toDate(context.oldNow, 'context.oldNow', this.timeZone) ?? now;
    if (this.days.same(now, oldNow)) incrementMetric(metrics, 'time_lapsed_today', t);
    else metrics['time_lapsed_today'] = t;
  }
}

/** A context timestamp as a Date: a valid Date, or a string Python's `fromisoformat` reads. */
export function toDate(value: unknown, field: string, zone: TimeZoneMode): Date | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TelemetryInputError(field, value, 'must be a valid Date');
    return value;
  }
  if (typeof value === 'string') {
    const d = parseIsoDateTime(value, zone);
    if (d !== undefined) return d;
  }
  throw new TelemetryInputError(field, value, 'must be a Date or an ISO 8601 date-time string');
}
