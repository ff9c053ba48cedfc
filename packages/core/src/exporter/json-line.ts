import { Attributes } from '../core/attributes.js';

// Strings without quotes, backslashes, control characters or surrogates can be quoted as they are;
// that is nearly every id, name and key, and skipping JSON.stringify for them is most of the speed.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

// Keys repeat across records (record keys, attribute names): cache their `"key":` prefix.
const keyCache = new Map<string, string>();
const KEY_CACHE_LIMIT = 4096;
function keyPrefix(k: string): string {
  let p = keyCache.get(k);
  if (p === undefined) {
    p = `${quote(k)}:`;
    if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(k, p);
  }
  return p;
}

/**
 * Serialises a record to one line of standard JSON, keys in insertion order. Attribute collections are
 * written straight from their maps. Non-finite numbers never reach here (attributes are validated);
 * if one does, its key is omitted, so the output is always valid JSON.
 */
export function toJsonLine(value: unknown): string {
  return writeValue(value) ?? 'null';
}

function writeValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? `${value}` : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Attributes) return writeMap(value.map);
      if (Array.isArray(value)) return writeArray(value);
      return writeObject(value as Record<string, unknown>);
    default:
      return undefined;
  }
}

function writeArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += writeValue(items[i]) ?? 'null';
  }
  return `${out}]`;
}

function writeMap(map: ReadonlyMap<string, unknown>): string {
  let out = '';
  for (const [k, v] of map) {
    const s = writeValue(v);
    if (s === undefined) continue;
    out += out === '' ? `{${keyPrefix(k)}${s}` : `,${keyPrefix(k)}${s}`;
  }
  return out === '' ? '{}' : `${out}}`;
}

function writeObject(obj: Record<string, unknown>): string {
  let out = '';
  for (const k in obj) {
    const s = writeValue(obj[k]);
    if (s === undefined) continue;
    out += out === '' ? `{${keyPrefix(k)}${s}` : `,${keyPrefix(k)}${s}`;
  }
  return out === '' ? '{}' : `${out}}`;
}
