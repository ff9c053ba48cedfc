import { Attributes, type AttributesInput, type AttributeValue } from './attributes.js';
import { assertThat, messageOf, OneLoggerError } from './errors.js';
import { TracingTimestamp } from './time.js';

export const StandardEventName = {
  SPAN_START: 'span_start',
  SPAN_STOP: 'span_stop',
  ERROR: 'error',
  TELEMETRY_DATA_ERROR: 'telemetry_data_error',
} as const;
export type StandardEventName = (typeof StandardEventName)[keyof typeof StandardEventName];

export const StandardEventAttributeName = {
  TIMESTAMP_MSEC: 'timestamp_msec',
  ERROR_MESSAGE: 'error_message',
  EXCEPTION_TYPE: 'exception_type',
  EXCEPTION_MESSAGE: 'exception_message',
  EXCEPTION_TRACEBACK: 'exception_traceback',
  TELEMETRY_DATA_ERROR_TYPE: 'telemetry_data_error_type',
} as const;
export type StandardEventAttributeName = (typeof StandardEventAttributeName)[keyof typeof StandardEventAttributeName];

export const TelemetryDataErrorType = {
  /** Nothing could be collected or exported for this run. */
  NO_TELEMETRY_DATA: 'no_telemetry_data',
  /** Some data was exported, but the data set is now unreliable. */
  INCOMPLETE_TELEMETRY_DATA: 'incomplete_telemetry_data',
} as const;
export type TelemetryDataErrorType = (typeof TelemetryDataErrorType)[keyof typeof TelemetryDataErrorType];

/** Event JSON as produced by `toJSON()` (round-trips through `Event.fromJSON`). */
export interface EventJson {
  name: string;
  timestamp: { seconds_since_epoch: number; perf_counter_seconds: number };
  attributes?: Record<string, AttributeValue>;
  error_message?: string;
  exception_type?: string;
  exception_message?: string;
  exception_traceback?: string;
  error_type?: string;
}

/**
 * A named point in time with attributes. The caller's attributes are copied (never aliased) and
 * `timestamp_msec` is appended last, as in the reference's record layout.
 */
export class Event {
  readonly name: string;
  readonly timestamp: TracingTimestamp;
  readonly attributes: Attributes;

  constructor(name: string, timestamp: TracingTimestamp, attributes?: AttributesInput) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new OneLoggerError(`Event name must be a non-empty string (got ${String(name)})`);
    }
    assertThat(timestamp instanceof TracingTimestamp, `Event ${name} must have a valid timestamp`);
    this.name = name;
    this.timestamp = timestamp;
    this.attributes = new Attributes(attributes);
    this.attributes.map.set(StandardEventAttributeName.TIMESTAMP_MSEC, timestamp.millisecondsSinceEpoch);
  }

  /**
   * @internal An event whose attributes are `attributes` itself, not a copy: the caller built the collection for
   * this event alone. `timestamp_msec` is set in it as the constructor sets it in its copy. Spares a record built
   * per iteration the constructor's copy of every attribute.
   */
  static adopting(name: string, timestamp: TracingTimestamp, attributes: Attributes): Event {
    const event = Object.create(Event.prototype) as { name: string; timestamp: TracingTimestamp; attributes: Attributes };
    event.name = name;
    event.timestamp = timestamp;
    event.attributes = attributes;
    attributes.map.set(StandardEventAttributeName.TIMESTAMP_MSEC, timestamp.millisecondsSinceEpoch);
    return event as Event;
  }

  /**
   * @internal An event whose attributes are given as the JSON object text of its record (`{"loss":0.42,...}`),
   * written by a hot path that has validated and formatted the values already (`model_metrics`). JSON exporters
   * copy that text (see `unreadAttributesJson`); the `Attributes` collection is parsed from it when something
   * first reads `attributes`. The text must be a JSON object of finite numbers, strings and booleans, with
   * `timestamp_msec` where the record has it, and no integer-like keys (their order would not survive parsing).
   */
  static ofAttributesJson(name: string, timestamp: TracingTimestamp, attributesJson: string): Event {
    const event = Object.create(jsonAttributesEventPrototype) as JsonAttributesEvent;
    event.name = name;
    event.timestamp = timestamp;
    event.attributesJson = attributesJson;
    event.parsedAttributes = undefined;
    return event as unknown as Event;
  }

  static create(name: string, attributes?: AttributesInput, timestamp?: TracingTimestamp): Event {
    return new Event(name, timestamp ?? TracingTimestamp.now(), attributes);
  }

  toJSON(): EventJson {
    return { name: this.name, timestamp: this.timestamp.toJSON(), attributes: this.attributes.toJSON() };
  }

  /** Rebuilds an `Event`, `ErrorEvent` or `TelemetryDataError` from its JSON. */
  static fromJSON(data: EventJson): Event {
    assertThat(data !== null && typeof data === 'object', 'Event data must be a dictionary');
    assertThat(
      typeof data.name === 'string' && data.name.length > 0 && data.timestamp !== undefined,
      `Event must have a name and a timestamp: ${JSON.stringify(data)}`,
    );
    if (data.name === StandardEventName.ERROR) return ErrorEvent.fromJSON(data);
    if (data.name === StandardEventName.TELEMETRY_DATA_ERROR) return TelemetryDataError.fromJSON(data);
    return new Event(data.name, TracingTimestamp.fromJSON(data.timestamp), withoutTimestamp(data.attributes));
  }

  equals(other: unknown): boolean {
    return (
      other instanceof Event &&
      other.name === this.name &&
      other.timestamp.equals(this.timestamp) &&
      other.attributes.equals(this.attributes)
    );
  }
}

