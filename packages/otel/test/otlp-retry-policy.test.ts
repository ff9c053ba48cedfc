// The OTLP/HTTP retry rules as tables: which answers are repeated, Retry-After, and the backoff.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { internalLogger } from '@nv-one-logger/core';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { backoffMillis, isRetryableNetworkError, isRetryableStatus, retryAfterMillis } from '../src/otlp-retry-policy.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

describe('OTLP retry policy', () => {
  it('retries 429, 502, 503 and 504 only', () => {
    const table: Array<[number, boolean]> = [
      [200, false],
      [400, false],
      [401, false],
      [404, false],
      [413, false],
      [429, true],
      [500, false],
      [501, false],
      [502, true],
      [503, true],
      [504, true],
    ];
    for (const [status, retry] of table) assert.equal(isRetryableStatus(status), retry, `HTTP ${status}`);
  });

  it('retries the network errors of a collector that is restarting, not others', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH']) {
      assert.equal(isRetryableNetworkError(code), true, code);
    }
    for (const code of ['ERR_ONE_LOGGER_TRANSPORT_RELEASED', 'CERT_HAS_EXPIRED', undefined, 42])
      assert.equal(isRetryableNetworkError(code), false, String(code));
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const table: Array<[string | undefined, number | undefined]> = [
      [undefined, undefined],
      ['', undefined],
      ['2', 2000],
      ['0', 0],
      ['1.5', 1500],
      ['Thu, 01 Jan 2026 00:00:03 GMT', 3000],
      ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
      ['soon', undefined],
    ];
    for (const [header, ms] of table) assert.equal(retryAfterMillis(header, now), ms, String(header));
  });

  it('backs off from 1 s, ×1.5 per retry, ±20 %, never above 5 s', () => {
    const table: Array<[number, number, number]> = [
      [0, 0.5, 1000],
      [1, 0.5, 1500],
      [2, 0.5, 2250],
      [0, 0, 800],
      [0, 1, 1200],
      [4, 0.5, 5000],
      [9, 1, 5000],
    ];
    for (const [retry, random, ms] of table) assert.equal(Math.round(backoffMillis(retry, random)), ms, `retry ${retry}, random ${random}`);
  });
});
