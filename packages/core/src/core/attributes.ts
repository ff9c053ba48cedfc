import { rejectInput } from '../internal/runtime.js';
import { describeValue, OneLoggerError } from './errors.js';

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

/**
 * Whether an invalid attribute may be left out instead of thrown: under the quiet error strategy bad
 * data never reaches the job as an exception (see `rejectInput`). Throws under the propagate strategy.
 */
export function acceptAttribute(name: unknown, value: unknown): value is AttributeValue {
  const problem = attributeProblem(name, value);
  if (problem === undefined) return true;
  rejectInput(`attribute:${String(name)}`, problem);
  return false;
}

/** One named attribute value (validated on construction, immutable). */
export class Attribute {
  readonly name: string;
  readonly value: AttributeValue;
  constructor(name: string, value: AttributeValue) {
    validateAttribute(name, value);
    this.name = name;
    this.value = Array.isArray(value) ? Object.freeze(value.slice()) : value;
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
    if (!acceptAttribute(name, value)) return this;
    this.map.set(name, Array.isArray(value) ? Object.freeze(value.slice()) : value);
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
    for (const key of Object.keys(other)) this.add(key, other[key] as AttributeValue);
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
