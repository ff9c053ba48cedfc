// Sanitization, the GPU identifier and extraction (Python `utils.py`), plus the input checks Python lacks.

import { TelemetryInputError } from './errors.js';
import { PyStrLimitError, pyStr } from './python-str.js';
import { BUILT_IN_ATTRIBUTES, METRIC_ATTRIBUTES, RegistryCache } from './registry.js';
import { AttributeType, type MetricAttribute, type RawReport, type TelemetryData } from './types.js';

/** Every character outside this class becomes `_` (one per code point; nothing is removed or collapsed). */
export const TELEMETRY_SANITIZE_PATTERN = '[^a-zA-Z0-9]';
// `u`: an astral character (emoji) is one code point, as in Python, not two UTF-16 units.
const SANITIZE_RE = new RegExp(TELEMETRY_SANITIZE_PATTERN, 'gu');

// Bounded memos for the strings a service sees over and over (versions, actions, GPU names).
const MEMO_LIMIT = 4096;
const lowerMemo = new Map<string, string>();
const upperMemo = new Map<string, string>();

/**
 * Python `sanitize_field_value(value, uppercase=False)`: `str(value)`, every character outside `[a-zA-Z0-9]` → `_`,
 * then lower-case (or upper-case). `'ResNet-50'` → `resnet_50`, `None` (`null`) → `none`, `true` → `true`.
 */
export function sanitizeFieldValue(value: unknown, options?: { uppercase?: boolean }): string {
  return sanitizeValue(value, options?.uppercase === true);
}

/** `sanitizeFieldValue` without the options object (hot path). */
export function sanitizeValue(value: unknown, upper: boolean): string {
  if (typeof value === 'string') {
    const memo = upper ? upperMemo : lowerMemo;
    const hit = memo.get(value);
    if (hit !== undefined) return hit;
    const out = sanitize(value, upper);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(value, out);
    return out;
  }
  return sanitize(pyStr(value), upper);
}

function sanitize(s: string, upper: boolean): string {
  const replaced = s.replace(SANITIZE_RE, '_');
  // Only ASCII letters remain, so JS and Python case mapping agree.
  return upper ? replaced.toUpperCase() : replaced.toLowerCase();
}

/**
 * Python `create_gpu_identifier(gpu_list)`: `<count>_<NAME>_<n>_<NAME>_<n>...` with names sanitized upper-case and
 * sorted. `['NVIDIA A100', 'NVIDIA A100']` → `2_NVIDIA_A100_2`; `[]` → `0_` (kept: stored keys end that way).
 */
export function createGpuIdentifier(gpuList: readonly unknown[]): string {
  if (gpuList.length === 1) return `1_${sanitizeValue(gpuList[0], true)}_1`;
  const counts = new Map<string, number>();
  for (const gpu of gpuList) {
    const name = sanitizeValue(gpu, true);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  // Sanitized names are ASCII, so UTF-16 order is Python's order.
  const names = [...counts.keys()].sort();
  let parts = '';
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    parts += `${i > 0 ? '_' : ''}${name}_${counts.get(name)}`;
  }
  return `${gpuList.length}_${parts}`;
}

/** Bounds on a report's values; Python has none (a 10 MB network name makes 10 MB keys). `Infinity` disables one. */
export interface ExtractionLimits {
  /** Longest string value (or `str()` rendering of a non-string value), in UTF-16 units. Default 1024. */
  maxStringLength: number;
  /** Most elements of a LIST attribute (GPU names). Default 4096. */
  maxListLength: number;
}

export const DEFAULT_EXTRACTION_LIMITS: Readonly<ExtractionLimits> = Object.freeze({ maxStringLength: 1024, maxListLength: 4096 });

export interface ExtractOptions {
  /** The registry to use (default: `METRIC_ATTRIBUTES`). */
  attributes?: readonly MetricAttribute[];
  limits?: Partial<ExtractionLimits>;
}

const INTEGER_STRING = /^\s*[+-]?\d+\s*$/;

interface ExtractionStep {
  readonly attr: MetricAttribute;
  /** The raw key names an Object.prototype member (`toString`, ...): only an own property counts. */
  readonly inherited: boolean;
}

interface ExtractionPlan {
  readonly steps: readonly ExtractionStep[];
  /** The registry is the shipped one: use the straight-line extractor (keyed access by variable names is ~30 ns each). */
  readonly builtIn: boolean;
}

// One plan per registry array (the global one and any custom ones).
const plans = new WeakMap<readonly MetricAttribute[], RegistryCache<ExtractionPlan>>();

function extractionPlan(attributes: readonly MetricAttribute[]): ExtractionPlan {
  let cache = plans.get(attributes);
  if (cache === undefined) {
    cache = new RegistryCache((attrs) => ({
      steps: attrs.map((attr) => ({ attr, inherited: attr.rawKey in Object.prototype })),
      builtIn: attrs.length === BUILT_IN_ATTRIBUTES.length && attrs.every((a, i) => a === BUILT_IN_ATTRIBUTES[i]),
    }));
    plans.set(attributes, cache);
  }
  return cache.get(attributes);
}

/**
 * Python `extract_telemetry_data(raw)`: for each registry attribute, in order, the raw value under `rawKey` when the key
 * is present (even when it is `null`), else the default; STRING values sanitized, others kept. The result has every
 * attribute, keyed by name (`gpu` → `gpus`); unknown raw keys are ignored. A property whose value is `undefined` counts
 * as missing (JSON cannot carry it).
 *
 * Unlike Python, values that would crash a builder or make nonsense keys are checked here, before any metric
 * changes: INTEGER takes numbers, booleans (0/1, as Python arithmetic does) and digit strings, and `null` means the
 * default; a LIST takes an array, a single string (one element, not one per character) or `null` (the default).
 * Anything else, and values beyond `limits`, throw `TelemetryInputError`.
 */
