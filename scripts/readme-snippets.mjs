// Finds the code and configuration snippets of the project's Markdown docs (README.md files and docs/*.md), so a
// test can run every one of them. A snippet is a fenced block whose language is one of SNIPPET_LANGUAGES; other
// blocks (plain text, sample output) are not code. One directive may stand on the line right before a fence:
//   <!-- snippet: skip: <reason> -->   the block is not run (the reason is required and printed by the test)
//   <!-- snippet: continues -->        the block runs after the previous block of the same language in the file
//   <!-- snippet: env K=V [K=V ...] --> the block runs with these environment variables (e.g. WANDB_MODE=disabled
//                                       for a W&B example: everything runs except the network)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const SNIPPET_LANGUAGES = {
  ts: 'program',
  typescript: 'program',
  js: 'program',
  javascript: 'program',
  mjs: 'program',
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  jsonc: 'jsonc',
  sh: 'shell',
  bash: 'shell',
  shell: 'shell',
};

/** The Markdown files whose snippets are tested, relative to the repository root. */
export function docFiles() {
  const files = ['README.md'];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    if (existsSync(join(root, 'packages', dir, 'README.md'))) files.push(`packages/${dir}/README.md`);
  }
  for (const dir of readdirSync(join(root, 'examples')).sort()) {
    if (existsSync(join(root, 'examples', dir, 'README.md'))) files.push(`examples/${dir}/README.md`);
  }
  if (existsSync(join(root, 'docs'))) {
    for (const f of readdirSync(join(root, 'docs')).sort()) if (f.endsWith('.md')) files.push(`docs/${f}`);
  }
  return files;
}

/**
 * The snippets of one Markdown file: `{ file, line, lang, kind, code, skip, continues }` where `line` is the
 * 1-based line of the opening fence and `code` has the previous block prepended when `continues` is set.
 */
export function extractSnippets(file) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const out = [];
  const lastByKind = new Map();
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([A-Za-z0-9_+-]*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const fence = open[2] ?? '```';
    const lang = (open[3] ?? '').toLowerCase();
    let end = i + 1;
    while (end < lines.length && !(lines[end] ?? '').trimStart().startsWith(fence)) end++;
    const body = lines.slice(i + 1, end).join('\n');
    const kind = SNIPPET_LANGUAGES[lang];
    const directive = /^<!--\s*snippet:\s*(.*?)\s*-->\s*$/.exec(lines[i - 1] ?? '')?.[1];
    if (kind !== undefined) {
      const skip = directive?.startsWith('skip') ? directive.replace(/^skip:?\s*/, '') || '(no reason given)' : undefined;
      const continues = directive === 'continues';
      const env = directive?.startsWith('env ')
        ? Object.fromEntries(
            directive
              .slice(4)
              .trim()
              .split(/\s+/)
              .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
          )
        : {};
      const previous = lastByKind.get(kind);
      const code = continues && previous !== undefined ? `${previous}\n${body}` : body;
      out.push({ file, line: i + 1, lang, kind, code, skip, continues, directive, env });
      lastByKind.set(kind, code);
    }
    i = end;
  }
  return out;
}

export function allSnippets() {
  return docFiles().flatMap((f) => extractSnippets(f));
}

export function relativeToRoot(path) {
  return relative(root, path);
}
