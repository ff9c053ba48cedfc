// Prometheus-style labeled counters (Python `builders/labeled.py`, current release: label names prefixed `tao_`).

import { extractGpuType, GpuTypeTally } from '../gpu-type.js';
import { compareCodePoints, pyStr, pyTruthy } from '../python-str.js';
import { METRIC_ATTRIBUTES, RegistryCache } from '../registry.js';
import { AttributeType, type BuildContext, type MetricAttribute, type Metrics, type TelemetryData } from '../types.js';
import { incrementMetric, MetricBuilder, readAttribute, timeLapsedOf } from './base.js';
import { internKey, KeyCache, type KeyNode } from './key-cache.js';

/** The four metric families. */
export const LABELED_METRIC_NAMES = Object.freeze({
  counter: 'tao_job_total',
  durationSum: 'tao_job_duration_sum',
  gpuTimeSum: 'tao_job_gpu_time_sum',
  gpuTotal: 'tao_job_gpu_total',
});

/** Every label name is `tao_` + the attribute (or derived) name. */
export const LABEL_PREFIX = 'tao_';

/** Attributes that are values or handled separately, never labels. */
const NOT_LABELS = new Set(['success', 'time_lapsed']);
const NO_GPUS: readonly unknown[] = Object.freeze([]);

type Derived = 'status' | 'primary_gpu' | 'gpu_count';
interface LabelSlot {
  readonly label: string;
  readonly attr?: MetricAttribute;
  readonly derived?: Derived;
}

/**
 * `<metric>{k1="v1",k2="v2"}` with the labels sorted by name (code point order) and values written as they are —
 * the stored key format. Quotes, backslashes and newlines in values stay unescaped here; `toPrometheusText` escapes
 * them. No labels → the bare name.
 */