function withoutTimestamp(attrs: Record<string, AttributeValue> | undefined): Attributes {
  const out = new Attributes(attrs);
  out.delete(StandardEventAttributeName.TIMESTAMP_MSEC);
  return out;
}

/** The texts of an application error. */
export type ErrorTextField = 'error_message' | 'exception_message' | 'exception_traceback';

/** Describes a thrown value the way records need it. */
export function describeException(thrown: unknown): { type: string; message: string; traceback: string } {
  if (thrown instanceof Error) {
    const type = thrown.name || thrown.constructor?.name || 'Error';
    return { type, message: thrown.message ?? '', traceback: thrown.stack ?? `${type}: ${thrown.message}` };
  }
  const message = messageOf(thrown);
  const type = thrown === null ? 'null' : typeof thrown;
  return { type, message, traceback: `${type}: ${message}` };
}

/** The fields of an event made by `Event.ofAttributesJson`. */
interface JsonAttributesEvent {
  name: string;
  timestamp: TracingTimestamp;
  attributesJson: string;
  parsedAttributes: Attributes | undefined;
}

// Such events are Events (same prototype chain) whose `attributes` is built from the JSON text on first read.
const jsonAttributesEventPrototype: object = Object.create(Event.prototype, {
  attributes: {
    get(this: JsonAttributesEvent): Attributes {
      if (this.parsedAttributes === undefined) {
        const parsed = JSON.parse(this.attributesJson) as Record<string, AttributeValue>;
        const map = new Map<string, AttributeValue>();
        for (const key in parsed) map.set(key, parsed[key] as AttributeValue);
        this.parsedAttributes = Attributes.adopting(map);
      }
      return this.parsedAttributes;
    },
  },
});

/**
 * @internal The JSON text of an event's attributes when it was made by `Event.ofAttributesJson` and nothing has
 * read its `attributes` yet (then nothing can have changed them): what a JSON exporter may write as it is.
 */
export function unreadAttributesJson(event: Event): string | undefined {
  const e = event as unknown as Partial<JsonAttributesEvent>;
  return e.parsedAttributes === undefined ? e.attributesJson : undefined;
}

/**
 * An application error. Attribute order: `error_message`, `exception_type`, `exception_message`,
 * `exception_traceback` (when an exception is given), caller attributes, `timestamp_msec`.
 * An empty exception message is fine (the reference rejected it and masked the user's error).
 */
export class ErrorEvent extends Event {
  readonly errorMessage: string;
  readonly exceptionType: string | undefined;
  readonly exceptionMessage: string | undefined;
  readonly exceptionTraceback: string | undefined;

  constructor(
    timestamp: TracingTimestamp,
    errorMessage: string,
    options: {
      exceptionType?: string;
      exceptionMessage?: string;
      exceptionTraceback?: string;
      attributes?: AttributesInput;
    } = {},
  ) {
    const attrs = new Attributes().add(StandardEventAttributeName.ERROR_MESSAGE, String(errorMessage));
    if (options.exceptionType !== undefined) {
      attrs.add(StandardEventAttributeName.EXCEPTION_TYPE, options.exceptionType);
      attrs.add(StandardEventAttributeName.EXCEPTION_MESSAGE, options.exceptionMessage ?? '');
      if (options.exceptionTraceback !== undefined) {
        attrs.add(StandardEventAttributeName.EXCEPTION_TRACEBACK, options.exceptionTraceback);
      }
    }
    if (options.attributes !== undefined) attrs.addAll(options.attributes);
    super(StandardEventName.ERROR, timestamp, attrs);
    this.errorMessage = String(errorMessage);
    this.exceptionType = options.exceptionType;
    this.exceptionMessage = options.exceptionType !== undefined ? (options.exceptionMessage ?? '') : undefined;
    this.exceptionTraceback = options.exceptionTraceback;
  }

