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
    // Field names may hold user keys and rules may quote user text: both are bounded like values.
    super(`${boundText(field)}: ${boundText(rule, MAX_RULE_CHARS)} (got ${describeValue(value)})`);
    this.field = field;
    this.value = value;
    this.rule = rule;
  }
}

/** The library's invariant check: throws `OneLoggerError(message)` when `condition` is false. */
export function assertThat(condition: boolean, message: string): asserts condition {
  if (!condition) throw new OneLoggerError(message);
}

/** Most characters of one value quoted in an error message; longer text is cut (see `boundText`). */
export const MAX_QUOTED_CHARS = 200;
/** Rules may quote a nested message (e.g. an attribute's own error), so they get more room. */
const MAX_RULE_CHARS = 1000;

/**
 * `text` cut to `max` characters, marked with an ellipsis and the original length, e.g.
 * `aaaa… (104,857,600 characters)`, so a 100 MB value never ends up in a message (or twice in a log).
 */
export function boundText(text: string, max: number = MAX_QUOTED_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length.toLocaleString('en-US')} characters)`;
}

// DEL and C1 (JSON escapes C0 itself).
const DEL_AND_C1 = /[\u007f-\u009f]/g;

/**
 * A string as a JSON literal for a message, bounded like `boundText` (`"aaaa…" (104,857,600 characters)`).
 * JSON escapes C0 control characters; DEL and C1 are escaped too, so a quoted value cannot drive a terminal.
 */
export function quoteText(text: string, max: number = MAX_QUOTED_CHARS): string {
  const cut = text.length > max;
  const json = JSON.stringify(cut ? `${text.slice(0, max)}…` : text).replace(
    DEL_AND_C1,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return cut ? `${json} (${text.length.toLocaleString('en-US')} characters)` : json;
}

/** A short, safe rendering of a value for error messages (never dumps huge objects; strings via `quoteText`). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return quoteText(value);
  if (typeof value === 'function') return `function ${boundText(value.name || '(anonymous)')}`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (typeof value === 'object') {
    const ctor = (value as object).constructor?.name;
    return ctor && ctor !== 'Object' ? `${boundText(String(ctor))} instance` : 'object';
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
