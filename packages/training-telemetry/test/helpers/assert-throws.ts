import assert from 'node:assert/strict';
import { OneLoggerError } from '@nv-one-logger/core';

/** Asserts that `fn` throws a OneLoggerError whose message is exactly `message`. */
export function throwsMessage(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OneLoggerError, `expected a OneLoggerError, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}
