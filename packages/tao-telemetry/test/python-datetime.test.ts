import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { formatIsoDateTime, parseIsoDateTime, sameCalendarDay } from '../src/python-datetime.js';

let savedTz: string | undefined;
beforeEach(() => {
  savedTz = process.env['TZ'];
  process.env['TZ'] = 'Europe/Berlin';
});
afterEach(() => {
  if (savedTz === undefined) delete process.env['TZ'];
  else process.env['TZ'] = savedTz;
});

describe('Python-compatible isoformat / fromisoformat', () => {
  test('formatIsoDateTime: Python isoformat, fraction only when non-zero', () => {
    const d = new Date(Date.UTC(2025, 0, 15, 11, 0, 0));
    assert.equal(formatIsoDateTime(d), '2025-01-15T11:00:00+00:00');
    assert.equal(formatIsoDateTime(d, 'naive'), '2025-01-15T12:00:00');
    assert.equal(formatIsoDateTime(d, 'naive', 'utc'), '2025-01-15T11:00:00');
    assert.equal(formatIsoDateTime(new Date(Date.UTC(2025, 0, 15, 11, 0, 0, 5))), '2025-01-15T11:00:00.005000+00:00');
    const early = new Date(Date.UTC(2025, 0, 1));
    early.setUTCFullYear(33);
    assert.equal(formatIsoDateTime(early), '0033-01-01T00:00:00+00:00');
  });

  test('parseIsoDateTime: naive values are wall-clock times of the zone; offsets and Z are honoured', () => {
    assert.equal(parseIsoDateTime('2025-01-15T12:00:00')!.toISOString(), '2025-01-15T11:00:00.000Z');
    assert.equal(parseIsoDateTime('2025-01-15T12:00:00', 'utc')!.toISOString(), '2025-01-15T12:00:00.000Z');
    assert.equal(parseIsoDateTime('2025-01-15T12:00:00+00:00')!.toISOString(), '2025-01-15T12:00:00.000Z');
    assert.equal(parseIsoDateTime('2025-01-15T12:00:00Z')!.toISOString(), '2025-01-15T12:00:00.000Z');
    assert.equal(parseIsoDateTime('2025-01-15T12:00:00-05:30')!.toISOString(), '2025-01-15T17:30:00.000Z');
    assert.equal(parseIsoDateTime('2025-01-15T12:00:00.123456+00:00')!.toISOString(), '2025-01-15T12:00:00.123Z');
    assert.equal(parseIsoDateTime('2025-01-15 12:30', 'utc')!.toISOString(), '2025-01-15T12:30:00.000Z');
    assert.equal(parseIsoDateTime('2025-01-15', 'utc')!.toISOString(), '2025-01-15T00:00:00.000Z');
    assert.equal(parseIsoDateTime('20250115T1230', 'utc')!.toISOString(), '2025-01-15T12:30:00.000Z');
    assert.equal(parseIsoDateTime('0033-02-03T00:00:00', 'utc')!.getUTCFullYear(), 33);
  });

  test('what Python rejects is undefined', () => {
    for (const bad of [
      '',
      'yesterday',
      '2025-13-01',
      '2025-02-29',
      '2025-01-15T24:00:00',
      '2025-01-15T12:60',
      '2025-01-15T12:00:00+25:00',
      '0000-01-01',
    ]) {
      assert.equal(parseIsoDateTime(bad), undefined, bad);
    }
    assert.notEqual(parseIsoDateTime('2024-02-29'), undefined);
  });

  test('the round trip of a written timestamp is exact to the millisecond', () => {
    const d = new Date(Date.UTC(2025, 6, 1, 23, 59, 59, 999));
    assert.equal(parseIsoDateTime(formatIsoDateTime(d))!.getTime(), d.getTime());
    assert.equal(parseIsoDateTime(formatIsoDateTime(d, 'naive'))!.getTime(), d.getTime());
  });

  test('sameCalendarDay compares year, month and day in the zone', () => {
    const a = new Date(Date.UTC(2025, 0, 15, 22, 30)); // 23:30 Berlin
    const b = new Date(Date.UTC(2025, 0, 15, 23, 30)); // 00:30 next day Berlin
    assert.equal(sameCalendarDay(a, b), false);
    assert.equal(sameCalendarDay(a, b, 'utc'), true);
    assert.equal(sameCalendarDay(new Date(2025, 0, 15), new Date(2025, 1, 15)), false);
    assert.equal(sameCalendarDay(new Date(2025, 0, 15), new Date(2026, 0, 15)), false);
    assert.equal(sameCalendarDay(new Date(2025, 0, 15, 1), new Date(2025, 0, 15, 23)), true);
  });
});
