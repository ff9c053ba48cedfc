import { Attributes } from '../core/attributes.js';
import { ConfigError, ExportError, messageOf } from '../core/errors.js';
import { internalLogger } from '../internal/logger.js';
import { BaseJsonExporter } from './base-json-exporter.js';
import type { JsonRecord } from './record.js';

/** Anything with an `info(message)` method: `console`, pino, winston, bunyan, ... */
export interface InfoLogger {
  info(message: string): unknown;
}

export interface LoggerExporterOptions {
  /** Receives one `info(line)` call per record; called as a method, so `this`-dependent loggers work. */
  logger: InfoLogger;
}

/**
 * Writes each record as one human-readable line through `logger.info(line)`, in the reference's format:
 * `[type="start" | start_event.name="span_start" | ... | count=1]` (spec/core.md §5.9).
 */
export class LoggerExporter extends BaseJsonExporter {
  readonly logger: InfoLogger;

  constructor(options: LoggerExporterOptions) {
    super();
    if (options === null || typeof options !== 'object') {
      throw new ConfigError('LoggerExporter options', options, 'must be an object like { logger: console }');
    }
    const logger: unknown = options.logger;
    const isObject = (typeof logger === 'object' && logger !== null) || typeof logger === 'function';
    if (!isObject || typeof (logger as { info?: unknown }).info !== 'function') {
      throw new ConfigError('LoggerExporter.logger', logger, 'must be an object with an info(message) method');
    }
    this.logger = logger as InfoLogger;
  }

  /** The line for one record (`''` when it has no items). */
  static formatLog(record: object): string {
    return formatLog(record);
  }

  /** Parses a line written by `formatLog` back into plain JSON (text around the `[...]` is ignored). */
  static deserializeLog(line: string): Record<string, unknown> {
    return deserializeLog(line);
  }

  protected writeRecord(record: JsonRecord): void {
    const line = formatLog(record);
    if (line === '') return;
    let result: unknown;
    try {
      result = this.logger.info(line);
    } catch (e) {
      throw new ExportError(`LoggerExporter: logger.info failed: ${messageOf(e)}`, { cause: e });
    }
    // An async logger's rejection would otherwise be unhandled and could crash the job.
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, (e: unknown) =>
        internalLogger.error(`LoggerExporter: logger.info failed: ${messageOf(e)}`),
      );
    }
  }
}

// Keys outside this set are written as JSON strings, so no key can forge a separator, a field or a level.
const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const BARE_KEY_CHAR = /[A-Za-z0-9_-]/;
// Characters that can make up a JSON number or literal (true/false/null).
const SCALAR_CHAR = /[-+.0-9A-Za-z]/;

/**
 * `[k=v | k=v | ...]` with keys in descending code-point order at each level, nested objects flattened to
 * dotted paths and values JSON-encoded with `", "` list separators (Python `json.dumps` defaults).
 * Empty nested objects and non-finite numbers are left out; a record with no items gives `''`.
 */
export function formatLog(record: object): string {
  const items: string[] = [];
  appendItems(record, '', items);
  return items.length === 0 ? '' : `[${items.join(' | ')}]`;
}

function appendItems(obj: object, prefix: string, out: string[]): void {
  const entries: [string, unknown][] = obj instanceof Attributes ? [...obj.map] : Object.entries(obj);
  entries.sort((a, b) => compareCodePoints(b[0], a[0]));
  for (const [key, value] of entries) {
    const path = prefix + (BARE_KEY.test(key) ? key : JSON.stringify(key));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      appendItems(value, `${path}.`, out);
      continue;
    }
    const json = encodeValue(value);
    if (json !== undefined) out.push(`${path}=${json}`);
  }
}

/** Python's string order (code points). Plain `<` compares UTF-16 units and puts U+E000..U+FFFF after astral characters. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return shiftSurrogates(x) - shiftSurrogates(y);
  }
  return a.length - b.length;
}

function shiftSurrogates(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

function encodeValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v) => encodeValue(v) ?? 'null').join(', ')}]`;
      // Only reached for objects inside arrays (attribute values never are).
      const entries = value instanceof Attributes ? [...value.map] : Object.entries(value);
      const parts: string[] = [];
      for (const [k, v] of entries) {
        const json = encodeValue(v);
        if (json !== undefined) parts.push(`${JSON.stringify(k)}: ${json}`);
      }
      return `{${parts.join(', ')}}`;
    }
    default:
      return undefined;
  }
}

/**
 * Inverse of `formatLog`: a tokenizer for `[path=value | ...]` where each path segment is bare or a JSON
 * string and each value is JSON. Tries each `[` in turn, so a logger's prefix such as `[INFO] ` is skipped.
 */
