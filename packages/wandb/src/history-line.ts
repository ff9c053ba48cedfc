// JSON text of history rows and summaries as the W&B client writes them: standard JSON, except non-finite
// numbers, which are bare NaN, Infinity and -Infinity tokens (W&B's extended JSON). Key texts are built once.

/** A key's JSON text with the colon, built once per key (keys repeat in every row of a kind). */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

export function keyJson(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** One value: numbers as JS prints them (as JSON does) or as a bare token, the rest as JSON. */
export function valueJson(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return String(value);
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + valueJson(value[i]);
    return `${out}]`;
  }
  if (value === null || value === undefined) return 'null';
  let out = '{';
  let first = true;
  for (const [k, v] of Object.entries(value)) {
    out += (first ? '' : ',') + keyJson(k) + valueJson(v);
    first = false;
  }
  return `${out}}`;
}

/** `{"k1":v1,...,` + `tail` + `}` for parallel key and value lists (`tail` is more `"k":v` text, or empty). */
export function objectJson(keys: readonly string[], values: readonly unknown[], tail: string): string {
  let out = '{';
  for (let i = 0; i < keys.length; i++) out += (i === 0 ? '' : ',') + keyJson(keys[i] as string) + valueJson(values[i]);
  if (tail !== '') out += (keys.length === 0 ? '' : ',') + tail;
  return `${out}}`;
}

/** A key's text inside a JSON string literal (the line's quotes and backslashes escaped once more), built once. */
const escapedKeys = new Map<string, string>();

function escapedKeyJson(key: string): string {
  let escaped = escapedKeys.get(key);
  if (escaped === undefined) {
    escaped = JSON.stringify(keyJson(key)).slice(1, -1);
    if (escapedKeys.size < MAX_QUOTED_KEYS) escapedKeys.set(key, escaped);
  }
  return escaped;
}

/**
 * `objectJson(keys, values, tail)` as a JSON string literal, built directly: file_stream sends each history
 * line as a string, and escaping megabytes of finished lines again per request would double the serializing.
 * `tail` must hold no quote or backslash that needs escaping beyond `"` (it is escaped here).
 */
export function objectJsonLiteral(keys: readonly string[], values: readonly unknown[], tail: string): string {
  let out = '"{';
  for (let i = 0; i < keys.length; i++) {
    const v = values[i];
    // Numbers and booleans have no character to escape; other values are escaped as text.
    const text = typeof v === 'number' || typeof v === 'boolean' ? valueJson(v) : JSON.stringify(valueJson(v)).slice(1, -1);
    out += (i === 0 ? '' : ',') + escapedKeyJson(keys[i] as string) + text;
  }
  if (tail !== '') out += (keys.length === 0 ? '' : ',') + tail.replaceAll('"', '\\"');
  return `${out}}"`;
}

/** Any JSON value in W&B's extended JSON. */
export function extendedJson(value: unknown): string {
  return valueJson(value);
}
