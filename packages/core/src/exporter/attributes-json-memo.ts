import { flatString } from '../internal/flat-string.js';
import { commaKeyPrefix, keyPrefix, mapValueJson, writeMap } from './json-value.js';

/** Collections larger than this are written without memo (it would retain too much per name). */
const MEMO_MAX_ENTRIES = 64;

/**
 * Writes attribute maps as `<prefix>{...}<suffix>` and remembers the last one, entry by entry, reusing the
 * part that the next map has in common with it (same keys, same values, same order). Records of one span
 * or event name usually carry the same keys and mostly the same values, so a record typically needs only
 * its changed entries (such as `duration_msec` or `timestamp_msec`) serialised.
 *
 * Entries compare by `===`: exact for primitives; array values are reused only when frozen (as
 * `Attributes` stores them), so an array changed in place is never written stale.
 */
export class AttributesJsonMemo {
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly open: string;
  private readonly close: string;
  private readonly keys: string[] = [];
  private readonly values: unknown[] = [];
  /** `ends[i]`: length of the prefix of `json` that covers entries 0..i. */
  private readonly ends: number[] = [];
  /** `parts[i]`: entry i as written, `"key":value` or `,"key":value`; undefined when it was omitted (non-finite number, ...). */
  private readonly parts: (string | undefined)[] = [];
  /** `firsts[i]`: whether entry i was written without a comma (nothing written before it). */
  private readonly firsts: boolean[] = [];
  private count = 0;
  private json: string;

  /** `prefix` and `suffix` are written around the object (e.g. the key it is the value of). */
  constructor(prefix = '', suffix = '') {
    this.prefix = prefix;
    this.suffix = suffix;
    this.open = `${prefix}{`;
    this.close = `}${suffix}`;
    this.json = flatString(this.open + this.close);
  }

  /** `<prefix>` + `writeMap(map)` + `<suffix>`. */
  write(map: ReadonlyMap<string, unknown>): string {
    if (map.size > MEMO_MAX_ENTRIES) return this.prefix + writeMap(map) + this.suffix;
    const keys = this.keys;
    const values = this.values;
    const ends = this.ends;
    const parts = this.parts;
    const firsts = this.firsts;
    const empty = this.open.length;
    let i = 0;
    // `undefined` while every entry so far matches the memo.
    let out: string | undefined;
    // Whether the memo supplied a prefix: a map that differs from its first entry on (a record of fresh
    // metric values) reuses nothing, so its JSON is not flattened for reuse.
    let reused = false;
    // Keys then `get`: iterating entries allocates a [key, value] pair per entry.
    for (const k of map.keys()) {
      const v = map.get(k);
      if (out === undefined) {
        if (i < this.count && keys[i] === k && values[i] === v && (typeof v !== 'object' || Object.isFrozen(v))) {
          i++;
          continue;
        }
        out = this.upTo(i);
        reused = i > 0;
      }
      // An entry after the first change is still reused when it is the same as before: in a record of fresh
      // metric values, `timestamp_msec` and `global_step` mostly are (a large integer costs ~130 ns to format).
      // A part is kept as written: with its leading comma unless it was the first entry written.
      const first = out.length === empty;
      let part: string | undefined;
      if (i < this.count && keys[i] === k && values[i] === v && (typeof v !== 'object' || Object.isFrozen(v)) && firsts[i] === first) {
        part = parts[i];
      } else {
        const s = mapValueJson(v);
        part = s === undefined ? undefined : (first ? keyPrefix(k) : commaKeyPrefix(k)) + s;
        keys[i] = k;
        values[i] = v;
        parts[i] = part;
      }
      firsts[i] = first;
      if (part !== undefined) out += part;
      ends[i] = out.length;
      i++;
    }
    if (out === undefined) {
      if (i === this.count) return this.json;
      out = this.upTo(i);
      reused = i > 0;
    }
    // Forget the entries beyond the new end.
    if (keys.length > i) {
      keys.length = i;
      values.length = i;
      ends.length = i;
      parts.length = i;
      firsts.length = i;
    }
    this.count = i;
    this.json = reused ? flatString(out + this.close) : out + this.close;
    return this.json;
  }

  /** The remembered JSON up to and including entry `n - 1`. */
  private upTo(n: number): string {
    return n === 0 ? this.open : this.json.slice(0, this.ends[n - 1]);
  }
}
