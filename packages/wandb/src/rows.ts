// What one export call logs (the reference's B.4), as plain functions shared by the live exporters and replay.
import type { AttributeValue } from '@nv-one-logger/core';
import type { MetricNamingStrategy, Named } from './naming.js';

/** One `run.log()` call: metric name to value, in insertion order. */
export type RowData = Record<string, AttributeValue>;

/** The event the training telemetry records for a model's own metrics (loss, val_loss, ...). */
export const MODEL_METRICS_EVENT = 'model_metrics';
/** Attribute of a `model_metrics` event holding the training step the metrics belong to. */
export const GLOBAL_STEP = 'global_step';
const TIMESTAMP_MSEC = 'timestamp_msec';
const SPAN_START: Named = { name: 'span_start' };
const SPAN_STOP: Named = { name: 'span_stop' };

type Pairs = Iterable<readonly [string, AttributeValue]>;

/** Span start: the span's attributes and its start event's (`timestamp_msec` included). */
export function startRow(naming: MetricNamingStrategy, span: Named, attributes: Pairs, startEventAttributes: Pairs): RowData {
  const row: RowData = {};
  for (const [k, v] of attributes) row[naming.fromSpanAttribute(span, k)] = v;
  for (const [k, v] of startEventAttributes) row[naming.fromEventAttribute(span, SPAN_START, k)] = v;
  return row;
}

/** Span stop: only the attributes added or changed after the start (always `duration_msec`) and the stop event's. */
export function stopRow(naming: MetricNamingStrategy, span: Named, updatedAttributes: Pairs, stopEventAttributes: Pairs): RowData {
  const row: RowData = {};
  for (const [k, v] of updatedAttributes) row[naming.fromSpanAttribute(span, k)] = v;
  for (const [k, v] of stopEventAttributes) row[naming.fromEventAttribute(span, SPAN_STOP, k)] = v;
  return row;
}

/** A custom event: all its attributes (`timestamp_msec` included). */
export function eventRow(naming: MetricNamingStrategy, span: Named, event: Named, attributes: Pairs): RowData {
  const row: RowData = {};
  for (const [k, v] of attributes) row[naming.fromEventAttribute(span, event, k)] = v;
  return row;
}

/**
 * A `model_metrics` event: each metric under its own name (`loss`, not `training_loop.model_metrics.loss`) and
 * `global_step`, which also becomes the row's `_step`, so W&B draws the curves against the training step.
 * `timestamp_msec` is left out: the row's `_timestamp` holds the time. `step` is undefined when the event has no
 * usable `global_step` (then the row is logged like any other).
 */
export function modelMetricsRow(attributes: Pairs): { data: RowData; step: number | undefined } {
  const data: RowData = {};
  let step: number | undefined;
  for (const [k, v] of attributes) {
    if (k === TIMESTAMP_MSEC) continue;
    data[k] = v;
    if (k === GLOBAL_STEP && typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) step = v;
  }
  return { data, step };
}

/** `{telemetry_data_error: "NO_TELEMETRY_DATA" | "INCOMPLETE_TELEMETRY_DATA"}`: the enum's upper-case name, no naming strategy. */
export function telemetryDataErrorRow(errorType: string): RowData {
  return { telemetry_data_error: errorType.toUpperCase() };
}
