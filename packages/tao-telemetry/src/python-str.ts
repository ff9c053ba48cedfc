// Python's `str()`, `repr()`, truthiness and the few `str` predicates the metric keys depend on, for JSON-like values.
// Keys must match the Python service byte for byte, so these follow CPython (3.x) exactly where JS differs.

/** Python's recursion limit is ~1000 frames; a deeper value is rejected instead of overflowing the stack. */
const MAX_DEPTH = 1000;

/** Thrown by `pyStr` when the rendering would exceed `maxLength` characters or nest deeper than Python can repr. */
export class PyStrLimitError extends RangeError {
  override name = 'PyStrLimitError';
}

/**
 * Python `str(value)` for a JSON-like value: strings unchanged, `null`/`undefined` → `None`, booleans → `True`/`False`,
 * safe integers as Python ints, other numbers as Python floats (`1e16` → `1e+16`, `NaN` → `nan`), bigints as ints,
 * arrays/objects as Python list/dict reprs (`['a', 1]`, `{'k': None}`).
 * JS cannot tell `5.0` from `5` (Python prints `5.0`), and integers beyond 2^53 lose digits when JSON is parsed.
 * Throws `PyStrLimitError` when the result would exceed `maxLength` characters.
 */
export function pyStr(value: unknown, maxLength = Number.POSITIVE_INFINITY): string {
  if (typeof value === 'string') return value;
  return pyRepr(value, maxLength);
}

/** Python `repr(value)` for a JSON-like value (strings quoted and escaped as CPython does). */
export function pyRepr(value: unknown, maxLength = Number.POSITIVE_INFINITY): string {
  const out: string[] = [];
  const state = { length: 0, maxLength, active: new Set<object>() };
  reprInto(value, out, state, 0);
  return out.join('');
}

interface ReprState {
  length: number;
  maxLength: number;
  /** Containers being rendered: a cycle prints `[...]`/`{...}` like Python. */
  active: Set<object>;
}

function emit(out: string[], state: ReprState, s: string): void {
  state.length += s.length;
  if (state.length > state.maxLength) throw new PyStrLimitError(`longer than ${state.maxLength} characters`);
  out.push(s);
}

function reprInto(value: unknown, out: string[], state: ReprState, depth: number): void {
  switch (typeof value) {
    case 'string':
      emit(out, state, reprString(value));
      return;
    case 'number':
      emit(out, state, pyNumberStr(value));
      return;
    case 'boolean':
      emit(out, state, value ? 'True' : 'False');
      return;
    case 'bigint':
      emit(out, state, value.toString());
      return;
    case 'object':
      break;
    default:
      // undefined (and values JSON cannot carry) behave like JSON null.
      emit(out, state, 'None');
      return;
  }
  if (value === null) {
    emit(out, state, 'None');
    return;
  }
  if (depth >= MAX_DEPTH) throw new PyStrLimitError(`nested deeper than ${MAX_DEPTH} levels`);
  const isList = Array.isArray(value);
  if (state.active.has(value)) {
    emit(out, state, isList ? '[...]' : '{...}');
    return;
  }
  state.active.add(value);
  if (isList) {
    emit(out, state, '[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) emit(out, state, ', ');
      reprInto(value[i], out, state, depth + 1);
    }
    emit(out, state, ']');
  } else {
    emit(out, state, '{');
    let first = true;
    for (const [k, v] of Object.entries(value)) {
      if (!first) emit(out, state, ', ');
      first = false;
      emit(out, state, reprString(k));
      emit(out, state, ': ');
      reprInto(v, out, state, depth + 1);
    }
    emit(out, state, '}');
  }
  state.active.delete(value);
}

/** Python `str()` of a number: ints for safe integers, the float repr otherwise. */
export function pyNumberStr(x: number): string {
  if (Number.isSafeInteger(x)) return Object.is(x, -0) ? '0' : String(x);
  return pyFloatRepr(x);
}

/** Python `repr(float)`: shortest round-trip digits, exponent when the point is beyond 16 digits or before 4 zeros. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without digits gives the same shortest round-trip digits as CPython's repr.
  const e = Math.abs(x).toExponential();
  const ePos = e.indexOf('e');
  const digits = e.slice(0, ePos).replace('.', '');
  const exp = Number(e.slice(ePos + 1));
  const decpt = exp + 1;
  if (decpt <= -4 || decpt > 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const absExp = String(Math.abs(exp)).padStart(2, '0');
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${absExp}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

// str.isprintable() is false for Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs except the ASCII space.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const PLAIN_ASCII = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/;

/** Python `repr(str)`: quote choice and escapes as in CPython's `unicode_repr`. */
export function reprString(s: string): string {
  if (PLAIN_ASCII.test(s)) return `'${s}'`;
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f) out += ch;
    else if (!NON_PRINTABLE.test(ch) || cp === 0x20) out += ch;
    else if (cp <= 0xff) out += `\\x${hex(cp, 2)}`;
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + quote;
}

function hex(cp: number, width: number): string {
  return cp.toString(16).padStart(width, '0');
}

/**
 * Python truthiness: `None`, `False`, `0`, `''`, `[]`, `{}` are false; unlike JS, `NaN` is true and so are
 * non-empty arrays/objects only (an empty array or object is false).
 */
export function pyTruthy(value: unknown): boolean {
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      return value !== 0;
    case 'string':
      return value.length > 0;
    case 'bigint':
      return value !== 0n;
    case 'undefined':
      return false;
    case 'object':
      if (value === null) return false;
      if (Array.isArray(value)) return value.length > 0;
      return Object.keys(value).length > 0;
    default:
      return true;
  }
}

// Python str.isdigit(): Unicode decimal digits (Nd) plus Numeric_Type=Digit (superscripts, circled digits, ...),
// which JS regexes cannot name. The extra ranges are CPython's (unicodedata 14.0; unchanged through 16.0).
const PY_DIGIT =
  /[\p{Nd}\u{b2}-\u{b3}\u{b9}\u{1369}-\u{1371}\u{19da}\u{2070}\u{2074}-\u{2079}\u{2080}-\u{2089}\u{2460}-\u{2468}\u{2474}-\u{247c}\u{2488}-\u{2490}\u{24ea}\u{24f5}-\u{24fd}\u{24ff}\u{2776}-\u{277e}\u{2780}-\u{2788}\u{278a}-\u{2792}\u{10a40}-\u{10a43}\u{10e60}-\u{10e68}\u{11052}-\u{1105a}\u{1f100}-\u{1f10a}]/u;
// Python str.isalpha(): categories Lu, Ll, Lt, Lm, Lo — exactly \p{L}.
const PY_ALPHA = /\p{L}/u;

/** `any(c.isdigit() for c in s)`. */
export function pyHasDigit(s: string): boolean {
  return PY_DIGIT.test(s);
}

/** `any(c.isalpha() for c in s)`. */
export function pyHasAlpha(s: string): boolean {
  return PY_ALPHA.test(s);
}

/** Python string ordering: by code point (JS `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
