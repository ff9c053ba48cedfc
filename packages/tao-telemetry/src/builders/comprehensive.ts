// One counter per combination of all attributes (Python `builders/comprehensive.py`):
// `network_<n>_action_<a>_version_<v>_status_<pass|fail>_gpu_<gpu identifier>`.

import { pyStr, pyTruthy } from '../python-str.js';
import { METRIC_ATTRIBUTES, RegistryCache } from '../registry.js';
import { AttributeType, type BuildContext, type MetricAttribute, type Metrics, type TelemetryData } from '../types.js';
import { createGpuIdentifier } from '../utils.js';
import { incrementMetric, MetricBuilder, readAttribute } from './base.js';
import { KeyCache, type KeyNode } from './key-cache.js';

/** `status` goes before the first included attribute with at least this order. */
const STATUS_ORDER = 4;
const UNKNOWN_GPUS: readonly string[] = Object.freeze(['unknown']);

export interface ComprehensiveMetricsBuilderOptions {
  /** The registry (default: `METRIC_ATTRIBUTES`, read live). */
  attributes?: readonly MetricAttribute[];
}

/**
 * Included attributes (`includeInComprehensive`, present in the data) sorted by `metricOrder` (stable) as
 * `<name>_<value>` pairs (BOOLEAN values lower-cased, others through Python `str()`), `status_<pass|fail>` before the
 * first attribute of order >= 4 (or after all of them), then `gpu_<createGpuIdentifier(gpus)>`.
 * Unlike Python, a value that is literally `status` (network "status") does not suppress the status component.
 */
export class ComprehensiveMetricsBuilder extends MetricBuilder {
  private readonly attributes: readonly MetricAttribute[] | undefined;
  // The included attributes, and the keys built with them (a registry change starts a new cache).
  private readonly plan = new RegistryCache((attrs) => ({
    included: attrs.filter((a) => a.includeInComprehensive).sort((a, b) => a.metricOrder - b.metricOrder),
    keys: new KeyCache<string>(),
  }));

  // This report's key parts (a reused buffer), and the previous report's parts and key.
  private readonly parts: unknown[] = [];
  private lastParts: unknown[] = [];
  private lastName: string | undefined;

  constructor(options: ComprehensiveMetricsBuilderOptions = {}) {
    super();
    this.attributes = options.attributes;
  }

  build(metrics: Metrics, telemetryData: TelemetryData, _context: BuildContext): void {
    incrementMetric(metrics, this.metricName(telemetryData), 1);
  }

  /** The key this report increments. */
  metricName(telemetryData: TelemetryData): string {
    const plan = this.plan.get(this.attributes ?? METRIC_ATTRIBUTES);
    const included = plan.included;
    const status = pyTruthy(telemetryData.success) ? 'pass' : 'fail';
    const gpus = telemetryData.gpus ?? UNKNOWN_GPUS;
    // The key is a function of these parts (status, the included values, the GPU names); memoized when all are strings.
    const parts = this.parts;
    let n = 0;
    parts[n++] = plan;
    parts[n++] = status;
    let cacheable = true;
    for (let i = 0; i < included.length; i++) {
      const value = readAttribute(telemetryData, included[i]!.name);
      if (value !== undefined && typeof value !== 'string') cacheable = false;
      parts[n++] = value;
    }
    parts[n++] = gpus.length;
    for (let i = 0; i < gpus.length; i++) {
      if (typeof gpus[i] !== 'string') cacheable = false;
      parts[n++] = gpus[i];
    }
    if (!cacheable) return buildName(included, telemetryData, status, gpus);
    const last = this.lastParts;
    if (this.lastName !== undefined && last.length === n) {
      let same = true;
      for (let i = 0; i < n && same; i++) same = parts[i] === last[i];
      if (same) return this.lastName;
    }
    let node: KeyNode<string> = plan.keys.root();
    for (let i = 1; i < n; i++) node = node.child(parts[i]);
    const name = node.value ?? plan.keys.store(node, buildName(included, telemetryData, status, gpus));
    this.lastParts = parts.slice(0, n);
    this.lastName = name;
    return name;
  }
}

function buildName(included: readonly MetricAttribute[], telemetryData: TelemetryData, status: string, gpus: readonly unknown[]): string {
  let name = '';
  let statusAdded = false;
  for (let i = 0; i < included.length; i++) {
    const attr = included[i]!;
    const value = telemetryData[attr.name];
    if (value === undefined) continue;
    if (!statusAdded && attr.metricOrder >= STATUS_ORDER) {
      name += `${name === '' ? '' : '_'}status_${status}`;
      statusAdded = true;
    }
    const text = attr.attrType === AttributeType.BOOLEAN ? pyStr(value).toLowerCase() : typeof value === 'string' ? value : pyStr(value);
    name += `${name === '' ? '' : '_'}${attr.name}_${text}`;
  }
  if (!statusAdded) name += `${name === '' ? '' : '_'}status_${status}`;
  return `${name}_gpu_${createGpuIdentifier(gpus)}`;
}
