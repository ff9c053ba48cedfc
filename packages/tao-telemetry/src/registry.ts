// The attribute registry (Python `config.py`). Adding an attribute is one `metricAttribute({...})` entry here, or a
// push onto `METRIC_ATTRIBUTES` / a custom list passed as `attributes`: extraction, the comprehensive key and the
// labels pick it up. List order matters: it is the extraction order and the label insertion order.

import { RegistryError } from './errors.js';
import { AttributeType, type MetricAttribute } from './types.js';

/** Creates a registry entry; `includeInComprehensive` defaults to true and `metricOrder` to 100, as in Python. */
export function metricAttribute(init: {
  name: string;
  rawKey: string;
  attrType: AttributeType;
  default: unknown;
  includeInComprehensive?: boolean;
  metricOrder?: number;
}): MetricAttribute {
  return Object.freeze({
    name: init.name,
    rawKey: init.rawKey,
    attrType: init.attrType,
    default: init.default,
    includeInComprehensive: init.includeInComprehensive ?? true,
    metricOrder: init.metricOrder ?? 100,
  });
}

/** The registry (Python `METRIC_ATTRIBUTES`). Builders created without `attributes` read this array live. */
export const METRIC_ATTRIBUTES: MetricAttribute[] = [
  metricAttribute({ name: 'version', rawKey: 'version', attrType: AttributeType.STRING, default: 'unknown', metricOrder: 3 }),
  metricAttribute({ name: 'action', rawKey: 'action', attrType: AttributeType.STRING, default: 'unknown', metricOrder: 2 }),
  metricAttribute({ name: 'network', rawKey: 'network', attrType: AttributeType.STRING, default: 'unknown', metricOrder: 1 }),
  // `success` becomes the `status` component / label.
  metricAttribute({
    name: 'success',
    rawKey: 'success',
    attrType: AttributeType.BOOLEAN,
    default: false,
    metricOrder: 4,
    includeInComprehensive: false,
  }),
  metricAttribute({
    name: 'user_error',
    rawKey: 'user_error',
    attrType: AttributeType.BOOLEAN,
    default: false,
    metricOrder: 5,
    includeInComprehensive: false,
  }),
  metricAttribute({
    name: 'time_lapsed',
    rawKey: 'time_lapsed',
    attrType: AttributeType.INTEGER,
    default: 0,
    includeInComprehensive: false,
  }),
  // The comprehensive key uses the GPU identifier instead. Frozen: the default list is shared by every report that has no `gpu`.
  metricAttribute({
    name: 'gpus',
    rawKey: 'gpu',
    attrType: AttributeType.LIST,
    default: Object.freeze(['unknown']),
    includeInComprehensive: false,
  }),
  // Labels only.
  metricAttribute({
    name: 'client_type',
    rawKey: 'client_type',
    attrType: AttributeType.STRING,
    default: 'container',
    metricOrder: 6,
    includeInComprehensive: false,
  }),
  metricAttribute({
    name: 'automl_triggered',
    rawKey: 'automl_triggered',
    attrType: AttributeType.BOOLEAN,
    default: false,
    includeInComprehensive: false,
  }),
];

/** The shipped entries, to recognise an unmodified registry (which has a faster extraction path). */
export const BUILT_IN_ATTRIBUTES: readonly MetricAttribute[] = Object.freeze([...METRIC_ATTRIBUTES]);

/** Attribute name → entry (Python `get_attribute_map()`). */
export function getAttributeMap(attributes: readonly MetricAttribute[] = METRIC_ATTRIBUTES): Map<string, MetricAttribute> {
  return new Map(attributes.map((a) => [a.name, a]));
}

/** Raw report key → entry (Python `get_raw_key_map()`); `gpu` maps to the `gpus` attribute. */
export function getRawKeyMap(attributes: readonly MetricAttribute[] = METRIC_ATTRIBUTES): Map<string, MetricAttribute> {
  return new Map(attributes.map((a) => [a.rawKey, a]));
}

const TYPES = new Set<string>(Object.values(AttributeType));

/** Checks what the builders rely on: unique names and raw keys, a known type, a finite order. */
export function validateRegistry(attributes: readonly MetricAttribute[]): void {
  const names = new Set<string>();
  const rawKeys = new Set<string>();
  attributes.forEach((a, i) => {
    const where = `attributes[${i}]`;
    if (a === null || typeof a !== 'object') throw new RegistryError(`${where}: must be a MetricAttribute object`);
    if (typeof a.name !== 'string' || a.name === '') throw new RegistryError(`${where}.name: must be a non-empty string`);
    if (typeof a.rawKey !== 'string' || a.rawKey === '') throw new RegistryError(`${where}.rawKey: must be a non-empty string`);
    if (!TYPES.has(a.attrType))
      throw new RegistryError(`${where}.attrType: must be one of ${[...TYPES].join(', ')} (got ${String(a.attrType)})`);
    if (typeof a.metricOrder !== 'number' || !Number.isFinite(a.metricOrder))
      throw new RegistryError(`${where}.metricOrder: must be a finite number`);
    if (names.has(a.name)) throw new RegistryError(`${where}.name: duplicate attribute name ${JSON.stringify(a.name)}`);
    if (rawKeys.has(a.rawKey)) throw new RegistryError(`${where}.rawKey: duplicate raw key ${JSON.stringify(a.rawKey)}`);
    names.add(a.name);
    rawKeys.add(a.rawKey);
  });
}

/**
 * Something derived from a registry (sorted orders, label layouts), rebuilt only when the registry changes: the
 * array is checked entry by entry on every `get`, so pushing to `METRIC_ATTRIBUTES` takes effect at once.
 */
export class RegistryCache<T> {
  private source: readonly MetricAttribute[] | undefined;
  private entries: MetricAttribute[] = [];
  private fields: unknown[] = [];
  private allFrozen = false;
  private value: T | undefined;

  constructor(private readonly derive: (attributes: readonly MetricAttribute[]) => T) {}

  get(attributes: readonly MetricAttribute[]): T {
    if (this.value !== undefined && this.source === attributes && this.unchanged(attributes)) return this.value;
    validateRegistry(attributes);
    const value = this.derive(attributes);
    this.source = attributes;
    this.entries = [...attributes];
    this.fields = attributes.flatMap(snapshot);
    this.allFrozen = attributes.every((a) => Object.isFrozen(a));
    this.value = value;
    return value;
  }

  private unchanged(attributes: readonly MetricAttribute[]): boolean {
    const n = attributes.length;
    if (n !== this.entries.length) return false;
    const entries = this.entries;
    for (let i = 0; i < n; i++) if (attributes[i] !== entries[i]) return false;
    // Entries from metricAttribute() are frozen; plain objects may have been edited in place.
    if (this.allFrozen) return true;
    const f = this.fields;
    for (let i = 0; i < n; i++) {
      const a = attributes[i]!;
      if (Object.isFrozen(a)) continue;
      const o = i * 5;
      if (
        a.name !== f[o] ||
        a.rawKey !== f[o + 1] ||
        a.attrType !== f[o + 2] ||
        a.includeInComprehensive !== f[o + 3] ||
        a.metricOrder !== f[o + 4]
      ) {
        return false;
      }
    }
    return true;
  }
}

function snapshot(a: MetricAttribute): unknown[] {
  return [a.name, a.rawKey, a.attrType, a.includeInComprehensive, a.metricOrder];
}
