// Value formatting for tables and chart titles. Fixed locale and UTC so a report is the same on every machine.

export const MISSING = '—';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

export function fmtInt(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? MISSING : integer.format(n);
}

/** 4 significant digits; tiny and huge values (e.g. TFLOP/s of toy models) in exponent notation. */
export function fmtNum(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return MISSING;
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e9)) return n.toExponential(3).replace(/\.?0+e/, 'e');
  return decimal.format(n);
}

export function fmtPercent(share: number | undefined): string {
  return share === undefined || !Number.isFinite(share) ? MISSING : (share * 100).toFixed(1) + '%';
}

/** `850 ms`, `12.9 s`, `3 min 05 s`, `2 h 03 min`. */
export function fmtDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return MISSING;
  const sign = ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  // Sub-millisecond times in microseconds, 4 significant digits (never "0.0 ms" or an exponent).
  if (a > 0 && a < 1) return sign + fmtNum(a * 1000) + ' µs';
  if (a < 1000) return sign + fmtNum(a) + ' ms';
  if (a < 60_000) return sign + (a / 1000).toFixed(a < 10_000 ? 2 : 1) + ' s';
  const totalSec = Math.round(a / 1000);
  if (totalSec < 3600) return sign + Math.floor(totalSec / 60) + ' min ' + pad2(totalSec % 60) + ' s';
  const totalMin = Math.round(a / 60_000);
  if (totalMin < 48 * 60) return sign + Math.floor(totalMin / 60) + ' h ' + pad2(totalMin % 60) + ' min';
  return sign + Math.floor(totalMin / 1440) + ' d ' + pad2(Math.floor(totalMin / 60) % 24) + ' h';
}

export function fmtSeconds(sec: number | undefined): string {
  return sec === undefined ? MISSING : fmtDuration(sec * 1000);
}

/** `2024-05-01 12:00:00.250 UTC` (milliseconds only when present). */
export function fmtTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return MISSING;
  const iso = new Date(ms).toISOString();
  const base = iso.slice(0, 10) + ' ' + iso.slice(11, 19);
  const frac = iso.slice(19, 23);
  return base + (frac === '.000' ? '' : frac) + ' UTC';
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}
