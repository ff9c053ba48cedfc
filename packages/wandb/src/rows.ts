// What one export call logs (the reference's B.4), as plain functions shared by the live exporters and replay.
import type { AttributeValue } from '@nv-one-logger/core';
import { CachedNaming, type MetricNamingStrategy, type Named } from './naming.js';

/**
 * One `run.log()` call: metric names and values in order. Two arrays, not an object: rows of 20 keys built with
 * computed names would be dictionary-mode objects, several times slower to build and to serialize (measured on
 * training_metrics_update rows). A name given twice (flat naming) counts once, with the later value, as in
 * the object the reference logs.
 */
export class Row {
  readonly keys: string[] = [];
  readonly values: AttributeValue[] = [];

  /** Appends a pair. A name given again (flat naming) is written again: JSON readers keep the later value. */
  add(key: string, value: AttributeValue): this {
    this.keys.push(key);
    this.values.push(value);
    return this;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The row as an object (later duplicates win), for tests and callers that want one. */
  toObject(): Record<string, AttributeValue> {
    const out: Record<string, AttributeValue> = {};
    for (let i = 0; i < this.keys.length; i++) out[this.keys[i] as string] = this.values[i] as AttributeValue;
    return out;
  }
}

/** The event the training telemetry records for a model's own metrics (loss, val_loss, ...). */
export const MODEL_METRICS_EVENT = 'model_metrics';
/** Attribute of a `model_metrics` event holding the training step the metrics belong to. */
export const GLOBAL_STEP = 'global_step';
const TIMESTAMP_MSEC = 'timestamp_msec';
const SPAN_START: Named = { name: 'span_start' };
const SPAN_STOP: Named = { name: 'span_stop' };

type Pairs = Iterable<readonly [string, AttributeValue]>;

/** Span attributes under their metric names (a cached strategy's table is looked up once per row). */
function addSpanAttributes(row: Row, naming: MetricNamingStrategy, span: Named, attributes: Pairs): void {
  if (naming instanceof CachedNaming) {
    const table = naming.spanTable(span);
    for (const [k, v] of attributes) row.add(table.get(k), v);
  } else for (const [k, v] of attributes) row.add(naming.fromSpanAttribute(span, k), v);
}

function addEventAttributes(row: Row, naming: MetricNamingStrategy, span: Named, event: Named, attributes: Pairs): void {
  if (naming instanceof CachedNaming) {
    const table = naming.eventTable(span, event);
    for (const [k, v] of attributes) row.add(table.get(k), v);
  } else for (const [k, v] of attributes) row.add(naming.fromEventAttribute(span, event, k), v);
}

/** Span start: the span's attributes and its start event's (`timestamp_msec` included). */
export function startRow(naming: MetricNamingStrategy, span: Named, attributes: Pairs, startEventAttributes: Pairs): Row {
  const row = new Row();
  addSpanAttributes(row, naming, span, attributes);
  addEventAttributes(row, naming, span, SPAN_START, startEventAttributes);
  return row;
}

/** Span stop: only the attributes added or changed after the start (always `duration_msec`) and the stop event's. */
export function stopRow(naming: MetricNamingStrategy, span: Named, updatedAttributes: Pairs, stopEventAttributes: Pairs): Row {
  const row = new Row();
  addSpanAttributes(row, naming, span, updatedAttributes);
  addEventAttributes(row, naming, span, SPAN_STOP, stopEventAttributes);
  return row;
}

/** A custom event: all its attributes (`timestamp_msec` included). */
export function eventRow(naming: MetricNamingStrategy, span: Named, event: Named, attributes: Pairs): Row {
  const row = new Row();
  addEventAttributes(row, naming, span, event, attributes);
  return row;
}

/**
 * A `model_metrics` event: each metric under its own name (`loss`, not `training_loop.model_metrics.loss`) and
 * `global_step`, which also becomes the row's `_step`, so W&B draws the curves against the training step.
 * `timestamp_msec` is left out: the row's `_timestamp` holds the time. `step` is undefined when the event has no
 * usable `global_step` (then the row is logged like any other).
 */
export function modelMetricsRow(attributes: Pairs): { row: Row; step: number | undefined } {
  const row = new Row();
  let step: number | undefined;
  for (const [k, v] of attributes) {
    if (k === TIMESTAMP_MSEC) continue;
    row.add(k, v);
    if (k === GLOBAL_STEP && typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) step = v;
  }
  return { row, step };
}

/** `{telemetry_data_error: "NO_TELEMETRY_DATA" | "INCOMPLETE_TELEMETRY_DATA"}`: the enum's upper-case name, no naming strategy. */
export function telemetryDataErrorRow(errorType: string): Row {
  return new Row().add('telemetry_data_error', errorType.toUpperCase());
}
