// GPU model extraction and primary-GPU choice of the labeled metrics (Python `builders/labeled.py`). The rules are
// reproduced as they are, quirks included, because their results are label values of stored series.

import { compareCodePoints, pyHasAlpha, pyHasDigit, pyStr } from './python-str.js';

/**
 * Newest to oldest by compute capability; the first one present in a job is its primary GPU. Some entries can never
 * match (`GTX1080`: "GeForce GTX 1080" extracts as `GTX`; `QUADRO8000`: "Quadro RTX 8000" extracts as `RTX8000`).
 */
// biome-ignore format: one generation per line
export const GPU_PRIORITY: readonly string[] = Object.freeze([
  // CC 12.0 Blackwell consumer / RTX PRO Blackwell
  'RTX5090', 'RTX5080', 'RTX5070', 'RTX5060', 'RTX5050',
  'RTX6000', 'RTX5000', 'RTX4500', 'RTX4000', 'RTX2000',
  // CC 11.0 Jetson Thor
  'T5000', 'T4000',
  // CC 10.3 / 10.0 Grace Blackwell
  'GB300', 'B300',
  'GB200', 'B200',
  // CC 9.0 Grace Hopper / Hopper
  'GH200', 'H200', 'H100',
  // CC 8.9 Ada
  'L40S', 'L40', 'L4',
  'RTX4090', 'RTX4080', 'RTX4070', 'RTX4060', 'RTX4050',
  'RTXA6000', 'RTXA5000', 'RTXA4500', 'RTXA4000', 'RTXA2000',
  // CC 8.7 Jetson Orin
  'ORIN',
  // CC 8.6 Ampere consumer / workstation
  'A40', 'A16', 'A10', 'A2',
  'RTX3090', 'RTX3080', 'RTX3070', 'RTX3060', 'RTX3050',
  // CC 8.0 Ampere data center
  'A100', 'A30',
  // CC 7.5 Turing
  'T4', 'T2000', 'T1200', 'T1000', 'T600', 'T500', 'T400',
  'RTX2080', 'RTX2070', 'RTX2060',
  'QUADRO8000', 'QUADRO6000', 'QUADRO5000', 'QUADRO4000',
  // CC 7.0 Volta
  'V100', 'TITAN',
  // CC 6.x Pascal
  'P100', 'P40', 'P6', 'P4',
  'GTX1080', 'GTX1070', 'GTX1060', 'GTX1050',
  // Older
  'K80', 'K40', 'K20', 'M60', 'M40',
]);

const PRIORITY_RANK = new Map(GPU_PRIORITY.map((name, i) => [name, i]));
const GRACE = ['GB300', 'GB200', 'GB100', 'GH200', 'GH100'];
const BLACKWELL_HOPPER = ['B300', 'B200', 'B100', 'H200', 'H100'];
const SKIP_FOR_MODEL = new Set(['NVIDIA', 'GEFORCE', 'QUADRO', 'TESLA', 'JETSON', 'TITAN']);
const SKIP_FOR_FALLBACK = new Set(['NVIDIA', 'GEFORCE', 'QUADRO', 'TESLA']);

/**
 * The model of a GPU name: `'NVIDIA A100 40GB'` → `A100`, `'GeForce RTX 4090'` → `RTX4090`, `'NVIDIA RTX A6000'` →
 * `RTXA6000`, `'Jetson AGX Orin'` → `ORIN`, `'NVIDIA L40S'` → `L40S`. Python `str(name).upper()` (full Unicode case
 * mapping: `ß` → `SS`), spaces and `-` → `_`, then the first rule that matches; digits and letters are Unicode ones
 * (`str.isdigit()` counts `²`).
 */
