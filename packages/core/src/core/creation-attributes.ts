import { type AttributePrimitive, Attributes, type AttributesInput } from './attributes.js';

/** StandardSpanAttributeName.DURATION_MSEC (span.ts imports this module). */
const DURATION_MSEC = 'duration_msec';

// A span copies the attributes it is created with (the caller may change its object afterwards). Spans of one name
// are often created with the same attributes again and again (`timedSpan('load', fn, options)` in a loop, or a
// fresh literal with the same values): then the last snapshot made for that name is reused, once the input is
// checked to hold the same keys, in the same order, with the same primitive values (its identity does not matter:
// equal attributes give equal records). A snapshot is shared by several spans, so it is never changed: a span
// that changes its attributes, or adds `duration_msec` when an exporter reads them, first makes its own copy (see
// Span). Any other input gets a fresh copy, which the span owns: arrays (they can change in place), a left-out
// invalid value, and a caller's own `duration_msec` (the span's stop replaces its value in place).

/** A collection shared by the spans created from equal inputs: never changed. */
class SharedAttributes extends Attributes {}

/** Whether `attributes` (from `creationAttributes`) is shared with other spans, rather than the caller's own copy. */
export function isSharedAttributes(attributes: Attributes): boolean {
  return attributes instanceof SharedAttributes;
}

/** A shared copy, and the keys and values it was made from. */
interface Snapshot {
  readonly attributes: Attributes;
  readonly keys: readonly string[];
  readonly values: readonly AttributePrimitive[];
}

/**
 * The snapshot of one span name and how it fares. A snapshot is made at the first input of a name, and again after
 * 64 inputs that did not match it; if none matched, the name's inputs are taken to change at every call (a step
 * counter) and the next 1,024 are copied without a check. (Remembering the last input object to notice a repeat
 * costs more than a snapshot saves when every call passes a fresh object.)
 */
interface NameSlot {
  snapshot: Snapshot | undefined;
  hits: number;
  misses: number;
  /** Inputs still to copy without a check. */
  skip: number;
}
const MISSES_BEFORE_NEW_SNAPSHOT = 64;
const SKIPPED_AFTER_USELESS_SNAPSHOT = 1024;
/** At most this many names get a slot (a program may create spans of unbounded names). */
const MAX_NAMES = 1024;
const slots = new Map<string, NameSlot>();

/** The collection with no attributes, shared by every span created without any. */
const NONE = new SharedAttributes();

/**
 * The attributes a span named `name` is created with: a snapshot shared with other spans (see
 * `isSharedAttributes`) when the input equals the name's last snapshot, else a fresh copy. Invalid values are
 * reported (or thrown) as `new Attributes(input)` does.
 */
export function creationAttributes(name: string, input: AttributesInput): Attributes {
  if (input === undefined) return NONE;
  if (input instanceof Attributes || typeof input !== 'object' || input === null) return new Attributes(input);
  let slot = slots.get(name);
  if (slot !== undefined) {
    if (slot.skip > 0) {
      slot.skip--;
      return new Attributes(input);
    }
    const known = slot.snapshot;
    if (known !== undefined && matches(input, known.keys, known.values)) {
      slot.hits++;
      return known.attributes;
    }
  }
  const attributes = new Attributes(input);
  if (slot === undefined) {
    if (slots.size >= MAX_NAMES) return attributes;
    slot = { snapshot: undefined, hits: 0, misses: MISSES_BEFORE_NEW_SNAPSHOT - 1, skip: 0 };
    slots.set(name, slot);
  }
  if (++slot.misses >= MISSES_BEFORE_NEW_SNAPSHOT) {
    if (slot.snapshot !== undefined && slot.hits === 0) {
      // Nothing matched the last snapshot: skip the checks for a while, then start again with a new snapshot.
      slot.snapshot = undefined;
      slot.skip = SKIPPED_AFTER_USELESS_SNAPSHOT;
      slot.misses = MISSES_BEFORE_NEW_SNAPSHOT - 1;
      return attributes;
    }
    slot.misses = 0;
    slot.hits = 0;
    slot.snapshot = snapshotOf(input, attributes) ?? slot.snapshot;
  }
  return attributes;
}

/**
 * A snapshot of `input`, which was just copied as `attributes` (that copy goes to the caller's span), or undefined
 * if it cannot be shared (see above).
 */
function snapshotOf(input: object, attributes: Attributes): Snapshot | undefined {
  if (attributes.has(DURATION_MSEC)) return undefined;
  const keys: string[] = [];
  const values: AttributePrimitive[] = [];
  for (const [k, v] of attributes.map) {
    if (typeof v === 'object') return undefined;
    keys.push(k);
    values.push(v);
  }
  // A left-out value (its key is missing from the copy) or inherited enumerable keys: no input would ever match.
  // The values are not read again: the copy holds what was read.
  return matches(input, keys, undefined) ? { attributes: new SharedAttributes(attributes), keys, values } : undefined;
}

/**
 * Whether `input` enumerates exactly `keys`, in that order, with the same `values` (`Object.is`; the values are not
 * read when `values` is undefined).
 */
function matches(input: object, keys: readonly string[], values: readonly AttributePrimitive[] | undefined): boolean {
  let i = 0;
  try {
    for (const k in input) {
      if (i === keys.length || keys[i] !== k) return false;
      if (values !== undefined && !Object.is(values[i], (input as Record<string, unknown>)[k])) return false;
      i++;
    }
  } catch {
    // A throwing getter or Proxy trap: copied (and reported) the usual way.
    return false;
  }
  return i === keys.length;
}
