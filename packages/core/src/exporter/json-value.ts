import { Attributes } from '../core/attributes.js';
import { OneLoggerError } from '../core/errors.js';
import { sequentialString } from '../internal/flat-string.js';

// Strings without quotes, backslashes, control characters or surrogates can be quoted as they are;
// that is nearly every id, name and key, and skipping JSON.stringify for them is most of the speed.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** A string as a JSON string literal. */
export function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** Bound for the caches of repeated strings (names, keys): a program with unbounded names stays bounded. */
export const FRAGMENT_CACHE_LIMIT = 4096;

// Keys repeat across records (attribute names): cache their `"key":` prefix.
const keyCache = new Map<string, string>();
export function keyPrefix(k: string): string {
  let p = keyCache.get(k);
  if (p === undefined) {
    p = `${quote(k)}:`;
    // Stored as one run of characters only when it is kept (see sequentialString).
    if (keyCache.size < FRAGMENT_CACHE_LIMIT) keyCache.set(k, (p = sequentialString(p)));
  }
  return p;
}

// The same with the separating comma: `,"key":` (an entry after the first one costs one concatenation less).
const commaKeyCache = new Map<string, string>();
export function commaKeyPrefix(k: string): string {
  let p = commaKeyCache.get(k);
  if (p === undefined) {
    p = `,${keyPrefix(k)}`;
    if (commaKeyCache.size < FRAGMENT_CACHE_LIMIT) commaKeyCache.set(k, (p = sequentialString(p)));
  }
  return p;
}

/**
 * A finite number as JSON: the text of `String(v)`. A fraction goes through `JSON.stringify`, which writes the
 * same text (the JSON rule for a finite number is its string conversion) in ~135 ns against ~200 ns for a value
 * not converted before: `String` also enters each result in V8's number-to-string cache. Integers keep `String`,
 * for which that cache pays: steps and timestamps repeat, and a hit costs ~7 ns against ~100 ns.
 */
export function finiteNumberJson(v: number): string {
  return Number.isInteger(v) ? `${v}` : JSON.stringify(v);
}

/**
 * Serialises any value to one line of standard JSON, keys in insertion order. Attribute collections are
 * written straight from their maps. A non-finite number is omitted (as a key) or written `null` (in an
 * array), so the output is always valid JSON. Values nested deeper than `MAX_JSON_DEPTH` (a circular
 * structure, for one) are refused with a OneLoggerError instead of overflowing the stack.
 */
export function toJsonLine(value: unknown): string {
  return writeValue(value, 0) ?? 'null';
}

/** How deep `toJsonLine` follows nested objects and arrays. */
export const MAX_JSON_DEPTH = 100;

/**
 * One attribute value as JSON, or `undefined` when it must be omitted. Stored attribute values are
 * primitives or flat arrays of primitives (see `Attributes`); anything else is omitted, and an array element
 * that is not a primitive is written `null`: attribute data is never recursed into.
 */
export function mapValueJson(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? finiteNumberJson(v) : undefined;
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return Array.isArray(v) ? flatArrayJson(v) : undefined;
}

function flatArrayJson(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    const v = items[i];
    if (typeof v === 'number') out += Number.isFinite(v) ? finiteNumberJson(v) : 'null';
    else if (typeof v === 'string') out += quote(v);
    else if (typeof v === 'boolean') out += v ? 'true' : 'false';
    else out += 'null';
  }
  return `${out}]`;
}

function writeValue(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? finiteNumberJson(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Attributes) return writeMap(value.map);
      if (depth >= MAX_JSON_DEPTH) {
        throw new OneLoggerError(`toJsonLine: the value nests deeper than ${MAX_JSON_DEPTH} levels (or is circular)`);
      }
      if (Array.isArray(value)) return writeArray(value, depth + 1);
      return writeObject(value as Record<string, unknown>, depth + 1);
    default:
      return undefined;
  }
}

function writeArray(items: readonly unknown[], depth: number): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += writeValue(items[i], depth) ?? 'null';
  }
  return `${out}]`;
}

/** A map as a JSON object, keys in insertion order. */
export function writeMap(map: ReadonlyMap<string, unknown>): string {
  let out = '{';
  for (const [k, v] of map) {
    const s = mapValueJson(v);
    if (s === undefined) continue;
    out += out.length === 1 ? keyPrefix(k) + s : commaKeyPrefix(k) + s;
  }
  return `${out}}`;
}

function writeObject(obj: Record<string, unknown>, depth: number): string {
  let out = '';
  for (const k in obj) {
    const s = writeValue(obj[k], depth);
    if (s === undefined) continue;
    out += out === '' ? `{${keyPrefix(k)}${s}` : `,${keyPrefix(k)}${s}`;
  }
  return out === '' ? '{}' : `${out}}`;
}
