// The exposition-format conventions this project's Prometheus outputs share (this exporter and the TAO
// package's toPrometheusText), checked with the shared text-format parser plus a line scan for what it ignores.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { textSamples } from './expected.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['COUNTER', 'GAUGE', 'SUMMARY', 'HISTOGRAM']);
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  COUNTER: [''],
  GAUGE: [''],
  SUMMARY: ['', '_sum', '_count'],
  HISTOGRAM: ['_bucket', '_sum', '_count'],
};

/**
 * Problems of `text` as `<family or line>: <rule>` strings (empty when it follows the conventions): parsed by the
 * shared parser; every family has a HELP text and a known TYPE, both before its samples, and its samples are
 * contiguous and named for its type; counters end in `_total`; label names are valid, not `__`-reserved, not
 * repeated; label values round-trip through the parser (`\\`, `"` and line feeds escaped); values are numbers;
 * the text ends with a line feed.
 */
export function conventionProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.endsWith('\n')) problems.push('text: must end with a line feed');
  const families = parsePrometheusTextFormat(text);
  const byName = new Map(families.map((f) => [f.name, f]));
  for (const f of families) {
    if (!METRIC_NAME.test(f.name)) problems.push(`${f.name}: invalid metric name`);
    if (f.help.trim() === '') problems.push(`${f.name}: no HELP text`);
    if (!TYPES.has(f.type)) problems.push(`${f.name}: TYPE ${f.type} (expected counter, gauge, summary or histogram)`);
    if (f.type === 'COUNTER' && !f.name.endsWith('_total')) problems.push(`${f.name}: counter name without _total`);
  }
  let family: string | undefined;
  let type = '';
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
    if (meta !== null) {
      const name = meta[2] as string;
      if (meta[1] === 'HELP') {
        if (seen.has(name)) problems.push(`${name}: family appears twice`);
        seen.add(name);
        family = name;
        type = '';
      } else if (name !== family) problems.push(`${name}: TYPE without HELP right before it`);
      else type = byName.get(name)?.type ?? '';
      continue;
    }
    const [sample] = textSamples(line);
    if (sample === undefined) continue;
    if (family === undefined || type === '') {
      problems.push(`${line}: sample before its HELP and TYPE`);
      continue;
    }
    if (!(SUFFIXES[type] ?? []).some((suffix) => sample.name === family + suffix)) {
      problems.push(`${line}: sample outside its family ${family}`);
    }
    const names = [...line.matchAll(/[{,]([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((m) => m[1] as string);
    for (const n of names) {
      if (!LABEL_NAME.test(n) || n.startsWith('__')) problems.push(`${line}: label name ${n}`);
    }
    if (new Set(names).size !== names.length) problems.push(`${line}: repeated label name`);
    if (Number.isNaN(sample.value) && !/ NaN$/.test(line)) problems.push(`${line}: value is not a number`);
  }
  // Label values as the shared parser reads them must equal what a strict unescaping reads.
  for (const f of families) {
    for (const m of f.metrics) {
      if (m.labels === undefined || m.value === undefined) continue;
      const match = textSamples(text).find(
        (s) =>
          s.name === f.name &&
          Object.keys(s.labels).length === Object.keys(m.labels ?? {}).length &&
          Object.entries(m.labels ?? {}).every(([k, v]) => s.labels[k] === v),
      );
      if (match === undefined) problems.push(`${f.name}${JSON.stringify(m.labels)}: label values do not round-trip through the parser`);
    }
  }
  return problems;
}
