import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { OneLoggerError } from '../src/core/errors.js';
import { perfNowMs, setClock, Timer, TracingTimestamp, wallMsOf } from '../src/core/time.js';

/** A clock whose wall and perf values (in seconds) the test sets. */
function manualClock(wallSec: number, perfSec: number) {
  const state = { wallSec, perfSec, wallReads: 0, perfReads: 0 };
  setClock({
    wallMs: () => {
      state.wallReads++;
      return state.wallSec * 1000;
    },
    perfMs: () => {
      state.perfReads++;
      return state.perfSec * 1000;
    },
  });
  return state;
}

afterEach(() => setClock(undefined));

describe('TracingTimestamp', () => {
  test('now() takes seconds from the wall clock and the counter from the perf clock, one read each (#79)', () => {
    const clock = manualClock(1_700_000_000.5, 1234.25);
    const ts = TracingTimestamp.now();
    assert.equal(ts.secondsSinceEpoch, 1_700_000_000.5);
    assert.equal(ts.perfCounterSeconds, 1234.25);
    assert.equal(ts.wallMs, 1_700_000_000_500);
    assert.equal(ts.perfMs, 1_234_250);
    assert.equal(clock.wallReads, 1);
    assert.equal(clock.perfReads, 1);
  });

  test('now() without an injected clock is close to Date.now()', () => {
    const ts = TracingTimestamp.now();
    assert.ok(Math.abs(ts.wallMs - Date.now()) < 1000, `wall ${ts.wallMs} vs ${Date.now()}`);
    assert.ok(ts.perfMs >= 0);
  });

  test('forTimestamp keeps an explicit perf counter (#80)', () => {
    manualClock(1_700_000_000, 900);
    const ts = TracingTimestamp.forTimestamp(1_700_000_000 - 10, { perfCounterSeconds: 800.1 });
    assert.equal(ts.secondsSinceEpoch, 1_699_999_990);
    assert.equal(ts.perfCounterSeconds, 800.1);
  });

  test('forTimestamp estimates the perf counter from the clocks; a later now() differs by the same amount (#81)', () => {
    const clock = manualClock(200, 800);
    const ts = TracingTimestamp.forTimestamp(100);
    assert.equal(ts.secondsSinceEpoch, 100);
    assert.equal(ts.perfCounterSeconds, 700);
    clock.wallSec = 700;
    clock.perfSec = 1300;
    const later = TracingTimestamp.now();
    assert.equal(later.secondsSinceEpoch - ts.secondsSinceEpoch, 600);
    assert.equal(later.perfCounterSeconds - ts.perfCounterSeconds, 600);
  });

  test('fromJSON and toJSON round-trip (#82)', () => {
    const data = { seconds_since_epoch: 123.456, perf_counter_seconds: 789.012 };
    const ts = TracingTimestamp.fromJSON(data);
    assert.equal(ts.secondsSinceEpoch, 123.456);
    assert.equal(ts.perfCounterSeconds, 789.012);
    assert.deepEqual(ts.toJSON(), data);
    assert.deepEqual(Object.keys(ts.toJSON()), ['seconds_since_epoch', 'perf_counter_seconds']);
  });

  test('fromJSON rejects missing data and missing fields', () => {
    assert.throws(() => TracingTimestamp.fromJSON(null), { name: 'OneLoggerError', message: 'TracingTimestamp data cannot be None.' });
    assert.throws(() => TracingTimestamp.fromJSON({ seconds_since_epoch: 1 }), {
      name: 'OneLoggerError',
      message: 'TracingTimestamp must have seconds_since_epoch and perf_counter_seconds: {"seconds_since_epoch":1}',
    });
  });

  test('forTimestamp rejects times more than 600 s away unless validation is off (#83)', () => {
    manualClock(1_700_000_000, 50);
    assert.throws(() => TracingTimestamp.forTimestamp(1234), {
      name: 'OneLoggerError',
      message: 'timestamp is too old. This is meant to be the time in seconds since epoch.',
    });
    assert.equal(TracingTimestamp.forTimestamp(1234, { validate: false }).secondsSinceEpoch, 1234);
    assert.throws(() => TracingTimestamp.forTimestamp(1_700_000_000 + 3000), {
      name: 'OneLoggerError',
      message: 'timestamp is in the future. This is meant to be the time in seconds since epoch.',
    });
    assert.equal(TracingTimestamp.forTimestamp(1_700_000_000 + 3000, { validate: false }).secondsSinceEpoch, 1_700_003_000);
    // The window is inclusive: exactly 600 s either side is accepted.
    assert.equal(TracingTimestamp.forTimestamp(1_700_000_600).secondsSinceEpoch, 1_700_000_600);
    assert.equal(TracingTimestamp.forTimestamp(1_699_999_400).secondsSinceEpoch, 1_699_999_400);
  });

  // x*1000/1000 !== x for about 2% of doubles: the seconds are kept as given, so a JSON round trip is exact.
  test('a JSON round trip reproduces the timestamp exactly (fromJSON(toJSON(ts)).equals(ts))', () => {
    const ts = TracingTimestamp.ofMillis(1_700_000_000_000, 268_175_156.024_642_38);
    const back = TracingTimestamp.fromJSON(JSON.parse(JSON.stringify(ts)));
    assert.equal(back.perfCounterSeconds, ts.perfCounterSeconds);
    assert.equal(back.secondsSinceEpoch, ts.secondsSinceEpoch);
    assert.equal(back.equals(ts), true);
  });

  test('of(seconds) reports back the seconds it was given', () => {
    const ts = TracingTimestamp.of(619_436_463.426_485_7, 1);
    assert.equal(ts.secondsSinceEpoch, 619_436_463.426_485_7);
  });

  test('millisecondsSinceEpoch truncates toward zero', () => {
    assert.equal(TracingTimestamp.of(1.9999, 1).millisecondsSinceEpoch, 1999);
    assert.equal(TracingTimestamp.of(-1.5, 1).millisecondsSinceEpoch, -1500);
    assert.equal(TracingTimestamp.of(22000, 400).millisecondsSinceEpoch, 22_000_000);
  });

  test('equals compares both clocks and rejects other types', () => {
    const a = TracingTimestamp.of(10, 20);
    assert.equal(a.equals(TracingTimestamp.of(10, 20)), true);
    assert.equal(a.equals(TracingTimestamp.of(10, 21)), false);
    assert.equal(a.equals(TracingTimestamp.of(11, 20)), false);
    assert.equal(a.equals({ wallMs: 10_000, perfMs: 20_000 }), false);
  });

  test('B6: a perf counter of 0 is a value, not "missing" (forTimestamp and fromJSON)', () => {
    // The reference replaced perf 0.0 by an estimate and rejected 0 in from_json.
    manualClock(1_700_000_000, 500);
    const ts = TracingTimestamp.forTimestamp(1_700_000_000 - 5, { perfCounterSeconds: 0 });
    assert.equal(ts.perfCounterSeconds, 0);
    const parsed = TracingTimestamp.fromJSON({ seconds_since_epoch: 0, perf_counter_seconds: 0 });
    assert.equal(parsed.secondsSinceEpoch, 0);
    assert.equal(parsed.perfCounterSeconds, 0);
  });
});

