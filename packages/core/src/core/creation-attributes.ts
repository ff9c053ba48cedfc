import { type AttributePrimitive, Attributes, type AttributesInput } from './attributes.js';

// A span copies the attributes it is created with (the caller may change its object afterwards). Callers often
// pass the same object with the same values again and again (`timedSpan('load', fn, options)` in a loop): then
// a snapshot of it is reused, once the object is checked to hold the same keys, in the same order, with the same
// primitive values. A snapshot is shared by several spans, so it is never changed: a span that changes its
// attributes, or adds `duration_msec` when an exporter reads them, first makes its own copy (see Span). Any other
// input gets a fresh copy, which the span owns.

/** A collection shared by the spans created from one unchanged input: never changed. */
class SharedAttributes extends Attributes {}

/** Whether `attributes` (from `creationAttributes`) is shared with other spans, rather than the caller's own copy. */
export function isSharedAttributes(attributes: Attributes): boolean {
  return attributes instanceof SharedAttributes;
}

/** The copy of one input object, and the keys and values it was made from. */
interface Snapshot {
  readonly attributes: Attributes;
  readonly keys: readonly string[];
  readonly values: readonly AttributePrimitive[];
}

const snapshots = new WeakMap<object, Snapshot>();
/**
 * The last plain object given. An object is snapshotted when it comes a second time in a row, so that a fresh
 * object literal per call (the other common pattern) costs no snapshot and no WeakMap entry.
 */
let lastInput: object | undefined;
/** The snapshot of `lastInput`, if it has one (checked before the WeakMap: the common case is one object in a loop). */
let lastSnapshot: Snapshot | undefined;

/** The collection with no attributes, shared by every span created without any. */
const NONE = new SharedAttributes();

/**
 * The attributes a span is created with: a snapshot shared with other spans (see `isSharedAttributes`) when it comes
 * from an unchanged object seen before, else a fresh copy. Invalid values are reported (or thrown) as
 * `new Attributes(input)` does.
 */
export function creationAttributes(input: AttributesInput): Attributes {
  if (input === undefined) return NONE;
  if (input instanceof Attributes || typeof input !== 'object' || input === null) return new Attributes(input);
  const known = input === lastInput ? lastSnapshot : snapshots.get(input);
  if (known !== undefined && holdsSame(input, known)) {
    lastInput = input;
    lastSnapshot = known;
    return known.attributes;
  }
  const attributes = new Attributes(input);
  let snapshot: Snapshot | undefined;
  if (input === lastInput) {
    snapshot = snapshotOf(input, attributes);
    if (snapshot !== undefined) snapshots.set(input, snapshot);
    else snapshots.delete(input);
  }
  lastInput = input;
  lastSnapshot = snapshot;
  return attributes;
}

/**
 * A snapshot of `input`, which was just copied as `attributes` (that copy goes to the caller's span), or undefined
 * if it cannot be reused (arrays, a left-out value).
 */
function snapshotOf(input: object, attributes: Attributes): Snapshot | undefined {
  const keys: string[] = [];
  const values: AttributePrimitive[] = [];
  for (const [k, v] of attributes.map) {
    // An array value may change in place while keeping its identity.
    if (typeof v === 'object') return undefined;
    keys.push(k);
    values.push(v);
  }
  const snapshot = { attributes: new SharedAttributes(attributes), keys, values };
  // Also false when a value was left out as invalid (its key is missing from the copy) or the object has
  // inherited enumerable keys.
  return holdsSame(input, snapshot) ? snapshot : undefined;
}

/** Whether `input` has exactly the snapshot's keys, in its order, with the same values (`Object.is`). */
function holdsSame(input: object, snapshot: Snapshot): boolean {
  const keys = snapshot.keys;
  const values = snapshot.values;
  let i = 0;
  try {
    for (const k in input) {
      if (i === keys.length || keys[i] !== k || !Object.is(values[i], (input as Record<string, unknown>)[k])) return false;
      i++;
    }
  } catch {
    // A throwing getter or Proxy trap: copied (and reported) the usual way.
    return false;
  }
  return i === keys.length;
}