  /**
   * An error event for `errorMessage` now, describing `exception` (type, message, stack) when given.
   * (Named differently from `Event.create` because its parameters differ.)
   */
  static fromException(
    errorMessage: string,
    exception?: unknown,
    options: {
      timestamp?: TracingTimestamp;
      attributes?: AttributesInput;
      includeTraceback?: boolean;
      /** Applied to each text before it is stored (redaction, length bounds). */
      text?: (text: string, field: ErrorTextField) => string;
    } = {},
  ): ErrorEvent {
    const ts = options.timestamp ?? TracingTimestamp.now();
    const text = options.text ?? ((t: string) => t);
    const message = text(String(errorMessage), 'error_message');
    if (exception === undefined) {
      return new ErrorEvent(ts, message, options.attributes ? { attributes: options.attributes } : {});
    }
    const d = describeException(exception);
    return new ErrorEvent(ts, message, {
      exceptionType: d.type,
      exceptionMessage: text(d.message, 'exception_message'),
      ...(options.includeTraceback === false ? {} : { exceptionTraceback: text(d.traceback, 'exception_traceback') }),
      ...(options.attributes ? { attributes: options.attributes } : {}),
    });
  }

  override toJSON(): EventJson {
    const json = super.toJSON();
    json.error_message = this.errorMessage;
    if (this.exceptionType !== undefined) {
      json.exception_type = this.exceptionType;
      json.exception_message = this.exceptionMessage ?? '';
      if (this.exceptionTraceback !== undefined) json.exception_traceback = this.exceptionTraceback;
    }
    return json;
  }

  static override fromJSON(data: EventJson): ErrorEvent {
    assertThat(typeof data.error_message === 'string', `ErrorEvent must have an error_message: ${JSON.stringify(data)}`);
    const standard = new Set<string>(Object.values(StandardEventAttributeName));
    const extra: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(data.attributes ?? {})) if (!standard.has(k)) extra[k] = v;
    return new ErrorEvent(TracingTimestamp.fromJSON(data.timestamp), data.error_message, {
      ...(data.exception_type !== undefined ? { exceptionType: data.exception_type } : {}),
      ...(data.exception_message !== undefined ? { exceptionMessage: data.exception_message } : {}),
      ...(data.exception_traceback !== undefined ? { exceptionTraceback: data.exception_traceback } : {}),
      attributes: extra,
    });
  }

  override equals(other: unknown): boolean {
    return (
      other instanceof ErrorEvent &&
      super.equals(other) &&
      other.errorMessage === this.errorMessage &&
      other.exceptionType === this.exceptionType &&
      other.exceptionMessage === this.exceptionMessage &&
      other.exceptionTraceback === this.exceptionTraceback
    );
  }
}

/** A signal to backends that the telemetry itself is incomplete or unreliable. */
export class TelemetryDataError extends Event {
  static readonly ErrorType = TelemetryDataErrorType;
  readonly errorType: TelemetryDataErrorType;
  readonly errorMessage: string;

  constructor(timestamp: TracingTimestamp, errorType: TelemetryDataErrorType, errorMessage: string, attributes?: AttributesInput) {
    const attrs = new Attributes()
      .add(StandardEventAttributeName.ERROR_MESSAGE, String(errorMessage))
      .add(StandardEventAttributeName.TELEMETRY_DATA_ERROR_TYPE, errorType);
    if (attributes !== undefined) attrs.addAll(attributes);
    super(StandardEventName.TELEMETRY_DATA_ERROR, timestamp, attrs);
    this.errorType = errorType;
    this.errorMessage = String(errorMessage);
  }

  /** A telemetry-data error stamped now. */
  static of(errorType: TelemetryDataErrorType, errorMessage: string, attributes?: AttributesInput): TelemetryDataError {
    return new TelemetryDataError(TracingTimestamp.now(), errorType, errorMessage, attributes);
  }

  override toJSON(): EventJson {
    const json = super.toJSON();
    json.error_type = this.errorType;
    json.error_message = this.errorMessage;
    return json;
  }

  static override fromJSON(data: EventJson): TelemetryDataError {
    assertThat(
      data.error_type === TelemetryDataErrorType.NO_TELEMETRY_DATA || data.error_type === TelemetryDataErrorType.INCOMPLETE_TELEMETRY_DATA,
      `TelemetryDataError must have a valid error_type: ${JSON.stringify(data)}`,
    );
    const extra: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(data.attributes ?? {})) {
      if (k !== 'error_message' && k !== 'telemetry_data_error_type' && k !== 'timestamp_msec') extra[k] = v;
    }
    return new TelemetryDataError(TracingTimestamp.fromJSON(data.timestamp), data.error_type, data.error_message ?? '', extra);
  }

  override equals(other: unknown): boolean {
    return (
      other instanceof TelemetryDataError &&
      super.equals(other) &&
      other.errorType === this.errorType &&
      other.errorMessage === this.errorMessage
    );
  }
}
