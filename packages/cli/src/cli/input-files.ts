// Command-line inputs to files: a directory stands for the telemetry files directly inside it, a pattern with
// `*`, `?` or `[…]` (quoted, so the shell left it alone) for the files it matches; anything else is a file name
// and is read as given (a missing file is reported by the reader). Matches are in natural order (rank2 before
// rank10). Directories are not searched recursively.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Names taken from a directory: JSONL telemetry, plain or gzip-compressed. */
export const TELEMETRY_FILE = /\.(jsonl|ndjson)(\.gz)?$/i;

export interface ExpandedInputs {
  files: string[];
  /** One line per argument that matched nothing: `path: message`. */
  problems: string[];
}

const natural = new Intl.Collator('en', { numeric: true });

export async function expandInputs(args: readonly string[]): Promise<ExpandedInputs> {
  const files: string[] = [];
  const problems: string[] = [];
  for (const arg of args) {
    if (arg === '-') {
      files.push(arg);
      continue;
    }
    const info = await stat(arg).catch(() => undefined);
    if (info?.isDirectory()) {
      const names = (await readdir(arg, { withFileTypes: true }).catch(() => []))
        .filter((e) => !e.isDirectory() && TELEMETRY_FILE.test(e.name))
        .map((e) => e.name)
        .sort(natural.compare);
      if (names.length === 0) problems.push(`${arg}: error: is a directory without telemetry files (*.jsonl, *.jsonl.gz)`);
      files.push(...names.map((n) => join(arg, n)));
      continue;
    }
    if (info === undefined && hasPattern(basename(arg)) && !hasPattern(dirname(arg))) {
      const dir = dirname(arg);
      const match = patternRegExp(basename(arg));
      const names = (await readdir(dir, { withFileTypes: true }).catch(() => []))
        .filter((e) => !e.isDirectory() && match.test(e.name))
        .map((e) => e.name)
        .sort(natural.compare);
      if (names.length === 0) problems.push(`${arg}: error: no file matches this pattern`);
      files.push(...names.map((n) => (dir === '.' && !arg.startsWith('./') ? n : join(dir, n))));
      continue;
    }
    files.push(arg);
  }
  return { files, problems };
}

function hasPattern(text: string): boolean {
  return /[*?[]/.test(text);
}

/** `*` any run of characters, `?` one character, `[abc]`/`[0-9]`/`[!x]` a set; everything else literal. */
export function patternRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) {
        out += '\\[';
        continue;
      }
      let set = pattern.slice(i + 1, end);
      const negate = set.startsWith('!') || set.startsWith('^');
      if (negate) set = set.slice(1);
      out += `[${negate ? '^' : ''}${set.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = end;
    } else out += c.replace(/[.+^${}()|\\\]]/g, (m) => `\\${m}`);
  }
  return new RegExp(`^${out}$`, 's');
}
