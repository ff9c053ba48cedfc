import { rejectInput } from '../internal/runtime.js';
import { Attribute, Attributes, type AttributesInput, type AttributeValue, acceptedAttributeValue } from './attributes.js';
import { creationAttributes, isSharedAttributes } from './creation-attributes.js';
import { assertThat, OneLoggerError } from './errors.js';
import { Event, StandardEventAttributeName, StandardEventName } from './event.js';
import { nextSpanId } from './ids.js';
import { TracingTimestamp } from './time.js';

export const StandardSpanName = {
  /** The span covering the whole program run. */
  APPLICATION: 'application',
} as const;

export const StandardSpanAttributeName = {
  DURATION_MSEC: 'duration_msec',
  NVTX_COLOR: 'nvtx_color',
} as const;

export const NVTXColor = {
  UNSET: 'unset',
  GREEN: 'green',
  BLUE: 'blue',
  YELLOW: 'yellow',
  PURPLE: 'purple',
  RAPIDS: 'rapids',
  CYAN: 'cyan',
  RED: 'red',
  WHITE: 'white',
  DARK_GREEN: 'darkgreen',
  ORANGE: 'orange',
} as const;
export type NVTXColor = (typeof NVTXColor)[keyof typeof NVTXColor];

export interface SpanCreateOptions {
  parentSpan?: Span | undefined;
  spanAttributes?: AttributesInput;
  startEventAttributes?: AttributesInput;
  startTime?: TracingTimestamp | undefined;
}

/** `int((stop - start) * 1000)` of the reference, robust to binary rounding of the ms difference. */
export function durationMsecBetween(start: TracingTimestamp, stop: TracingTimestamp): number {
  return Math.trunc(Math.round((stop.perfMs - start.perfMs) * 1000) / 1000);
}

/**
 * A timed unit of work. It keeps only its start and stop (never a history of its other events), so a span
 * that lives for a million iterations uses constant memory. The start and stop `Event` objects are built
 * only when asked for; exporters read the raw times and attributes.
 */
export class Span {
  readonly id: string;
  readonly name: string;
  readonly parentSpan: Span | undefined;
  /** @internal */ readonly startTime: TracingTimestamp;
  /** @internal Copy of the caller's start-event attributes (without `timestamp_msec`), if any. */
  readonly startAttributes: Attributes | undefined;
  /** @internal Set once stopped. */
  stopTime: TracingTimestamp | undefined;
  /** @internal Copy of the caller's stop-event attributes, if any. */
  stopAttributes: Attributes | undefined;
  private startEventCache: Event | undefined;
  private stopEventCache: Event | undefined;
  /**
   * Initial attributes merged with later updates (updates win and keep the initial position) and, once stopped,
   * `duration_msec`. While it is a snapshot shared with other spans (see creationAttributes), it is never changed
   * and `duration_msec` is kept in `stopDuration` only; the span copies it before its first change.
   */
  private merged: Attributes;
  /** `duration_msec`, once stopped. */
  private stopDuration: number | undefined;
  private updatedKeys: string[] | undefined;
  /**
   * @internal The id written as `parent_id`: the nearest ancestor that the recorder exports
   * (set by the recorder; defaults to the direct parent).
   */
  exportedParentId: string | undefined;
  /** @internal The list of running spans of the recorder that runs this span, and its neighbours there (see recorder/running-spans.ts). */
  runningList: unknown;
  /** @internal */ runningPrev: Span | undefined;
  /** @internal */ runningNext: Span | undefined;

