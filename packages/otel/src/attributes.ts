import type { Attributes as OneLoggerAttributes } from '@nv-one-logger/core';
import type { Attributes, AttributeValue } from '@opentelemetry/api';

/** OTel attributes of a one-logger attribute collection (`undefined` when empty: the reference passes none). */
export function otelAttributes(attributes: OneLoggerAttributes | undefined): Attributes | undefined {
  if (attributes === undefined || attributes.size === 0) return undefined;
  const out: Attributes = {};
  // One-logger values are already OTel-native: strings, finite numbers, booleans, homogeneous arrays.
  for (const [key, value] of attributes) out[key] = value as AttributeValue;
  return out;
}

/**
 * OTel attributes of an attribute object read from JSONL (possibly written by another implementation): native
 * values are kept; objects and mixed arrays become their JSON text; nulls are left out.
 */
export function otelAttributesFromJson(attributes: Readonly<Record<string, unknown>> | undefined): Attributes | undefined {
  if (attributes === undefined) return undefined;
  const out: Attributes = {};
  let any = false;
  for (const [key, value] of Object.entries(attributes)) {
    // JSON null (also what a reader makes of Python's NaN tokens) has no OTel form: the attribute is left out.
    if (value === null || value === undefined) continue;
    out[key] = isNative(value) ? (value as AttributeValue) : stringify(value);
    any = true;
  }
  return any ? out : undefined;
}

function isNative(value: unknown): boolean {
  const t = typeof value;
  if (t === 'string' || t === 'boolean') return true;
  if (t === 'number') return Number.isFinite(value);
  if (!Array.isArray(value)) return false;
  if (value.length === 0) return true;
  const first = typeof value[0];
  if (first !== 'string' && first !== 'number' && first !== 'boolean') return false;
  return value.every((v) => typeof v === first && (first !== 'number' || Number.isFinite(v)));
}

function stringify(value: unknown): string {
  if (typeof value === 'number') return String(value); // NaN / Infinity from Python-written files
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
