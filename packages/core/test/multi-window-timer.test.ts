import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { OneLoggerError } from '../src/core/errors.js';
import { setClock, TracingTimestamp } from '../src/core/time.js';
import { MultiWindowTimer } from '../src/internal/multi-window-timer.js';

function fixedClock(wallSec: number, perfSec: number): void {
  setClock({ wallMs: () => wallSec * 1000, perfMs: () => perfSec * 1000 });
}

function stateOf(t: MultiWindowTimer) {
  return {
    isActive: t.isActive,
    currentWindowStart: t.currentWindowStart,
    firstWindowStart: t.firstWindowStart,
    latestWindowEnd: t.latestWindowEnd,
    latestWindowDurationSec: t.latestWindowDurationSec,
    totalWindowCount: t.totalWindowCount,
    completedWindowCount: t.completedWindowCount,
    totalTimeSec: t.totalTimeSec,
    minWindowDurationSec: t.minWindowDurationSec,
    maxWindowDurationSec: t.maxWindowDurationSec,
    avgWindowDurationSec: t.avgWindowDurationSec,
  };
}

const INITIAL = {
  isActive: false,
  currentWindowStart: undefined,
  firstWindowStart: undefined,
  latestWindowEnd: undefined,
  latestWindowDurationSec: 0,
  totalWindowCount: 0,
  completedWindowCount: 0,
  totalTimeSec: 0,
  minWindowDurationSec: Number.POSITIVE_INFINITY,
  maxWindowDurationSec: 0,
  avgWindowDurationSec: 0,
};

afterEach(() => setClock(undefined));