  /** Use `Span.create`. */
  private constructor(id: string, name: string, startTime: TracingTimestamp, options: SpanCreateOptions) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new OneLoggerError(`Span name must be a non-empty string (got ${String(name)})`);
    }
    assertThat(startTime instanceof TracingTimestamp, `Span ${name} must have a start event with a valid timestamp`);
    this.id = id;
    this.name = name;
    this.parentSpan = options.parentSpan;
    this.startTime = startTime;
    this.startAttributes = eventAttributesCopy(options.startEventAttributes, startTime);
    this.stopTime = undefined;
    this.stopAttributes = undefined;
    this.merged = creationAttributes(name, options.spanAttributes);
    this.stopDuration = undefined;
    this.exportedParentId = options.parentSpan?.id;
    this.runningList = undefined;
    this.runningPrev = undefined;
    this.runningNext = undefined;
  }

  static create(name: string, options: SpanCreateOptions = {}): Span {
    return new Span(nextSpanId(), name, options.startTime ?? TracingTimestamp.now(), options);
  }

  /** The `span_start` event (built on first access). */
  get startEvent(): Event {
    this.startEventCache ??= new Event(StandardEventName.SPAN_START, this.startTime, this.startAttributes);
    return this.startEventCache;
  }

  /** The `span_stop` event once stopped (built on first access). */
  get stopEvent(): Event | undefined {
    if (this.stopTime === undefined) return undefined;
    this.stopEventCache ??= new Event(StandardEventName.SPAN_STOP, this.stopTime, this.stopAttributes);
    return this.stopEventCache;
  }

  /** A copy of the current attributes: initial ones with later updates applied (change them with `addAttribute`). */
  get attributes(): Attributes {
    return new Attributes(this.attributesView);
  }

  /** @internal The live merged collection, read by exporters without copying. Do not modify. */
  get attributesView(): Attributes {
    return this.stopTime === undefined || !isSharedAttributes(this.merged) ? this.merged : this.ownMerged();
  }

  /**
   * @internal The snapshot the span was created with, shared with other spans, while the span has no copy of its
   * own (no update; once stopped, `duration_msec` comes on top, see `stoppedDurationMsec`); otherwise undefined.
   * Lets a record writer reuse what it wrote for the same snapshot before.
   */
  get sharedAttributes(): Attributes | undefined {
    return isSharedAttributes(this.merged) ? this.merged : undefined;
  }

  /** @internal `duration_msec` of a stopped span (undefined while running). */
  get stoppedDurationMsec(): number | undefined {
    return this.stopDuration;
  }

  /** Only the attributes added or changed after creation (including `duration_msec` once stopped). */
  get updatedAttributes(): Attributes {
    const out = new Attributes();
    if (this.updatedKeys) for (const k of this.updatedKeys) out.map.set(k, this.merged.map.get(k) as AttributeValue);
    const duration = this.stopDuration;
    if (duration !== undefined) out.map.set(StandardSpanAttributeName.DURATION_MSEC, duration);
    return out;
  }

  get active(): boolean {
    return this.stopTime === undefined;
  }

  /** Stops the span once (a second call changes nothing) and records `duration_msec`. */
  stop(options?: { stopEventAttributes?: AttributesInput; stopTime?: TracingTimestamp | undefined }): void {
    if (this.stopTime !== undefined) return;
    const stopTime = options?.stopTime ?? TracingTimestamp.now();
    if (stopTime.perfMs < this.startTime.perfMs) {
      throw new OneLoggerError(
        `Span ${this.name} (id=${this.id}) cannot stop before it started (start ${this.startTime.perfMs} ms, stop ${stopTime.perfMs} ms on the monotonic clock)`,
      );
    }
    this.stopAttributes = eventAttributesCopy(options?.stopEventAttributes, stopTime);
    const duration = durationMsecBetween(this.startTime, stopTime);
    this.stopTime = stopTime;
    this.stopDuration = duration;
    // duration_msec counts as updated through `stopDuration` (see updatedAttributes): no bookkeeping here.
    if (!isSharedAttributes(this.merged)) this.merged.map.set(StandardSpanAttributeName.DURATION_MSEC, duration);
  }

  /** Checks that an event may be attached (the span must be running). Events are not retained. */
  addEvent<E extends Event>(event: E): E {
    assertThat(this.stopTime === undefined, 'Cannot add an event to a span that is not running.');
    return event;
  }

  /**
   * Sets one attribute of a running span (a stopped span's record is written: changing it afterwards would
   * never be exported). Returns the stored attribute, or `undefined` when the quiet error strategy left an
   * invalid value out.
   */
  addAttribute(name: string, value: AttributeValue): Attribute | undefined {
    if (!this.acceptsChanges([name])) return undefined;
    const stored = acceptedAttributeValue(name, value);
    if (stored === undefined) return undefined;
    const attribute = Attribute.ofStored(name, stored);
    this.ownMerged().addAttribute(attribute);
    this.noteUpdated(name);
    return attribute;
  }

  /** Sets several attributes of a running span (see `addAttribute`). */
  addAttributes(attributes: AttributesInput): void {
    if (!this.acceptsChanges(attributes instanceof Attributes ? [...attributes.map.keys()] : Object.keys(attributes ?? {}))) return;
    const incoming = attributes instanceof Attributes ? attributes : new Attributes(attributes);
    for (const [k, v] of incoming.map) this.setUpdated(k, v);
  }

  /** A stopped span's attributes are final (U8): the change is rejected (thrown, or left out when quiet). */
  private acceptsChanges(names: readonly string[]): boolean {
    if (this.stopTime === undefined) return true;
    rejectInput(
      `stopped-span:${this.name}`,
      `Span ${this.name} (id=${this.id}) is stopped: its attributes (${names.join(', ')}) can no longer change`,
    );
    return false;
  }

  /** `duration_msec` of a stopped span. */
  durationMsec(): number {
    const d = this.stopDuration;
    assertThat(d !== undefined, `Span ${this.name} must be stopped to have a duration.`);
    return d as number;
  }

  toJSON(): { name: string; id: string; parent_id?: string; attributes?: Record<string, AttributeValue> } {
    const json: { name: string; id: string; parent_id?: string; attributes?: Record<string, AttributeValue> } = {
      name: this.name,
      id: this.id,
    };
    if (this.parentSpan) json.parent_id = this.parentSpan.id;
    const attributes = this.attributesView;
    if (attributes.size > 0) json.attributes = attributes.toJSON();
    return json;
  }

  /** The span's own merged collection, copied from the creation attributes (and duration) on first need. */
  private ownMerged(): Attributes {
    if (isSharedAttributes(this.merged)) {
      this.merged = new Attributes(this.merged);
      if (this.stopDuration !== undefined) this.merged.map.set(StandardSpanAttributeName.DURATION_MSEC, this.stopDuration);
    }
    return this.merged;
  }

  private setUpdated(name: string, value: AttributeValue): void {
    this.ownMerged().map.set(name, value);
    this.noteUpdated(name);
  }

  private noteUpdated(name: string): void {
    if (this.updatedKeys === undefined) this.updatedKeys = [name];
    else if (!this.updatedKeys.includes(name)) this.updatedKeys.push(name);
  }
}

/**
 * Copies caller-given event attributes. A caller-supplied `timestamp_msec` keeps its position but gets the
 * event's own value (as in the reference); `undefined` when there are none (the common case: no allocation).
 */
function eventAttributesCopy(input: AttributesInput, time: TracingTimestamp): Attributes | undefined {
  if (input === undefined) return undefined;
  const copy = new Attributes(input);
  if (copy.size === 0) return undefined;
  if (copy.has(StandardEventAttributeName.TIMESTAMP_MSEC)) {
    copy.map.set(StandardEventAttributeName.TIMESTAMP_MSEC, time.millisecondsSinceEpoch);
  }
  return copy;
}
