import assert from 'node:assert/strict';

/** deepStrictEqual plus the same key order at every level (JSON text equality). */
export function assertExact(actual: unknown, expected: unknown, message?: string): void {
  assert.deepStrictEqual(actual, expected, message);
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), `${message ?? 'value'}: key order`);
}
