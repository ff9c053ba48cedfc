// The labeled metrics in the Prometheus text exposition format (0.0.4).

import { LABELED_METRIC_NAMES } from './builders/labeled.js';
import type { Metrics } from './types.js';

/** HELP texts, in output order. All four families are counters. */
const FAMILIES: ReadonlyArray<readonly [string, string]> = [
  [LABELED_METRIC_NAMES.counter, 'TAO jobs reported, by job attributes.'],
  [LABELED_METRIC_NAMES.durationSum, 'Sum of the reported job durations in seconds, by job attributes.'],
  [LABELED_METRIC_NAMES.gpuTimeSum, 'Sum of GPU-seconds (GPU count x duration) of the reported jobs, by job attributes.'],
  [LABELED_METRIC_NAMES.gpuTotal, 'GPUs used by the reported jobs, by GPU type.'],
];
const FAMILY_NAMES = new Set(FAMILIES.map(([name]) => name));

/** A stored labeled key taken apart. */
export interface LabeledMetricKey {
  name: string;
  labels: Array<[string, string]>;
}

/** The label name of `key` starting at `pos` (up to `="`), or undefined when there is none. */
function labelNameAt(key: string, pos: number, end: number): string | undefined {
  const eq = key.indexOf('="', pos);
  if (eq <= pos || eq >= end) return undefined;
  for (let i = pos; i < eq; i++) {
    const c = key.charCodeAt(i);
    // '"', ',', '{', '}' cannot be part of a label name.
    if (c === 34 || c === 44 || c === 123 || c === 125) return undefined;
  }
  return key.slice(pos, eq);
}

/**
 * Splits a stored key `name{k1="v1",k2="v2"}` (values unescaped, labels sorted by name). A value ends at the first
 * `"` followed by the end or by `,<greater label name>="`, so values may contain quotes, commas, `=` and newlines;
 * only a value containing `",<later label>="` itself cannot be told apart (the stored format is ambiguous there).
 * Returns undefined for keys of other shapes.
 */
export function parseLabeledKey(key: string): LabeledMetricKey | undefined {
  const brace = key.indexOf('{');
  if (brace < 0) return { name: key, labels: [] };
  if (key.charCodeAt(key.length - 1) !== 125) return undefined;
  const end = key.length - 1;
  const labels: Array<[string, string]> = [];
  let pos = brace + 1;
  while (pos < end) {
    const label = labelNameAt(key, pos, end);
    if (label === undefined) return undefined;
    const start = pos + label.length + 2;
    let close = key.indexOf('"', start);
    let next = -1;
    while (close >= 0 && close < end) {
      if (close === end - 1) break;
      if (key.charCodeAt(close + 1) === 44) {
        const nextLabel = labelNameAt(key, close + 2, end);
        if (nextLabel !== undefined && nextLabel > label) {
          next = close + 2;
          break;
        }
      }
      close = key.indexOf('"', close + 1);
    }
    if (close < 0 || close >= end) return undefined;
    labels.push([label, key.slice(start, close)]);
    if (next < 0) break;
    pos = next;
  }
  return { name: key.slice(0, brace), labels };
}

const NEEDS_ESCAPE = /[\\"\n]/;

/** Label value escaping of the text format: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

// Label names must match [a-zA-Z_][a-zA-Z0-9_]*; registry names outside that are mapped, not dropped.
const VALID_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
function labelName(name: string): string {
  if (VALID_LABEL_NAME.test(name)) return name;
  const s = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

interface Series {
  family: string;
  /** `name{escaped labels}` */
  text: string;
}

// Stored keys are stable from scrape to scrape: render each one once (bounded).
const seriesMemo = new Map<string, Series | null>();

function seriesOf(key: string): Series | undefined {
  const hit = seriesMemo.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const brace = key.indexOf('{');
  const family = brace < 0 ? key : key.slice(0, brace);
  let series: Series | null = null;
  const parsed = FAMILY_NAMES.has(family) ? parseLabeledKey(key) : undefined;
  if (parsed !== undefined) {
    const labels = parsed.labels.map(([k, v]) => `${labelName(k)}="${escapeLabelValue(v)}"`).join(',');
    series = { family, text: labels === '' ? family : `${family}{${labels}}` };
  }
  if (seriesMemo.size >= 10_000) seriesMemo.clear();
  seriesMemo.set(key, series);
  return series ?? undefined;
}

function sampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/**
 * The labeled metrics (`tao_job_total`, `tao_job_duration_sum`, `tao_job_gpu_time_sum`, `tao_job_gpu_total`) of a
 * metrics map as Prometheus text: `# HELP` and `# TYPE <name> counter` per family that has samples, then one line per
 * stored key in insertion order, label values escaped. Other keys (legacy, comprehensive, `last_updated`) and
 * non-numeric values are left out. Ends with a newline.
 */
export function toPrometheusText(metrics: Metrics): string {
  const byFamily = new Map<string, string[]>();
  for (const key in metrics) {
    if (!Object.hasOwn(metrics, key)) continue;
    const value = metrics[key];
    if (typeof value !== 'number') continue;
    const series = seriesOf(key);
    if (series === undefined) continue;
    let lines = byFamily.get(series.family);
    if (lines === undefined) byFamily.set(series.family, (lines = []));
    lines.push(`${series.text} ${sampleValue(value)}`);
  }
  let out = '';
  for (const [name, help] of FAMILIES) {
    const lines = byFamily.get(name);
    if (lines === undefined) continue;
    out += `# HELP ${name} ${help}\n# TYPE ${name} counter\n${lines.join('\n')}\n`;
  }
  return out;
}