export function extractGpuType(gpuName: unknown): string {
  const upper = pyStr(gpuName).toUpperCase().replaceAll(' ', '_').replaceAll('-', '_');
  if (upper.includes('SPARK')) return 'SPARK';
  for (const model of GRACE) if (upper.includes(model)) return model;
  for (const model of BLACKWELL_HOPPER) if (upper.includes(model)) return model;
  if (upper.includes('RTX')) {
    const parts = upper.split('_');
    for (let i = 0; i + 1 < parts.length; i++) {
      if (parts[i] === 'RTX') return `RTX${parts[i + 1]!.replaceAll('TI', '').replaceAll('ADA', '')}`;
    }
  }
  if (upper.includes('JETSON') || upper.includes('THOR') || upper.includes('ORIN')) {
    for (const part of upper.split('_')) if (part.startsWith('T') && pyHasDigit(part)) return part;
    if (upper.includes('THOR')) return 'THOR';
    if (upper.includes('ORIN')) return 'ORIN';
  }
  if (upper.includes('L40S')) return 'L40S';
  if (upper.includes('L40')) return 'L40';
  if (upper.includes('L4')) return 'L4';
  const parts = upper.split('_');
  for (const part of parts) {
    if (SKIP_FOR_MODEL.has(part)) continue;
    if (pyHasDigit(part) && pyHasAlpha(part)) return part;
  }
  for (const part of parts) if (part !== '' && !SKIP_FOR_FALLBACK.has(part)) return part;
  return upper.replaceAll('NVIDIA_', '').replaceAll('GEFORCE_', '');
}

/**
 * The distinct GPU types of one job with their counts, in first-seen order. Reused from report to report (the
 * builders' hot path allocates nothing here); a linear scan for the usual few types, a Map beyond that.
 */
export class GpuTypeTally {
  readonly types: string[] = [];
  readonly counts: number[] = [];
  size = 0;
  private index: Map<string, number> | undefined;

  tally(gpus: readonly unknown[], typeOf: (gpu: unknown) => string = extractGpuType): this {
    this.size = 0;
    this.index = undefined;
    const types = this.types;
    const counts = this.counts;
    for (let i = 0; i < gpus.length; i++) {
      const t = typeOf(gpus[i]);
      let j = -1;
      if (this.index !== undefined) j = this.index.get(t) ?? -1;
      else {
        for (let k = 0; k < this.size; k++) {
          if (types[k] === t) {
            j = k;
            break;
          }
        }
      }
      if (j >= 0) {
        counts[j]!++;
        continue;
      }
      types[this.size] = t;
      counts[this.size] = 1;
      if (this.index !== undefined) this.index.set(t, this.size);
      else if (this.size === 8) this.index = new Map(types.slice(0, 9).map((name, k) => [name, k]));
      this.size++;
    }
    return this;
  }

  /**
   * The job's primary GPU: the highest-priority type present; otherwise the most frequent type, ties going to the
   * greatest name (Python `max` over `(count, name)` — not the first seen, whatever the Python comment says).
   * `unknown` for no GPUs.
   */
  primary(): string {
    if (this.size === 0) return 'unknown';
    let best = -1;
    let bestRank = Number.POSITIVE_INFINITY;
    for (let k = 0; k < this.size; k++) {
      const rank = PRIORITY_RANK.get(this.types[k]!);
      if (rank !== undefined && rank < bestRank) {
        best = k;
        bestRank = rank;
      }
    }
    if (best >= 0) return this.types[best]!;
    best = 0;
    for (let k = 1; k < this.size; k++) {
      const n = this.counts[k]!;
      const m = this.counts[best]!;
      if (n > m || (n === m && compareCodePoints(this.types[k]!, this.types[best]!) > 0)) best = k;
    }
    return this.types[best]!;
  }
}

/** GPU type → how many of the job's GPUs have it, in first-seen order. */
export function countGpuTypes(gpus: readonly unknown[], typeOf: (gpu: unknown) => string = extractGpuType): Map<string, number> {
  const tally = new GpuTypeTally().tally(gpus, typeOf);
  const counts = new Map<string, number>();
  for (let k = 0; k < tally.size; k++) counts.set(tally.types[k]!, tally.counts[k]!);
  return counts;
}

/** The primary GPU of a job's GPU names (see `GpuTypeTally.primary`). */
export function extractPrimaryGpu(gpus: readonly unknown[]): string {
  return new GpuTypeTally().tally(gpus).primary();
}
