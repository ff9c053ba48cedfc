// Errors the processor throws instead of crashing on bad input; each names the field, the value and the rule.

/** Base class of this package's errors. */
export class TaoTelemetryError extends Error {
  override name = 'TaoTelemetryError';
}

/** A raw report (or a context value) that cannot be processed; thrown before any metric changes. */
export class TelemetryInputError extends TaoTelemetryError {
  override name = 'TelemetryInputError';
  readonly field: string;
  readonly value: unknown;
  readonly rule: string;

  constructor(field: string, value: unknown, rule: string) {
    super(`${field}: ${rule} (got ${describeValue(value)})`);
    this.field = field;
    this.value = value;
    this.rule = rule;
  }
}

/** A stored metric that a builder cannot update (e.g. a counter that holds a string). */
export class MetricsStateError extends TaoTelemetryError {
  override name = 'MetricsStateError';
  readonly key: string;
  readonly value: unknown;
  readonly rule: string;

  constructor(key: string, value: unknown, rule: string) {
    super(`metrics[${describeValue(key)}]: ${rule} (got ${describeValue(value)})`);
    this.key = key;
    this.value = value;
    this.rule = rule;
  }
}

/** A registry entry that the builders cannot use (duplicate name, unknown type, ...). */
export class RegistryError extends TaoTelemetryError {
  override name = 'RegistryError';
}

/** A short rendering of a value for messages: never dumps huge strings or objects. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'symbol') return value.toString();
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  return `an object with ${Object.keys(value).length} keys`;
}
