import { rejectInput } from '../internal/runtime.js';
import { describeValue, messageOf, OneLoggerError } from './errors.js';

export type AttributePrimitive = string | number | boolean;
/** A primitive or a homogeneous array of one primitive type. Numbers must be finite (JSON has no NaN/Infinity). */
export type AttributeValue = AttributePrimitive | readonly string[] | readonly number[] | readonly boolean[];
export type AttributesInput = Readonly<Record<string, AttributeValue>> | Attributes | undefined;

/**
 * What is wrong with an attribute, or `undefined` if it is valid: the message names the attribute, the
 * value and the rule.
 */
export function attributeProblem(name: unknown, value: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return `Attribute name must be a non-empty string (got ${describeValue(name)})`;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `Attribute ${name}: numbers must be finite (got ${value})`;
    default:
      break;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    const kind = typeof value[0];
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const itemKind = typeof item;
      if (itemKind !== 'string' && itemKind !== 'number' && itemKind !== 'boolean') {
        return `All elements of a list attribute must be of primitive type: attribute ${name} has ${describeValue(item)} at index ${i}`;
      }
      if (itemKind !== kind) {
        return `All elements of a list attribute must be of primitive type and share one type: attribute ${name} has a ${itemKind} at index ${i} after ${kind} values`;
      }
      if (itemKind === 'number' && !Number.isFinite(item)) {
        return `Attribute ${name}: numbers must be finite (got ${item} at index ${i})`;
      }
    }
    return undefined;
  }
  return `Attribute ${name}: value must be a string, a finite number, a boolean or a homogeneous array of those (got ${describeValue(value)})`;
}

/**
 * Checks a value at creation time, so a record can never be malformed at export time.
 * Throws a OneLoggerError naming the attribute, the value and the rule.
 */
export function validateAttribute(name: unknown, value: unknown): asserts value is AttributeValue {
  const problem = attributeProblem(name, value);
  if (problem !== undefined) throw new OneLoggerError(problem);
}

/** What `storedCopy` returns for an invalid value; the reason is in `copyProblem`. */
const INVALID: unique symbol = Symbol('invalid attribute');
let copyProblem = '';

/**
 * The value as it is stored: primitives as given, an array copied element by element (each element read
 * exactly once, by index, so neither an accessor, a Proxy nor an overridden `slice` or iterator can hand the
 * validator one value and the copy another) and frozen. The copy is what gets validated, so what is stored is
 * exactly what was checked: plain data that serialising can never recurse into. Reading a hostile value
 * (a throwing getter, a revoked Proxy) is reported like any other invalid value.
 */
function storedCopy(name: unknown, value: unknown): AttributeValue | typeof INVALID {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      if (typeof name === 'string' && name.length > 0) return value;
      break;
    case 'number':
      if (Number.isFinite(value) && typeof name === 'string' && name.length > 0) return value;
      break;
    case 'object': {
      if (value === null) break;
      let copy: unknown[];
      try {
        if (!Array.isArray(value)) break;
        copy = copyElements(value);
      } catch (e) {
        copyProblem = `Attribute ${String(name)}: the value could not be read (${messageOf(e)})`;
        return INVALID;
      }
      const problem = describedProblem(name, copy);
      if (problem !== undefined) {
        copyProblem = problem;
        return INVALID;
      }
      return Object.freeze(copy) as AttributeValue;
    }
    default:
      break;
  }
  copyProblem = describedProblem(name, value) ?? `Attribute ${String(name)}: invalid value`;
  return INVALID;
}

/** The elements of an array (or array-like Proxy), each read once, into a new plain array. */
function copyElements(value: readonly unknown[]): unknown[] {
  const n = value.length;
  // A real array's length always is such an integer; a Proxy may claim anything.
  if (!Number.isInteger(n) || n < 0 || n > MAX_ARRAY_LENGTH) throw new Error(`length ${String(n)} is not an array length`);
  const copy: unknown[] = [];
  for (let i = 0; i < n; i++) copy.push(value[i]);
  return copy;
}
const MAX_ARRAY_LENGTH = 2 ** 32 - 1;

/** `attributeProblem`, where describing a hostile object (a Proxy, a throwing `constructor` getter) must not throw. */
function describedProblem(name: unknown, value: unknown): string | undefined {
  try {
    return attributeProblem(name, value);
  } catch (e) {
    return `Attribute ${String(name)}: value must be a string, a finite number, a boolean or a homogeneous array of those (got an object that cannot be read: ${messageOf(e)})`;
  }
}

/** The stored copy of a valid value; throws a OneLoggerError naming the attribute, the value and the rule. */
function storedOrThrow(name: unknown, value: unknown): AttributeValue {
  const stored = storedCopy(name, value);
  if (stored === INVALID) throw new OneLoggerError(copyProblem);
  return stored;
}

/**
 * The stored copy of a valid value, or `undefined` when the quiet error strategy leaves an invalid one out
 * (throws under the propagate strategy, see `rejectInput`).
 */
export function acceptedAttributeValue(name: unknown, value: unknown): AttributeValue | undefined {
  const stored = storedCopy(name, value);
  if (stored !== INVALID) return stored;
  rejectInput(`attribute:${String(name)}`, copyProblem);
  return undefined;
}