export function extractTelemetryData(raw: RawReport, options?: ExtractOptions): TelemetryData {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TelemetryInputError('report', raw, 'must be a JSON object');
  }
  const plan = extractionPlan(options?.attributes ?? METRIC_ATTRIBUTES);
  const maxString = options?.limits?.maxStringLength ?? DEFAULT_EXTRACTION_LIMITS.maxStringLength;
  const maxList = options?.limits?.maxListLength ?? DEFAULT_EXTRACTION_LIMITS.maxListLength;
  if (plan.builtIn) return extractBuiltIn(raw, maxString, maxList);
  const result: TelemetryData = {};
  const steps = plan.steps;
  for (let i = 0; i < steps.length; i++) {
    const { attr, inherited } = steps[i]!;
    const key = attr.rawKey;
    const rawValue = inherited && !Object.hasOwn(raw, key) ? undefined : raw[key];
    result[attr.name] = extractValue(attr.attrType, key, rawValue, attr.default, maxString, maxList);
  }
  return result;
}

/** The generic loop specialised for the nine shipped attributes (literal property names, no type dispatch). */
function extractBuiltIn(raw: RawReport, maxString: number, maxList: number): TelemetryData {
  const a = BUILT_IN_ATTRIBUTES;
  const version = raw['version'];
  const action = raw['action'];
  const network = raw['network'];
  const success = raw['success'];
  const userError = raw['user_error'];
  const timeLapsed = raw['time_lapsed'];
  const gpu = raw['gpu'];
  const clientType = raw['client_type'];
  const automl = raw['automl_triggered'];
  return {
    version: version === undefined ? 'unknown' : stringValue('version', version, maxString),
    action: action === undefined ? 'unknown' : stringValue('action', action, maxString),
    network: network === undefined ? 'unknown' : stringValue('network', network, maxString),
    success: success === undefined ? false : booleanValue('success', success, maxString),
    user_error: userError === undefined ? false : booleanValue('user_error', userError, maxString),
    time_lapsed:
      typeof timeLapsed === 'number' && Number.isFinite(timeLapsed)
        ? timeLapsed
        : timeLapsed === undefined
          ? 0
          : (toInteger('time_lapsed', timeLapsed, 0) as number | boolean),
    gpus: gpu === undefined ? (a[6]!.default as unknown[]) : (toList('gpu', gpu, a[6]!.default, maxString, maxList) as unknown[]),
    client_type: clientType === undefined ? 'container' : stringValue('client_type', clientType, maxString),
    automl_triggered: automl === undefined ? false : booleanValue('automl_triggered', automl, maxString),
  };
}

function stringValue(key: string, value: unknown, maxString: number): string {
  if (typeof value === 'string') {
    if (value.length > maxString) throw new TelemetryInputError(key, value, `must be at most ${maxString} characters long`);
    return sanitizeValue(value, false);
  }
  checkSize(key, value, maxString);
  return sanitizeValue(value, false);
}

function booleanValue(key: string, value: unknown, maxString: number): unknown {
  if (typeof value !== 'boolean') checkSize(key, value, maxString);
  return value;
}

/** One attribute's value: the raw value when present (not undefined), else the default; normalized by type. */
function extractValue(type: AttributeType, key: string, rawValue: unknown, fallback: unknown, maxString: number, maxList: number): unknown {
  const present = rawValue !== undefined;
  const value = present ? rawValue : fallback;
  switch (type) {
    case AttributeType.STRING:
      if (present) checkSize(key, value, maxString);
      return sanitizeValue(value, false);
    case AttributeType.BOOLEAN:
      if (present) checkSize(key, value, maxString);
      return value;
    case AttributeType.INTEGER:
      return present ? toInteger(key, value, fallback) : value;
    case AttributeType.LIST:
      return present ? toList(key, value, fallback, maxString, maxList) : value;
  }
}

function checkSize(field: string, value: unknown, max: number): void {
  if (typeof value === 'string') {
    if (value.length > max) throw new TelemetryInputError(field, value, `must be at most ${max} characters long`);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  try {
    pyStr(value, max);
  } catch (e) {
    if (e instanceof PyStrLimitError)
      throw new TelemetryInputError(field, value, `must render (Python str()) to at most ${max} characters`);
    throw e;
  }
}

function toInteger(field: string, value: unknown, fallback: unknown): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TelemetryInputError(field, value, 'must be a finite number');
    return value;
  }
  if (typeof value === 'boolean') return value;
  // Python would raise TypeError in the time builder; JSON null means "not measured".
  if (value === null) return fallback;
  if (typeof value === 'string' && value.length <= 32 && INTEGER_STRING.test(value)) return Number(value.trim());
  if (typeof value === 'bigint') return Number(value);
  throw new TelemetryInputError(field, value, 'must be a number (or a string of digits)');
}

function toList(field: string, value: unknown, fallback: unknown, maxString: number, maxList: number): unknown {
  if (Array.isArray(value)) {
    if (value.length > maxList) throw new TelemetryInputError(field, value, `must have at most ${maxList} elements`);
    for (let i = 0; i < value.length; i++) {
      const el: unknown = value[i];
      if (typeof el === 'string' ? el.length > 32 : el !== null && typeof el === 'object') checkSize(`${field}[${i}]`, el, maxString);
    }
    return value;
  }
  // Python iterates a string per character; one name is what the client meant.
  if (typeof value === 'string') {
    checkSize(field, value, maxString);
    return [value];
  }
  if (value === null) return fallback;
  throw new TelemetryInputError(field, value, 'must be an array (or a single string)');
}