export function buildMetricKey(metricName: string, labels: Iterable<readonly [string, string]>): string {
  const sorted = [...labels].sort((a, b) => compareCodePoints(a[0], b[0]));
  if (sorted.length === 0) return metricName;
  return `${metricName}{${sorted.map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

/** A BOOLEAN attribute as a label: Python `str(value).lower()` (`true`, `false`, `none` for null). */
function booleanLabel(value: unknown): string {
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (value === null) return 'none';
  return pyStr(value).toLowerCase();
}

export interface LabeledMetricsBuilderOptions {
  /** The registry (default: `METRIC_ATTRIBUTES`, read live). */
  attributes?: readonly MetricAttribute[];
}

/**
 * Per report:
 * - `tao_job_total{labels}` += 1, where the labels are every present attribute except `success`, `time_lapsed` and
 *   LIST ones (`tao_<name>`; BOOLEAN lower-cased, others via `str()`), plus `tao_status` (pass/fail),
 *   `tao_primary_gpu` and `tao_gpu_count` (`unknown` / `0` without GPUs);
 * - when `time_lapsed > 0`: `tao_job_duration_sum{labels}` += time_lapsed and `tao_job_gpu_time_sum{labels}` +=
 *   GPU count × time_lapsed;
 * - `tao_job_gpu_total{tao_gpu_type="<TYPE>"}` += the number of GPUs of each type.
 */
export class LabeledMetricsBuilder extends MetricBuilder {
  readonly metricNames = LABELED_METRIC_NAMES;
  private readonly attributes: readonly MetricAttribute[] | undefined;
  // Per registry: the label layout, the job keys built with it and a buffer for one report's label values.
  private readonly plan = new RegistryCache((attrs) => {
    const slots = labelSlots(attrs);
    return { slots, keys: new KeyCache<JobKeys>(), values: new Array<string | undefined>(slots.length).fill(undefined) };
  });
  private readonly gpuTotalKeys = new KeyCache<string>();
  private readonly tally = new GpuTypeTally();
  // The previous report's label values and keys (under which registry plan): consecutive reports often share every label.
  private lastValues: Array<string | undefined> = [];
  private lastKeys: JobKeys | undefined;
  private lastCache: KeyCache<JobKeys> | undefined;
  private readonly typeMemo = new Map<string, string>();
  private readonly typeOf = (gpu: unknown): string => {
    if (typeof gpu !== 'string') return extractGpuType(gpu);
    let t = this.typeMemo.get(gpu);
    if (t === undefined) {
      t = extractGpuType(gpu);
      if (this.typeMemo.size >= 4096) this.typeMemo.clear();
      this.typeMemo.set(gpu, t);
    }
    return t;
  };

  constructor(options: LabeledMetricsBuilderOptions = {}) {
    super();
    this.attributes = options.attributes;
  }

  build(metrics: Metrics, telemetryData: TelemetryData, _context: BuildContext): void {
    const gpus = telemetryData.gpus ?? NO_GPUS;
    const timeLapsed = timeLapsedOf(telemetryData);
    const tally = this.tally.tally(gpus, this.typeOf);
    const { slots, keys, values } = this.plan.get(this.attributes ?? METRIC_ATTRIBUTES);
    labelValues(slots, telemetryData, gpus.length, tally, values);
    const jobKeys = this.jobKeys(slots, keys, values);

    incrementMetric(metrics, jobKeys.total, 1);
    if (timeLapsed > 0) {
      incrementMetric(metrics, jobKeys.durationSum, timeLapsed);
      incrementMetric(metrics, jobKeys.gpuTimeSum, gpus.length * timeLapsed);
    }
    for (let k = 0; k < tally.size; k++) {
      const type = tally.types[k]!;
      const typeNode = this.gpuTotalKeys.root().child(type);
      const key =
        typeNode.value ?? this.gpuTotalKeys.store(typeNode, `${LABELED_METRIC_NAMES.gpuTotal}{${LABEL_PREFIX}gpu_type="${type}"}`);
      incrementMetric(metrics, key, tally.counts[k]!);
    }
  }

  /** The three job keys depend only on the label values: find them by value instead of rebuilding ~200 characters. */
  private jobKeys(slots: readonly LabelSlot[], keys: KeyCache<JobKeys>, values: Array<string | undefined>): JobKeys {
    const last = this.lastValues;
    if (this.lastKeys !== undefined && this.lastCache === keys && last.length === values.length) {
      let same = true;
      for (let i = 0; i < values.length && same; i++) same = values[i] === last[i];
      if (same) return this.lastKeys;
    }
    let node: KeyNode<JobKeys> = keys.root();
    for (let i = 0; i < values.length; i++) node = node.child(values[i]);
    const jobKeys = node.value ?? keys.store(node, jobKeysFor(slots, values));
    this.lastValues = values.slice();
    this.lastKeys = jobKeys;
    this.lastCache = keys;
    return jobKeys;
  }

  /** The job labels of a report, sorted by name (Python `_build_labels`). */
  buildLabels(telemetryData: TelemetryData): Map<string, string> {
    const gpus = telemetryData.gpus ?? NO_GPUS;
    const { slots } = this.plan.get(this.attributes ?? METRIC_ATTRIBUTES);
    const values = new Array<string | undefined>(slots.length);
    labelValues(slots, telemetryData, gpus.length, new GpuTypeTally().tally(gpus, this.typeOf), values);
    const out = new Map<string, string>();
    slots.forEach((slot, i) => {
      const v = values[i];
      if (v !== undefined) out.set(slot.label, v);
    });
    return out;
  }
}

/** One report's label values, by slot (undefined: the attribute is absent). */
function labelValues(
  slots: readonly LabelSlot[],
  data: TelemetryData,
  gpuCount: number,
  tally: GpuTypeTally,
  out: Array<string | undefined>,
): void {
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    const derived = slot.derived;
    if (derived !== undefined) {
      if (derived === 'status') out[i] = pyTruthy(data.success) ? 'pass' : 'fail';
      else if (derived === 'primary_gpu') out[i] = tally.primary();
      else out[i] = COUNTS[gpuCount] ?? String(gpuCount);
      continue;
    }
    const attr = slot.attr!;
    const value = readAttribute(data, attr.name);
    if (value === undefined) out[i] = undefined;
    else if (attr.attrType === AttributeType.BOOLEAN) out[i] = booleanLabel(value);
    else out[i] = typeof value === 'string' ? value : pyStr(value);
  }
}

// Small GPU counts as strings, made once.
const COUNTS = Array.from({ length: 65 }, (_, n) => String(n));

interface JobKeys {
  readonly total: string;
  readonly durationSum: string;
  readonly gpuTimeSum: string;
}

function jobKeysFor(slots: readonly LabelSlot[], values: ReadonlyArray<string | undefined>): JobKeys {
  let labels = '';
  for (let i = 0; i < slots.length; i++) {
    const v = values[i];
    if (v !== undefined) labels += `${labels === '' ? '' : ','}${slots[i]!.label}="${v}"`;
  }
  return {
    total: internKey(`${LABELED_METRIC_NAMES.counter}{${labels}}`),
    durationSum: internKey(`${LABELED_METRIC_NAMES.durationSum}{${labels}}`),
    gpuTimeSum: internKey(`${LABELED_METRIC_NAMES.gpuTimeSum}{${labels}}`),
  };
}

/** The label layout of a registry, sorted; derived labels replace an attribute label of the same name, as in Python. */
function labelSlots(attributes: readonly MetricAttribute[]): LabelSlot[] {
  const slots = new Map<string, LabelSlot>();
  for (const attr of attributes) {
    if (NOT_LABELS.has(attr.name) || attr.attrType === AttributeType.LIST) continue;
    const label = LABEL_PREFIX + attr.name;
    slots.set(label, { label, attr });
  }
  for (const derived of ['status', 'primary_gpu', 'gpu_count'] as const) {
    const label = LABEL_PREFIX + derived;
    slots.set(label, { label, derived });
  }
  return [...slots.values()].sort((a, b) => compareCodePoints(a.label, b.label));
}
