// Backward-compatible counters (Python `builders/legacy.py`): pass/fail per action, version×action,
// network×action and GPU×action.

import { TelemetryInputError } from '../errors.js';
import { GpuTypeTally } from '../gpu-type.js';
import { pyStr, pyTruthy } from '../python-str.js';
import type { BuildContext, Metrics, TelemetryData } from '../types.js';
import { sanitizeFieldValue } from '../utils.js';
import { incrementMetric, MetricBuilder, readAttribute } from './base.js';
import { KeyCache } from './key-cache.js';

export interface LegacyMetricsBuilderOptions {
  /**
   * `'per-gpu'` (default, Python): `gpu_<gpu>_action_<action>` grows by the number of such GPUs in the job (2×A100 → +2).
   * `'per-job'`: by 1 per job that used that GPU model, as the name suggests.
   */
  gpuCounting?: 'per-gpu' | 'per-job';
}

/**
 * Keys: `total_action_<action>_pass|fail`, `version_<version>_action_<action>`, `network_<network>_action_<action>`,
 * `gpu_<sanitized gpu>_action_<action>` (lower-case). `action`, `version`, `network`, `success` and `gpus` are required,
 * as in Python (which raises KeyError); the processor always supplies them.
 */
export class LegacyMetricsBuilder extends MetricBuilder {
  readonly gpuCounting: 'per-gpu' | 'per-job';
  private readonly statusKeys = new KeyCache<string>();
  private readonly versionKeys = new KeyCache<string>();
  private readonly networkKeys = new KeyCache<string>();
  private readonly gpuKeys = new KeyCache<string>();
  // GPU keys of the current report with their counts (2×A100 → one update of +2).
  private readonly gpuTally = new GpuTypeTally();
  private currentAction = '';
  private readonly gpuKeyForAction = (gpu: unknown): string => this.gpuKey(gpu, this.currentAction);
  private lastGpu: string | undefined;
  private lastGpuAction: string | undefined;
  private lastGpuKey = '';
  // The previous report's parts and keys: consecutive reports often repeat them.
  private last: { action: string; version: string; network: string; status: string; keys: readonly [string, string, string] } | undefined;

  constructor(options: LegacyMetricsBuilderOptions = {}) {
    super();
    this.gpuCounting = options.gpuCounting ?? 'per-gpu';
  }

  build(metrics: Metrics, telemetryData: TelemetryData, _context: BuildContext): void {
    const action = required(telemetryData, 'action');
    const version = required(telemetryData, 'version');
    const network = required(telemetryData, 'network');
    if (telemetryData.success === undefined) throw new TelemetryInputError('success', undefined, 'is required by LegacyMetricsBuilder');
    const gpus = telemetryData.gpus;
    if (gpus === undefined) throw new TelemetryInputError('gpus', undefined, 'is required by LegacyMetricsBuilder');

    const status = pyTruthy(telemetryData.success) ? 'pass' : 'fail';
    const keys = this.keys(action, version, network, status);
    incrementMetric(metrics, keys[0], 1);
    incrementMetric(metrics, keys[1], 1);
    incrementMetric(metrics, keys[2], 1);
    this.currentAction = action;
    const tally = this.gpuTally.tally(gpus, this.gpuKeyForAction);
    const perJob = this.gpuCounting === 'per-job';
    for (let k = 0; k < tally.size; k++) incrementMetric(metrics, tally.types[k]!, perJob ? 1 : tally.counts[k]!);
  }

  private keys(action: string, version: string, network: string, status: string): readonly [string, string, string] {
    const last = this.last;
    if (last !== undefined && last.action === action && last.version === version && last.network === network && last.status === status) {
      return last.keys;
    }
    let node = this.statusKeys.root().child(action).child(status);
    const statusKey = node.value ?? this.statusKeys.store(node, `total_action_${action}_${status}`);
    node = this.versionKeys.root().child(version).child(action);
    const versionKey = node.value ?? this.versionKeys.store(node, `version_${version}_action_${action}`);
    node = this.networkKeys.root().child(network).child(action);
    const networkKey = node.value ?? this.networkKeys.store(node, `network_${network}_action_${action}`);
    const keys = [statusKey, versionKey, networkKey] as const;
    this.last = { action, version, network, status, keys };
    return keys;
  }

  private gpuKey(gpu: unknown, action: string): string {
    // Only strings are stable cache keys (a fresh array or object would never hit).
    if (typeof gpu !== 'string') return `gpu_${sanitizeFieldValue(gpu)}_action_${action}`;
    if (gpu === this.lastGpu && action === this.lastGpuAction) return this.lastGpuKey;
    const node = this.gpuKeys.root().child(action).child(gpu);
    const key = node.value ?? this.gpuKeys.store(node, `gpu_${sanitizeFieldValue(gpu)}_action_${action}`);
    this.lastGpu = gpu;
    this.lastGpuAction = action;
    this.lastGpuKey = key;
    return key;
  }
}

function required(data: TelemetryData, field: string): string {
  const v = readAttribute(data, field);
  if (v === undefined) throw new TelemetryInputError(field, v, 'is required by LegacyMetricsBuilder');
  return typeof v === 'string' ? v : pyStr(v);
}
