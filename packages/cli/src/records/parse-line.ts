// Parses one JSONL line. The Python library writes non-finite floats as bare `NaN`, `Infinity` and `-Infinity`
// tokens (not JSON); they are read as `null` and named so the caller can report them.
import { printable } from '../model/printable.js';

export interface ParsedLine {
  value: unknown;
  /** The non-standard tokens replaced by `null`, in line order (undefined when the line was standard JSON). */
  nonStandardTokens: string[] | undefined;
}

/** Thrown when a line is not JSON, even with the non-standard tokens tolerated. */
export class LineSyntaxError extends Error {}

const TOKENS = ['-Infinity', 'Infinity', 'NaN'] as const;

export function parseJsonLine(text: string): ParsedLine {
  try {
    return { value: JSON.parse(text), nonStandardTokens: undefined };
  } catch (e) {
    // Slow path only for lines that are not standard JSON.
    const replaced = replaceNonStandardTokens(text);
    if (replaced !== undefined) {
      try {
        return { value: JSON.parse(replaced.text), nonStandardTokens: replaced.tokens };
      } catch {
        // fall through to the original error, which points at the real problem
      }
    }
    throw new LineSyntaxError(describeSyntaxError(e, text));
  }
}

/** Replaces NaN/Infinity/-Infinity outside strings by `null`; undefined when there are none. */
export function replaceNonStandardTokens(text: string): { text: string; tokens: string[] } | undefined {
  let out = '';
  let from = 0;
  const tokens: string[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    if (c !== 45 /* - */ && c !== 73 /* I */ && c !== 78 /* N */) continue;
    const token = TOKENS.find((t) => text.startsWith(t, i));
    if (token === undefined) continue;
    out += `${text.slice(from, i)}null`;
    tokens.push(token);
    i += token.length - 1;
    from = i + 1;
  }
  if (tokens.length === 0) return undefined;
  return { text: out + text.slice(from), tokens };
}

// The message quotes the line, escaped: a corrupt line may hold terminal control sequences.
function describeSyntaxError(e: unknown, text: string): string {
  const raw = e instanceof Error ? e.message : String(e);
  const detail = printable(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw);
  // Newer V8 messages quote the text themselves ("… is not valid JSON").
  if (detail.includes('is not valid JSON')) return `not JSON (${detail})`;
  const preview = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return `not JSON (${detail}): ${printable(JSON.stringify(preview))}`;
}