describe('wallMsOf', () => {
  test('with the real clock: performance.timeOrigin plus the reading, as TracingTimestamp.now() combines them', () => {
    const perf = perfNowMs();
    assert.equal(wallMsOf(perf), performance.timeOrigin + perf);
    const before = Date.now();
    const wall = wallMsOf(perfNowMs());
    assert.ok(Math.abs(wall - before) < 60_000, `${wall} is within a minute of Date.now() ${before}`);
  });

  test("with an injected clock: that clock's own wall reading", () => {
    setClock({ wallMs: () => 1_700_000_000_123, perfMs: () => 42 });
    assert.equal(wallMsOf(perfNowMs()), 1_700_000_000_123);
    assert.equal(perfNowMs(), 42);
  });
});

describe('Timer', () => {
  test('start() makes it running (#84)', () => {
    manualClock(1000, 100);
    const timer = new Timer();
    assert.equal(timer.running, false);
    timer.start();
    assert.equal(timer.running, true);
  });

  test('start at perf 100, stop at 150 returns 50 and stops (#85)', () => {
    const clock = manualClock(1000, 100);
    const timer = new Timer();
    timer.start();
    clock.perfSec = 150;
    assert.equal(timer.stop(), 50);
    assert.equal(timer.running, false);
  });

  test('stop with reset returns the elapsed time and the next cycle starts from 0 (#86)', () => {
    const clock = manualClock(1000, 100);
    const timer = new Timer();
    timer.start();
    clock.perfSec = 150;
    assert.equal(timer.stop({ reset: true }), 50);
    clock.perfSec = 200;
    timer.start();
    clock.perfSec = 270;
    assert.equal(timer.stop(), 70);
  });

  test('without reset, cycles accumulate (#87)', () => {
    const clock = manualClock(1000, 100);
    const timer = new Timer();
    timer.start();
    clock.perfSec = 150;
    assert.equal(timer.stop(), 50);
    clock.perfSec = 200;
    timer.start();
    clock.perfSec = 270;
    assert.equal(timer.stop(), 120);
  });

  test('reset() clears running, elapsed time and start time (#88)', () => {
    const clock = manualClock(1000, 100);
    const timer = new Timer();
    timer.start();
    clock.perfSec = 150;
    timer.stop();
    timer.start();
    timer.reset();
    assert.equal(timer.running, false);
    assert.equal(timer.elapsedSeconds, 0);
    assert.equal(timer.startedAt, undefined);
  });

  test('reset(true) after a completed cycle starts a fresh measurement (#89)', () => {
    const clock = manualClock(1000, 100);
    const timer = new Timer();
    timer.start();
    clock.perfSec = 150;
    timer.stop();
    clock.perfSec = 300;
    timer.reset(true);
    assert.equal(timer.running, true);
    assert.equal(timer.startedAt?.perfCounterSeconds, 300);
    clock.perfSec = 330;
    assert.equal(timer.stop(), 30);
  });

  test('start twice and stop when idle are rejected with the reference messages', () => {
    manualClock(1000, 100);
    const timer = new Timer();
    assert.throws(
      () => timer.stop(),
      (err: unknown) => err instanceof OneLoggerError && err.message === 'stop called when the timer was not running',
    );
    timer.start();
    assert.throws(() => timer.start(), { name: 'OneLoggerError', message: 'start called when the timer was already running' });
  });
});