describe('MultiWindowTimer', () => {
  test('initial state (#104)', () => {
    assert.deepEqual(stateOf(new MultiWindowTimer()), INITIAL);
  });

  test('start() at now: current and first window start set, count 1 (#105)', () => {
    fixedClock(1000, 10);
    const timer = new MultiWindowTimer();
    timer.start();
    assert.equal(timer.isActive, true);
    assert.equal(timer.currentWindowStart?.secondsSinceEpoch, 1000);
    assert.equal(timer.currentWindowStart?.perfCounterSeconds, 10);
    assert.equal(timer.totalWindowCount, 1);
    assert.equal(timer.firstWindowStart, timer.currentWindowStart);
    assert.equal(timer.latestWindowEnd, undefined);
  });

  test('explicit timestamps 5555/40 -> 5585/70 give one 30 s window (#106)', () => {
    const timer = new MultiWindowTimer();
    timer.start(TracingTimestamp.of(5555, 40));
    timer.stop(TracingTimestamp.of(5585, 70));
    assert.equal(timer.isActive, false);
    assert.equal(timer.totalWindowCount, 1);
    assert.equal(timer.totalTimeSec, 30);
    assert.equal(timer.minWindowDurationSec, 30);
    assert.equal(timer.maxWindowDurationSec, 30);
    assert.equal(timer.avgWindowDurationSec, 30);
    assert.equal(timer.latestWindowDurationSec, 30);
  });

  test('a stop before the start is rejected and closes the window (#107)', () => {
    const timer = new MultiWindowTimer();
    timer.start(TracingTimestamp.of(16000, 60));
    assert.throws(
      () => timer.stop(TracingTimestamp.of(15000, 50)),
      (err: unknown) => {
        assert.ok(err instanceof OneLoggerError);
        assert.ok(err.message.startsWith('Cannot stop timer with a stop time that is before the start time.'), err.message);
        assert.match(err.message, /start: 60 s, stop: 50 s \(monotonic clock\)$/);
        return true;
      },
    );
    assert.equal(timer.isActive, false);
    assert.equal(timer.latestWindowEnd, undefined);
    assert.equal(timer.totalTimeSec, 0);
  });

  test('starting twice is rejected (#108)', () => {
    const timer = new MultiWindowTimer();
    timer.start(TracingTimestamp.of(1000, 10));
    assert.throws(() => timer.start(TracingTimestamp.of(1001, 11)), {
      name: 'OneLoggerError',
      message: 'Cannot start timer since it is already active',
    });
    assert.equal(timer.currentWindowStart?.perfCounterSeconds, 10);
    assert.equal(timer.totalWindowCount, 1);
  });

  test('start 1000/10, stop 1005/15 at now(): 5 s everywhere; first start and latest end recorded (#109)', () => {
    const timer = new MultiWindowTimer();
    fixedClock(1000, 10);
    timer.start();
    fixedClock(1005, 15);
    timer.stop();
    assert.deepEqual(stateOf(timer), {
      isActive: false,
      currentWindowStart: undefined,
      firstWindowStart: TracingTimestamp.of(1000, 10),
      latestWindowEnd: TracingTimestamp.of(1005, 15),
      latestWindowDurationSec: 5,
      totalWindowCount: 1,
      completedWindowCount: 1,
      totalTimeSec: 5,
      minWindowDurationSec: 5,
      maxWindowDurationSec: 5,
      avgWindowDurationSec: 5,
    });
  });

  test('stop without start is rejected (#110)', () => {
    const timer = new MultiWindowTimer();
    assert.throws(() => timer.stop(TracingTimestamp.of(1000, 10)), {
      name: 'OneLoggerError',
      message: 'Cannot stop timer since it is not active',
    });
    assert.deepEqual(stateOf(timer), INITIAL);
  });

  test('three windows (2 s, 3 s, 0.5 s) with wall-clock gaps; reset() restores the initial state (#111)', () => {
    const timer = new MultiWindowTimer();
    timer.start(TracingTimestamp.of(1000, 10));
    timer.stop(TracingTimestamp.of(1002, 12));
    timer.start(TracingTimestamp.of(5000, 20));
    timer.stop(TracingTimestamp.of(5003, 23));
    timer.start(TracingTimestamp.of(90000, 100));
    timer.stop(TracingTimestamp.of(90000.5, 100.5));
    assert.equal(timer.totalWindowCount, 3);
    assert.equal(timer.totalTimeSec, 5.5);
    assert.equal(timer.minWindowDurationSec, 0.5);
    assert.equal(timer.maxWindowDurationSec, 3);
    assert.equal(timer.avgWindowDurationSec, 5.5 / 3);
    assert.equal(timer.latestWindowDurationSec, 0.5);
    assert.equal(timer.firstWindowStart?.secondsSinceEpoch, 1000);
    assert.equal(timer.latestWindowEnd?.secondsSinceEpoch, 90000.5);
    timer.reset();
    assert.deepEqual(stateOf(timer), INITIAL);
  });

  test('a timer equals itself (#112)', () => {
    const timer = new MultiWindowTimer();
    timer.start(TracingTimestamp.of(1000, 10));
    assert.equal(timer.equals(timer), true);
  });

  test('a timer is unequal to other types (#113)', () => {
    const timer = new MultiWindowTimer();
    assert.equal(timer.equals('timer'), false);
    assert.equal(timer.equals(42), false);
    assert.equal(timer.equals(null), false);
    assert.equal(timer.equals(undefined), false);
  });

  test('two fresh timers are equal (#114)', () => {
    assert.equal(new MultiWindowTimer().equals(new MultiWindowTimer()), true);
  });

  test('timers started at the same time are equal, also after stopping at the same time (#115, #116)', () => {
    fixedClock(1000, 10);
    const a = new MultiWindowTimer();
    const b = new MultiWindowTimer();
    a.start();
    b.start();
    assert.equal(a.equals(b), true);
    fixedClock(1004, 14);
    a.stop();
    b.stop();
    assert.equal(a.equals(b), true);
    assert.equal(b.equals(a), true);
  });

  test('timers started at different times are unequal (#117)', () => {
    const a = new MultiWindowTimer();
    const b = new MultiWindowTimer();
    a.start(TracingTimestamp.of(1000, 10));
    b.start(TracingTimestamp.of(1000, 11));
    assert.equal(a.equals(b), false);
  });

  test('different histories are unequal; equal again after both reset() (#118)', () => {
    const a = new MultiWindowTimer();
    const b = new MultiWindowTimer();
    a.start(TracingTimestamp.of(1000, 10));
    a.stop(TracingTimestamp.of(1001, 11));
    b.start(TracingTimestamp.of(1000, 10));
    b.stop(TracingTimestamp.of(1002, 12));
    assert.equal(a.equals(b), false);
    a.reset();
    b.reset();
    assert.equal(a.equals(b), true);
  });

  test('U10: a rejected stop does not bias the average; totalWindowCount still counts the window', () => {
    const timer = new MultiWindowTimer();
    timer.start(TracingTimestamp.of(1000, 10));
    timer.stop(TracingTimestamp.of(1002, 12));
    timer.start(TracingTimestamp.of(1010, 20));
    assert.throws(() => timer.stop(TracingTimestamp.of(1009, 19)), OneLoggerError);
    timer.start(TracingTimestamp.of(1020, 30));
    timer.stop(TracingTimestamp.of(1024, 34));
    assert.equal(timer.totalWindowCount, 3);
    assert.equal(timer.completedWindowCount, 2);
    assert.equal(timer.totalTimeSec, 6);
    // The reference divides by 3 here (2 s).
    assert.equal(timer.avgWindowDurationSec, 3);
  });

  test('U10: the active window counts in totalWindowCount but not in the average', () => {
    const timer = new MultiWindowTimer();
    timer.start(TracingTimestamp.of(1000, 10));
    timer.stop(TracingTimestamp.of(1004, 14));
    timer.start(TracingTimestamp.of(1010, 20));
    assert.equal(timer.totalWindowCount, 2);
    assert.equal(timer.completedWindowCount, 1);
    assert.equal(timer.avgWindowDurationSec, 4);
  });

  test('U10: a wall-clock step back (NTP) does not reject a stop; the duration comes from the monotonic clock', () => {
    const timer = new MultiWindowTimer();
    timer.start(TracingTimestamp.of(16000, 60));
    timer.stop(TracingTimestamp.of(15000, 62.5));
    assert.equal(timer.latestWindowDurationSec, 2.5);
    assert.equal(timer.totalTimeSec, 2.5);
    assert.equal(timer.latestWindowEnd?.secondsSinceEpoch, 15000);
  });

  test('U10: minWindowDurationSec is +Infinity until the first window completes', () => {
    const timer = new MultiWindowTimer();
    timer.start(TracingTimestamp.of(1000, 10));
    assert.equal(timer.minWindowDurationSec, Number.POSITIVE_INFINITY);
    assert.equal(timer.completedWindowCount, 0);
    timer.stop(TracingTimestamp.of(1000, 10));
    assert.equal(timer.minWindowDurationSec, 0);
    assert.equal(timer.completedWindowCount, 1);
  });
  test('start()/stop() at now (kept as numbers, no timestamp objects) keep the same state as with the same times given', () => {
    const now = { wall: 0, perf: 0 };
    setClock({ wallMs: () => now.wall, perfMs: () => now.perf });
    const byStamp = new MultiWindowTimer();
    const byNow = new MultiWindowTimer();
    const windows: Array<[number, number, number, number]> = [
      [5_555_000, 40_000, 5_585_000, 70_000],
      [5_600_000, 85_000, 5_600_500, 85_500],
      [5_700_000, 185_000, 5_702_250, 187_250],
    ];
    for (const [startWall, startPerf, stopWall, stopPerf] of windows) {
      byStamp.start(TracingTimestamp.ofMillis(startWall, startPerf));
      now.wall = startWall;
      now.perf = startPerf;
      byNow.start();
      assert.ok(byNow.equals(byStamp));
      byStamp.stop(TracingTimestamp.ofMillis(stopWall, stopPerf));
      now.wall = stopWall;
      now.perf = stopPerf;
      byNow.stop();
      assert.ok(byNow.equals(byStamp));
      assert.equal(byNow.latestWindowEndWallMs, stopWall);
    }
    assert.deepEqual(stateOf(byNow), stateOf(byStamp));
    assert.equal(byNow.totalTimeSec, 32.75);
    assert.equal(byNow.minWindowDurationSec, 0.5);
    assert.equal(byNow.maxWindowDurationSec, 30);
    assert.equal(byNow.firstWindowStart?.perfCounterSeconds, 40);
    assert.equal(byNow.latestWindowEnd?.secondsSinceEpoch, 5702.25);
  });

  test('the first window start is one timestamp, whichever getter makes it first, and stays the same object', () => {
    const now = { wall: 1_000_000, perf: 10_000 };
    setClock({ wallMs: () => now.wall, perfMs: () => now.perf });
    const timer = new MultiWindowTimer();
    timer.start();
    const first = timer.firstWindowStart;
    assert.equal(timer.currentWindowStart, first);
    now.perf = 11_000;
    timer.stop();
    assert.equal(timer.firstWindowStart, first);
    assert.equal(timer.latestWindowEnd, timer.latestWindowEnd);
    now.perf = 12_000;
    timer.start();
    assert.notEqual(timer.currentWindowStart, first);
    assert.equal(timer.currentWindowStart?.perfMs, 12_000);
    assert.equal(timer.firstWindowStart, first);
  });

  test('a stop at now before the start is rejected, leaves the timer idle and completes no window', () => {
    const now = { wall: 1_000_000, perf: 10_000 };
    setClock({ wallMs: () => now.wall, perfMs: () => now.perf });
    const timer = new MultiWindowTimer();
    timer.start();
    now.perf = 9_500;
    assert.throws(
      () => timer.stop(),
      (e: unknown) =>
        e instanceof OneLoggerError &&
        e.message === 'Cannot stop timer with a stop time that is before the start time. start: 10 s, stop: 9.5 s (monotonic clock)',
    );
    assert.equal(timer.isActive, false);
    assert.equal(timer.completedWindowCount, 0);
    assert.equal(timer.latestWindowEnd, undefined);
    assert.equal(timer.latestWindowEndWallMs, undefined);
    assert.throws(() => timer.stop(), /Cannot stop timer since it is not active/);
    timer.start();
    assert.throws(() => timer.start(), /Cannot start timer since it is already active/);
  });
});