export function deserializeLog(line: string): Record<string, unknown> {
  if (typeof line !== 'string') throw new ExportError(`Log line must be a string (got ${typeof line})`);
  // As in the reference, the record ends at the last `]`; so a `[` inside a value is never taken for the start.
  const end = line.lastIndexOf(']') + 1;
  let firstError: unknown;
  for (let start = line.indexOf('['); start !== -1 && start < end; start = line.indexOf('[', start + 1)) {
    try {
      return new LineParser(line, start + 1).parse(end);
    } catch (e) {
      firstError ??= e;
    }
  }
  if (firstError !== undefined) throw firstError;
  throw new ExportError(`Log string must be enclosed in square brackets: ${line}`);
}

class LineParser {
  constructor(
    private readonly text: string,
    private pos: number,
  ) {}

  /** Parses items up to the `]` that ends just before `end`. */
  parse(end: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    if (this.text[this.pos] === ']') this.pos++;
    else this.parseItems(result);
    if (this.pos !== end) throw this.error('text after the closing bracket');
    return result;
  }

  private parseItems(result: Record<string, unknown>): void {
    for (;;) {
      const path = [this.readKey()];
      while (this.text[this.pos] === '.') {
        this.pos++;
        path.push(this.readKey());
      }
      this.expect('=');
      assign(result, path, this.readValue());
      if (this.text.startsWith(' | ', this.pos)) {
        this.pos += 3;
        continue;
      }
      this.expect(']');
      return;
    }
  }

  private readKey(): string {
    if (this.text[this.pos] === '"') return this.parseJson(this.pos, this.skipString(this.pos)) as string;
    const start = this.pos;
    while (this.pos < this.text.length && BARE_KEY_CHAR.test(this.text[this.pos] as string)) this.pos++;
    if (this.pos === start) throw this.error('expected a key');
    return this.text.slice(start, this.pos);
  }

  private readValue(): unknown {
    const start = this.pos;
    const c = this.text[start];
    let end: number;
    if (c === '"') end = this.skipString(start);
    else if (c === '[' || c === '{') end = this.skipNested(start);
    else {
      end = start;
      while (end < this.text.length && SCALAR_CHAR.test(this.text[end] as string)) end++;
      if (end === start) throw this.error('expected a value');
    }
    return this.parseJson(start, end);
  }

  /** Index just past the JSON string starting at `start`. */
  private skipString(start: number): number {
    for (let i = start + 1; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === '\\') i++;
      else if (c === '"') return i + 1;
    }
    throw this.error('unterminated string');
  }

  /** Index just past the JSON array/object starting at `start` (strings may contain brackets). */
  private skipNested(start: number): number {
    let depth = 0;
    for (let i = start; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === '"') i = this.skipString(i) - 1;
      else if (c === '[' || c === '{') depth++;
      else if ((c === ']' || c === '}') && --depth === 0) return i + 1;
    }
    throw this.error('unterminated array or object');
  }

  private parseJson(start: number, end: number): unknown {
    try {
      const value: unknown = JSON.parse(this.text.slice(start, end));
      this.pos = end;
      return value;
    } catch (e) {
      this.pos = start;
      throw this.error(`invalid JSON (${messageOf(e)})`);
    }
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) throw this.error(`expected '${c}'`);
    this.pos++;
  }

  private error(what: string): ExportError {
    return new ExportError(`Cannot parse log line at position ${this.pos}: ${what}: ${this.text}`);
  }
}

/** Sets `path` in `target`, creating nested objects; own properties only, so `__proto__` is just a key. */
function assign(target: Record<string, unknown>, path: string[], value: unknown): void {
  let obj = target;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] as string;
    const last = i === path.length - 1;
    if (!Object.hasOwn(obj, key)) {
      Object.defineProperty(obj, key, { value: last ? value : {}, enumerable: true, writable: true, configurable: true });
    } else if (last || typeof obj[key] !== 'object' || obj[key] === null || Array.isArray(obj[key])) {
      throw new ExportError(`Cannot parse log line: key ${path.slice(0, i + 1).join('.')} appears twice`);
    }
    if (!last) obj = obj[key] as Record<string, unknown>;
  }
}