/** One named attribute value (validated on construction, immutable). */
export class Attribute {
  readonly name: string;
  readonly value: AttributeValue;
  constructor(name: string, value: AttributeValue) {
    this.value = storedOrThrow(name, value);
    this.name = name;
  }

  /** @internal An attribute of a value that `acceptedAttributeValue` already copied and checked. */
  static ofStored(name: string, stored: AttributeValue): Attribute {
    const attribute = Object.create(Attribute.prototype) as { name: string; value: AttributeValue };
    attribute.name = name;
    attribute.value = stored;
    return attribute as Attribute;
  }
}

/**
 * An insertion-ordered collection of validated attributes. Insertion order is the order in records;
 * overwriting a key keeps its position (as the reference's dict does).
 */
export class Attributes implements Iterable<[string, AttributeValue]> {
  /** @internal The backing map; exporters read it directly to avoid copies. */
  readonly map: Map<string, AttributeValue>;

  constructor(input?: AttributesInput) {
    this.map = new Map();
    if (input !== undefined) this.addAll(input);
  }

  /**
   * @internal A collection backed by `map` itself, not a copy: the caller built it from values that are already
   * valid stored values (see `storedCopy`) and hands it over. It spares a hot path the copy and the re-check.
   */
  static adopting(map: Map<string, AttributeValue>): Attributes {
    const attributes = Object.create(Attributes.prototype) as { map: Map<string, AttributeValue> };
    attributes.map = map;
    return attributes as Attributes;
  }

  /** Builds a collection from a plain object (or copies another collection). */
  static from(input?: AttributesInput): Attributes {
    return new Attributes(input);
  }

  /** Copies `a` then `b` into a new collection; `b` wins on duplicate names, keeping `a`'s position. */
  static merge(a?: AttributesInput, b?: AttributesInput): Attributes {
    const merged = new Attributes(a);
    if (b !== undefined) merged.addAll(b);
    return merged;
  }

  get size(): number {
    return this.map.size;
  }

  /** Adds (or replaces) one attribute; returns the collection for chaining. */
  add(name: string, value: AttributeValue): this {
    const stored = acceptedAttributeValue(name, value);
    if (stored !== undefined) this.map.set(name, stored);
    return this;
  }

  /** Stores an `Attribute` object (already validated); returns it. */
  addAttribute(attribute: Attribute): Attribute {
    this.map.set(attribute.name, attribute.value);
    return attribute;
  }

  /** Adds every attribute of `other` (a collection or a plain object); later wins. */
  addAll(other: AttributesInput): this {
    if (other === undefined) return this;
    if (other instanceof Attributes) {
      for (const [k, v] of other.map) this.map.set(k, v);
      return this;
    }
    if (typeof other !== 'object' || other === null || Array.isArray(other)) {
      throw new OneLoggerError(`Attributes must be given as a plain object (got ${describeValue(other)})`);
    }
    let keys: string[];
    try {
      keys = Object.keys(other);
    } catch (e) {
      throw new OneLoggerError(`Attributes must be given as a plain object (its keys could not be read: ${messageOf(e)})`);
    }
    for (const key of keys) {
      let value: unknown;
      try {
        value = other[key];
      } catch (e) {
        rejectInput(`attribute:${key}`, `Attribute ${key}: the value could not be read (${messageOf(e)})`);
        continue;
      }
      this.add(key, value as AttributeValue);
    }
    return this;
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  get(name: string): Attribute | undefined {
    const value = this.map.get(name);
    return value === undefined ? undefined : new Attribute(name, value);
  }

  getValue(name: string): AttributeValue | undefined {
    return this.map.get(name);
  }

  delete(name: string): boolean {
    return this.map.delete(name);
  }

  getBoolValue(name: string): boolean | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw new OneLoggerError(`Attribute ${name} must be a boolean. Got ${describeValue(v)}.`);
    return v;
  }

  getIntValue(name: string): number | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new OneLoggerError(`Attribute ${name} must be an integer. Got ${describeValue(v)}.`);
    }
    return v;
  }

  getFloatValue(name: string): number | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'number') throw new OneLoggerError(`Attribute ${name} must be a float. Got ${describeValue(v)}.`);
    return v;
  }

  getStrValue(name: string): string | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new OneLoggerError(`Attribute ${name} must be a string. Got ${describeValue(v)}.`);
    return v;
  }

  /** A plain `{name: value}` object in insertion order (used by `JSON.stringify`). */
  toJSON(): Record<string, AttributeValue> {
    const out: Record<string, AttributeValue> = {};
    for (const [k, v] of this.map) out[k] = v;
    return out;
  }

  static fromJSON(data: Readonly<Record<string, AttributeValue>> | null | undefined): Attributes {
    return new Attributes(data ?? undefined);
  }

  /** Same names, in any order, with equal values. */
  equals(other: Attributes): boolean {
    if (other.map.size !== this.map.size) return false;
    for (const [k, v] of this.map) {
      if (!other.map.has(k) || !valuesEqual(v, other.map.get(k) as AttributeValue)) return false;
    }
    return true;
  }

  [Symbol.iterator](): Iterator<[string, AttributeValue]> {
    return this.map.entries();
  }
}

function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  return a === b;
}
