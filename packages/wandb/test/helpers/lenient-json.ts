// JSON with the bare NaN, Infinity and -Infinity tokens W&B clients write (spec wandb-protocol.md §2).

/** Parses `text` as JSON, accepting NaN/Infinity/-Infinity outside strings; throws like `JSON.parse` otherwise. */
export function parseLenientJson(text: string): unknown {
  // Most bodies have no such token: parse them directly.
  if (!NON_FINITE.test(text)) return JSON.parse(text);
  let out = '';
  let i = 0;
  let inString = false;
  let found = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      i++;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      i++;
      continue;
    }
    const token = ['-Infinity', 'Infinity', 'NaN'].find((t) => text.startsWith(t, i));
    if (token !== undefined) {
      found = true;
      out += JSON.stringify(`${MARK}${token}`);
      i += token.length;
      continue;
    }
    out += c;
    i++;
  }
  if (!found) return JSON.parse(text);
  return JSON.parse(out, (_key, v: unknown) => {
    if (typeof v !== 'string' || !v.startsWith(MARK)) return v;
    const token = v.slice(MARK.length);
    return token === 'NaN' ? Number.NaN : token === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  });
}

const MARK = '\u0000lenient:';
const NON_FINITE = /NaN|Infinity/;
