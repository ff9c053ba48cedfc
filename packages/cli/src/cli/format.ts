// Human-readable values for the terminal: durations like `850 ms`, `12.9s`, `1m 23.4s`, `2h 03m 10s`.

export const NONE = '—';

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return NONE;
  const sign = ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  // Sub-millisecond times keep three significant digits (never "0.0 ms" for a 40 µs iteration).
  if (a === 0) return '0 ms';
  if (a < 1) return `${sign}${Number((a * 1000).toPrecision(3))} µs`;
  if (a < 10) return `${sign}${Number(a.toPrecision(3))} ms`;
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 10_000) return `${sign}${(Math.round(a / 10) / 100).toFixed(2)}s`;
  const tenths = Math.round(a / 100);
  if (tenths < 600) return `${sign}${(tenths / 10).toFixed(1)}s`;
  if (tenths < 36_000) return `${sign}${Math.floor(tenths / 600)}m ${((tenths % 600) / 10).toFixed(1)}s`;
  const secs = Math.round(a / 1000);
  if (secs < 86_400) return `${sign}${Math.floor(secs / 3600)}h ${pad2(Math.floor((secs % 3600) / 60))}m ${pad2(secs % 60)}s`;
  const mins = Math.round(a / 60_000);
  return `${sign}${Math.floor(mins / 1440)}d ${pad2(Math.floor((mins % 1440) / 60))}h ${pad2(mins % 60)}m`;
}

export function formatSeconds(sec: number | undefined): string {
  return sec === undefined ? NONE : formatDuration(sec * 1000);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function formatCount(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? NONE : counts.format(n);
}

/** TFLOP/s values span many orders of magnitude (the spec's toy runs give 1e-9). */
export function formatTflops(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return NONE;
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return v.toFixed(1);
  if (a >= 0.01) return v.toFixed(2);
  return v.toPrecision(3);
}

export function formatPercent(share: number | undefined): string {
  return share === undefined || !Number.isFinite(share) ? NONE : `${(share * 100).toFixed(1)}%`;
}

/** UTC, millisecond precision: `2023-11-14 22:13:20.000 UTC`. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return NONE;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  return `${d.toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : pluralWord}`;
}

/** Ranks as compact ranges: `0-3, 5`. */
export function formatRanks(ranks: readonly number[]): string {
  if (ranks.length === 0) return NONE;
  const parts: string[] = [];
  let from = ranks[0] as number;
  let prev = from;
  for (const r of [...ranks.slice(1), Number.NaN]) {
    if (r === prev + 1) {
      prev = r;
      continue;
    }
    parts.push(from === prev ? String(from) : `${from}-${prev}`);
    from = prev = r;
  }
  return parts.join(', ');
}
