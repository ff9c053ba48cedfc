/** Every error the library raises on purpose is a OneLoggerError, so applications can tell telemetry failures apart. */
export class OneLoggerError extends Error {
  override name = 'OneLoggerError';
}

/** Raised by exporters for export failures (state errors, format errors, I/O errors). */
export class ExportError extends OneLoggerError {
  override name = 'ExportError';
}

/**
 * A configuration value broke a rule. The message always names the field, the value and the rule,
 * e.g. `OneLoggerConfig.worldSize: must be a positive integer (got -5)`.
 */
export class ConfigError extends OneLoggerError {
  override name = 'ConfigError';
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

/** The library's invariant check: throws `OneLoggerError(message)` when `condition` is false. */
export function assertThat(condition: boolean, message: string): asserts condition {
  if (!condition) throw new OneLoggerError(message);
}

/** A short, safe rendering of a value for error messages (never dumps huge objects). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (typeof value === 'object') {
    const ctor = (value as object).constructor?.name;
    return ctor && ctor !== 'Object' ? `${ctor} instance` : 'object';
  }
  return String(value);
}

/** Message of any thrown value: `err.message` for errors, `String(x)` otherwise. */
export function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  try {
    return String(thrown);
  } catch {
    return Object.prototype.toString.call(thrown);
  }
}
