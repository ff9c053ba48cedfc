import { Attributes } from '../core/attributes.js';

/**
 * Serialises a record to one line of standard JSON, keys in insertion order. Faster than
 * `JSON.stringify` on records because attribute collections are written straight from their maps.
 * Non-finite numbers never reach here (attributes are validated); if one does, its key is omitted.
 */
export function toJsonLine(value: unknown): string {
  return writeValue(value) ?? 'null';
}

function writeValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
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
  let out = '{';
  let first = true;
  for (const [k, v] of map) {
    const s = writeValue(v);
    if (s === undefined) continue;
    out += first ? `${JSON.stringify(k)}:${s}` : `,${JSON.stringify(k)}:${s}`;
    first = false;
  }
  return `${out}}`;
}

function writeObject(obj: Record<string, unknown>): string {
  let out = '{';
  let first = true;
  for (const k in obj) {
    const s = writeValue(obj[k]);
    if (s === undefined) continue;
    out += first ? `${JSON.stringify(k)}:${s}` : `,${JSON.stringify(k)}:${s}`;
    first = false;
  }
  return `${out}}`;
}
