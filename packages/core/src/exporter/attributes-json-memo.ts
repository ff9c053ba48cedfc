import { flatString, ReusedText, sequentialString } from '../internal/flat-string.js';
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
  /** `texts[i]`: value i as JSON; undefined when it was omitted (non-finite number, ...). */
  private readonly texts: (string | undefined)[] = [];
  /** `commaKeys[i]`: `,"key":` of key i, kept so that an unchanged key costs no cache lookup. */
  private readonly commaKeys: string[] = [];
  private count = 0;
  private json: string;
  /**
   * The entries from `tailStart` to the end, followed by the close, as last written after a changed entry
   * (-1: none). In a record of fresh metric values the trailing `global_step` and `timestamp_msec` mostly
   * repeat; written as one string they are one piece to copy instead of four.
   */
  private tailStart = -1;
  /** Whether the tail was written with nothing before it (its first entry has no comma). */
  private tailFirst = false;
  /** Where the tail began in `json` (to move `ends` when it is reused at another position). */
  private tailBase = 0;
  private readonly tailText = new ReusedText();

  /**
   * `prefix` and `suffix` are written around the object (e.g. the key it is the value of). `lasting`: the memo is
   * kept for many records, so its fixed pieces are stored as single runs of characters (see sequentialString).
   */
  constructor(prefix = '', suffix = '', lasting = true) {
    const fixed = lasting ? sequentialString : (s: string) => s;
    this.prefix = fixed(prefix);
    this.suffix = fixed(suffix);
    this.open = fixed(`${prefix}{`);
    this.close = fixed(`}${suffix}`);
    this.json = flatString(this.open + this.close);
  }

  /** `<prefix>` + `writeMap(map)` + `<suffix>`. */
  write(map: ReadonlyMap<string, unknown>): string {
    if (map.size > MEMO_MAX_ENTRIES) return this.prefix + writeMap(map) + this.suffix;
    const keys = this.keys;
    const values = this.values;
    const texts = this.texts;
    const commaKeys = this.commaKeys;
    const ends = this.ends;
    const empty = this.open.length;
    let i = 0;
    // `undefined` while every entry so far matches the memo.
    let out: string | undefined;
    // Whether the memo supplied a prefix: a map that differs from its first entry on (a record of fresh
    // metric values) reuses nothing, so its JSON is not flattened for reuse.
    let reused = false;
    // First entry of the current run of unchanged entries after a change (-1: none); written when the run ends.
    let run = -1;
    // Keys then `get`: iterating entries allocates a [key, value] pair per entry.
    for (const k of map.keys()) {
      const v = map.get(k);
      const sameKey = i < this.count && keys[i] === k;
      const same = sameKey && values[i] === v && (typeof v !== 'object' || Object.isFrozen(v));
      if (out === undefined) {
        if (same) {
          i++;
          continue;
        }
        out = this.upTo(i);
        reused = i > 0;
      }
      // After the first change an unchanged value is still not formatted again (a large integer costs ~130 ns).
      if (same) {
        if (run < 0) run = i;
        i++;
        continue;
      }
      if (run >= 0) {
        out = this.appendEntries(out, run, i);
        run = -1;
      }
      const text = mapValueJson(v);
      if (!sameKey) {
        keys[i] = k;
        commaKeys[i] = commaKeyPrefix(k);
      }
      values[i] = v;
      texts[i] = text;
      if (i >= this.tailStart) this.tailStart = -1;
      // Appended leaf by leaf (key, then value): V8 copies such a chain into the file buffer faster than one
      // made of `key + value` pairs.
      if (text !== undefined) {
        out += out.length === empty ? keyPrefix(k) : commaKeys[i];
        out += text;
      }
      ends[i] = out.length;
      i++;
    }
    if (out === undefined) {
      if (i === this.count) return this.json;
      out = this.upTo(i) + this.close;
      reused = i > 0;
      this.tailStart = -1;
    } else if (run >= 0) {
      out = this.appendTail(out, run, i);
    } else {
      out += this.close;
    }
    // Forget the entries beyond the new end.
    if (keys.length > i) {
      keys.length = i;
      values.length = i;
      ends.length = i;
      texts.length = i;
      commaKeys.length = i;
    }
    this.count = i;
    this.json = reused ? flatString(out) : out;
    return this.json;
  }

  /** Appends the remembered entries `from`..`to - 1` (unchanged in this map), noting where each ends. */
  private appendEntries(out: string, from: number, to: number): string {
    for (let j = from; j < to; j++) {
      const text = this.texts[j];
      if (text !== undefined) {
        out += out.length === this.open.length ? keyPrefix(this.keys[j] as string) : this.commaKeys[j];
        out += text;
      }
      this.ends[j] = out.length;
    }
    return out;
  }

  /** Appends the unchanged entries `from` to the end and the close: the remembered tail when it is the same. */
  private appendTail(out: string, from: number, to: number): string {
    const base = out.length;
    const first = base === this.open.length;
    if (from === this.tailStart && to === this.count && first === this.tailFirst) {
      // Same entries after the same kind of start: same text, at another position.
      const shift = base - this.tailBase;
      for (let j = from; j < to; j++) this.ends[j] = (this.ends[j] as number) + shift;
      this.tailBase = base;
      return out + this.tailText.reuse();
    }
    let tail = '';
    for (let j = from; j < to; j++) {
      const text = this.texts[j];
      if (text !== undefined) {
        tail += first && tail === '' ? keyPrefix(this.keys[j] as string) : this.commaKeys[j];
        tail += text;
      }
      this.ends[j] = base + tail.length;
    }
    tail += this.close;
    this.tailStart = from;
    this.tailFirst = first;
    this.tailBase = base;
    this.tailText.keep(tail);
    return out + tail;
  }

  /** The remembered JSON up to and including entry `n - 1`. */
  private upTo(n: number): string {
    return n === 0 ? this.open : this.json.slice(0, this.ends[n - 1]);
  }
}
