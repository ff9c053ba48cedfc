// JSON text of history rows and summaries as the W&B client writes them: non-finite numbers as bare NaN,
// Infinity and -Infinity tokens (W&B's extended JSON), everything else standard JSON.

/** `JSON.stringify` with bare `NaN`/`Infinity`/`-Infinity` tokens for non-finite numbers. */
export function extendedJson(value: unknown): string {
  // Rows hold primitives and arrays of them: checking those is far cheaper than a replacer call per value.
  if (!hasNonFinite(value, 2)) return JSON.stringify(value);
  let nonFinite = false;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      nonFinite = true;
      return Number.isNaN(v) ? NAN_MARK : v > 0 ? INF_MARK : NEG_INF_MARK;
    }
    return v;
  });
  if (!nonFinite) return text;
  return text
    .replaceAll(JSON.stringify(NAN_MARK), 'NaN')
    .replaceAll(JSON.stringify(NEG_INF_MARK), '-Infinity')
    .replaceAll(JSON.stringify(INF_MARK), 'Infinity');
}

// Stand-ins for non-finite numbers during stringify; NUL characters make a clash with real text practically impossible.
const NAN_MARK = '\u0000nan\u0000';
const INF_MARK = '\u0000inf\u0000';
const NEG_INF_MARK = '\u0000-inf\u0000';

/** Whether `value` holds a non-finite number within `depth` levels (deeper data goes through the replacer). */
function hasNonFinite(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (value === null || typeof value !== 'object') return false;
  if (depth === 0) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (hasNonFinite(v, depth - 1)) return true;
    return false;
  }
  for (const k in value) if (hasNonFinite((value as Record<string, unknown>)[k], depth - 1)) return true;
  return false;
}
