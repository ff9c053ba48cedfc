// Python-compatible ISO 8601 for `last_updated` (`datetime.isoformat()` / `datetime.fromisoformat()`), and the
// calendar-day comparison of the daily counter. Naive values (no offset) are wall-clock times in a chosen zone.

/** Which wall clock naive timestamps and day boundaries use: the process's local zone (Python's) or UTC. */
export type TimeZoneMode = 'local' | 'utc';

/** How `last_updated` is written: UTC with `+00:00` (default) or Python's naive wall-clock form. */
export type LastUpdatedFormat = 'utc' | 'naive';

const ISO_RE =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d{1,6})?)?)?)?)?$/;

/**
 * Reads what Python's `datetime.fromisoformat` (3.11) reads: `YYYY-MM-DD[THH[:MM[:SS[.ffffff]]]][Z|±HH[:MM]]`, and the
 * basic forms without separators. A value without an offset is a wall-clock time in `zone`. Returns undefined when the
 * string is not such a timestamp or names an impossible date.
 */
export function parseIsoDateTime(s: string, zone: TimeZoneMode = 'local'): Date | undefined {
  const m = ISO_RE.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  // Python keeps microseconds; a JS Date keeps milliseconds (enough for day boundaries).
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const tz = m[8];
  if (tz === undefined) {
    if (zone === 'utc') return utcDate(year, month, day, hour, minute, second, ms);
    const d = new Date(year, month - 1, day, hour, minute, second, ms);
    // The Date constructor maps years 0..99 to 1900..1999.
    if (year < 100) d.setFullYear(year);
    return d;
  }
  let offsetMs = 0;
  if (tz !== 'Z') {
    const digits = tz.slice(1).replace(/:/g, '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length >= 4 ? Number(digits.slice(2, 4)) : 0;
    const os = digits.length >= 6 ? Number(digits.slice(4)) : 0;
    if (oh > 23 || om > 59 || os >= 60) return undefined;
    offsetMs = (tz[0] === '-' ? -1 : 1) * ((oh * 60 + om) * 60 + os) * 1000;
  }
  return new Date(utcDate(year, month, day, hour, minute, second, ms).getTime() - offsetMs);
}

function utcDate(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): Date {
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  if (year < 100) d.setUTCFullYear(year);
  return d;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Python `datetime.isoformat()`: `YYYY-MM-DDTHH:MM:SS`, `.ffffff` only when the fraction is non-zero (a JS Date has
 * milliseconds, so `.mmm000`). `'utc'` appends `+00:00`; `'naive'` writes the wall clock of `zone` without an offset.
 */
export function formatIsoDateTime(d: Date, format: LastUpdatedFormat = 'utc', zone: TimeZoneMode = 'local'): string {
  if (format === 'utc') {
    // toISOString is YYYY-MM-DDTHH:MM:SS.mmmZ for years 0..9999 (the only ones Python has).
    const iso = d.toISOString();
    if (iso.length === 24) {
      const ms = iso.slice(20, 23);
      return ms === '000' ? `${iso.slice(0, 19)}+00:00` : `${iso.slice(0, 19)}.${ms}000+00:00`;
    }
  }
  const utc = format === 'utc' || zone === 'utc';
  const y = utc ? d.getUTCFullYear() : d.getFullYear();
  const mo = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
  const da = utc ? d.getUTCDate() : d.getDate();
  const h = utc ? d.getUTCHours() : d.getHours();
  const mi = utc ? d.getUTCMinutes() : d.getMinutes();
  const s = utc ? d.getUTCSeconds() : d.getSeconds();
  const ms = utc ? d.getUTCMilliseconds() : d.getMilliseconds();
  let out = `${pad(y, 4)}-${pad(mo, 2)}-${pad(da, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`;
  if (ms !== 0) out += `.${pad(ms, 3)}000`;
  return format === 'utc' ? `${out}+00:00` : out;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Whether two instants fall on the same calendar date (year, month and day) of `zone`'s wall clock. */
export function sameCalendarDay(a: Date, b: Date, zone: TimeZoneMode = 'local'): boolean {
  if (zone === 'utc') {
    return a.getUTCDate() === b.getUTCDate() && a.getUTCMonth() === b.getUTCMonth() && a.getUTCFullYear() === b.getUTCFullYear();
  }
  return a.getDate() === b.getDate() && a.getMonth() === b.getMonth() && a.getFullYear() === b.getFullYear();
}

/**
 * `sameCalendarDay` for a stream of timestamps: remembers the bounds of the last day it computed, so the common case
 * (both instants in the same day as the previous call) is two comparisons instead of local-time conversions.
 */
export class CalendarDays {
  private start = Number.NaN;
  private end = Number.NaN;

  constructor(readonly zone: TimeZoneMode = 'local') {}

  same(a: Date, b: Date): boolean {
    const ta = a.getTime();
    const tb = b.getTime();
    if (!(ta >= this.start && ta < this.end)) {
      if (!(tb >= this.start && tb < this.end)) this.bounds(ta);
      else return false;
    }
    return tb >= this.start && tb < this.end;
  }

  private bounds(t: number): void {
    const start = new Date(t);
    const end = new Date(t);
    if (this.zone === 'utc') {
      start.setUTCHours(0, 0, 0, 0);
      end.setUTCHours(24, 0, 0, 0);
    } else {
      // Local midnight to the next local midnight (DST days are 23 or 25 hours long).
      start.setHours(0, 0, 0, 0);
      end.setHours(24, 0, 0, 0);
    }
    this.start = start.getTime();
    this.end = end.getTime();
  }
}
