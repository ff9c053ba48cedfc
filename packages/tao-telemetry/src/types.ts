// Data shapes of the TAO telemetry processor (Python `nvidia_tao_core/telemetry/types.py`).

/** How an attribute's raw value is normalized (Python `AttributeType`). */
export const AttributeType = {
  STRING: 'string',
  BOOLEAN: 'boolean',
  INTEGER: 'integer',
  LIST: 'list',
} as const;
export type AttributeType = (typeof AttributeType)[keyof typeof AttributeType];

/** One entry of the attribute registry (Python `MetricAttribute` dataclass). */
export interface MetricAttribute {
  /** Name inside `TelemetryData` and in metric keys (`tao_<name>` as a label). */
  readonly name: string;
  /** Key in the raw report (`gpu` for the `gpus` attribute). */
  readonly rawKey: string;
  readonly attrType: AttributeType;
  /** Used when the raw report has no `rawKey` (a `null` value is not "missing"). */
  readonly default: unknown;
  /** Whether the comprehensive key names this attribute. */
  readonly includeInComprehensive: boolean;
  /** Position in the comprehensive key (lower = earlier); `status` goes before the first attribute with order >= 4. */
  readonly metricOrder: number;
}

/**
 * A report after extraction (Python `TelemetryData`, a `TypedDict(total=False)`). The processor always fills every
 * registry attribute; builders used on their own must cope with missing fields, as the Python ones do.
 * BOOLEAN fields keep the raw value (Python semantics: `null` renders as `none`, other values through `str()`).
 */
export interface TelemetryData {
  version?: string;
  action?: string;
  network?: string;
  success?: unknown;
  user_error?: unknown;
  /** Seconds; a boolean counts as 0/1 as in Python arithmetic. */
  time_lapsed?: number | boolean;
  /** GPU names as reported (any JSON values; rendered with Python `str()`). */
  gpus?: readonly unknown[];
  client_type?: string;
  automl_triggered?: unknown;
  /** Attributes added to the registry. */
  [attribute: string]: unknown;
}

/** The aggregate counters: metric key → value, plus `last_updated` (an ISO 8601 string). Mutated in place. */
export type Metrics = Record<string, unknown>;

/** A raw job report: the JSON body a client posts. */
export type RawReport = Record<string, unknown>;

/** What every builder receives: the processor fills `now` and `oldNow`; extra keys are passed through. */
export interface BuildContext {
  now?: Date;
  oldNow?: Date;
  [key: string]: unknown;
}

/** The caller's context for `MetricProcessor.process` (Python `context` dict with `now` / `old_now`). */
export interface ProcessContext {
  /** The report's time (default: the current time). A string is read like Python `datetime.fromisoformat`. */
  now?: Date | string;
  /** The previous update's time (default: `metrics.last_updated`, else `now`). */
  oldNow?: Date | string;
  [key: string]: unknown;
}
