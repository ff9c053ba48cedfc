// The pure parts: the retry rule per endpoint, Retry-After, backoff, W&B's extended JSON, and the options
// (env precedence, validation messages that name field, value and rule, and never the API key).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@nv-one-logger/core';
import { extendedJson, objectJson, objectJsonLiteral } from '../src/history-line.js';
import {
  isRetryableStatus,
  resolveOptions,
  retryAfterMillis,
  retryDelayMillis,
  WandBExporterSync,
  type WandbEndpoint,
} from '../src/index.js';
import { parseLenientJson } from './helpers/lenient-json.js';
import { API_KEY } from './helpers/setup.js';

describe('retry rule (spec wandb-protocol.md §1, §2)', () => {
  const table: Array<[number, boolean, boolean]> = [
    // status, graphql retried, file_stream retried
    [200, false, false],
    [204, false, false],
    [400, false, false],
    [401, false, false],
    [403, false, false],
    [404, false, false],
    [408, true, true],
    [409, true, false],
    [410, false, false],
    [413, false, false],
    [422, false, false],
    [429, true, true],
    [500, true, true],
    [501, false, false],
    [502, true, true],
    [503, true, true],
    [504, true, true],
  ];
  for (const [status, graphql, fileStream] of table) {
    it(`HTTP ${status}: graphql ${graphql ? 'retried' : 'final'}, file_stream ${fileStream ? 'retried' : 'final'}`, () => {
      const got = (['graphql', 'file_stream'] as WandbEndpoint[]).map((e) => isRetryableStatus(e, status));
      assert.deepEqual(got, [graphql, fileStream]);
    });
  }
});

describe('Retry-After', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');
  const table: Array<[string | null, number | undefined]> = [
    ['3', 3000],
    ['1.5', 1500],
    ['0', 0],
    [' 7 ', 7000],
    ['Tue, 01 Dec 2026 10:00:05 GMT', 5000],
    ['Tue, 01 Dec 2026 09:59:00 GMT', 0],
    ['soon', undefined],
    ['-1', undefined],
    ['', undefined],
    [null, undefined],
  ];
  for (const [header, expected] of table) {
    it(`${JSON.stringify(header)} -> ${expected}`, () => assert.equal(retryAfterMillis(header, now), expected));
  }
});

describe('backoff', () => {
  const settings = { initialMillis: 2000, maxMillis: 60_000 };
  it('2 s·2^n·(1 + 0.25·U), capped at 60 s; Retry-After wins (also capped)', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 10].map((n) => retryDelayMillis(n, settings, 0)),
      [2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000],
    );
    assert.deepEqual(
      [0, 1, 2].map((n) => retryDelayMillis(n, settings, 1)),
      [2500, 5000, 10_000],
    );
    assert.equal(retryDelayMillis(0, settings, 0.5, 12_000), 12_000);
    assert.equal(retryDelayMillis(0, settings, 0.5, 600_000), 60_000);
  });
});

describe('extended JSON (history lines)', () => {
  it('non-finite numbers become bare NaN/Infinity/-Infinity tokens, strings that look like them stay strings', () => {
    const row = { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: Number.NEGATIVE_INFINITY, d: 'NaN', e: [1, Number.NaN], f: 'x"NaN"' };
    const text = extendedJson(row);
    assert.equal(text, '{"a":NaN,"b":Infinity,"c":-Infinity,"d":"NaN","e":[1,NaN],"f":"x\\"NaN\\""}');
    assert.throws(() => JSON.parse(text));
    assert.deepEqual(parseLenientJson(text), row);
    assert.equal(extendedJson({ x: 1 }), '{"x":1}');
  });
});

describe('history lines as string literals (the file_stream body)', () => {
  it('the literal is the JSON string of the line: quotes, backslashes, line breaks, unicode, arrays, NaN', () => {
    const keys = ['a"b', 'c\\d', 'e', 'f', 'g', 'h', 'i.j/k'];
    const values = ['say "hi"\n\\', 1.5, Number.NaN, true, ['x"', 'y'], [1, Number.POSITIVE_INFINITY], 'ünï €'];
    const tail = '"_step":3,"_runtime":0.25,"_timestamp":1700000000.5';
    const literal = objectJsonLiteral(keys, values, tail);
    const line = JSON.parse(literal) as string;
    assert.equal(line, objectJson(keys, values, tail));
    assert.deepEqual(parseLenientJson(line), {
      'a"b': 'say "hi"\n\\',
      'c\\d': 1.5,
      e: Number.NaN,
      f: true,
      g: ['x"', 'y'],
      h: [1, Number.POSITIVE_INFINITY],
      'i.j/k': 'ünï €',
      _step: 3,
      _runtime: 0.25,
      _timestamp: 1_700_000_000.5,
    });
    assert.equal(JSON.parse(objectJsonLiteral([], [], tail)), `{${tail}}`);
  });
});

describe('options', () => {
  const env = {
    WANDB_API_KEY: API_KEY,
    WANDB_BASE_URL: 'http://wandb.local:8080/',
    WANDB_ENTITY: 'env-team',
    WANDB_PROJECT: 'env-proj',
    WANDB_RUN_ID: 'envrun01',
    WANDB_NAME: 'env name',
    WANDB_MODE: 'dryrun',
    WANDB_RESUME: 'allow',
  };

  it('the option wins over WANDB_*, which wins over the default', () => {
    const fromEnv = resolveOptions({}, env);
    assert.deepEqual(
      [fromEnv.apiKey, fromEnv.baseUrl, fromEnv.entity, fromEnv.project, fromEnv.runId, fromEnv.runName, fromEnv.mode, fromEnv.resume],
      [API_KEY, 'http://wandb.local:8080', 'env-team', 'env-proj', 'envrun01', 'env name', 'offline', 'allow'],
    );
    const fromOptions = resolveOptions(
      { host: 'https://w.example', entity: 'o', project: 'p', runId: 'r1', runName: 'n', mode: 'disabled', resume: 'never' },
      env,
    );
    assert.deepEqual(
      [
        fromOptions.baseUrl,
        fromOptions.entity,
        fromOptions.project,
        fromOptions.runId,
        fromOptions.runName,
        fromOptions.mode,
        fromOptions.resume,
      ],
      ['https://w.example', 'o', 'p', 'r1', 'n', 'disabled', 'never'],
    );
    const defaults = resolveOptions({}, {});
    assert.deepEqual(
      [
        defaults.apiKey,
        defaults.baseUrl,
        defaults.entity,
        defaults.project,
        defaults.mode,
        defaults.resume,
        defaults.tags,
        defaults.saveDir,
      ],
      ['', 'https://api.wandb.ai', undefined, 'one-logger-tracking', 'online', undefined, ['e2e_metrics_enabled'], './wandb'],
    );
    assert.match(defaults.runId, /^[a-z0-9]{8}$/);
    assert.equal(resolveOptions({}, {}, false).transmitIntervalMillis, 0);
    assert.equal(resolveOptions({}, {}, true).transmitIntervalMillis, 15_000);
  });

  it('close() of an exporter never initialized resolves and does nothing (weakness B.10-5); export calls then say it is closed', async () => {
    const exporter = new WandBExporterSync({ host: 'http://127.0.0.1:9', apiKey: API_KEY, entity: 'e' });
    await exporter.close();
    assert.equal(exporter.closed, true);
    assert.deepEqual(exporter.stats, { enqueued: 0, sent: 0, dropped: 0, failedRequests: 0, retries: 0, queued: 0, notSent: 0 });
    assert.throws(() => exporter.initialize(), /^ExportError: Exporter is closed and cannot be initialized again\.$/);
  });

  it('each exporter gets its own default run name and run ID (weakness B.10-1)', () => {
    const a = new WandBExporterSync({ mode: 'disabled' });
    const b = new WandBExporterSync({ mode: 'disabled' });
    assert.match(a.run.displayName, /^one-logger-tracking-run-[0-9a-f-]{36}$/);
    assert.notEqual(a.run.displayName, b.run.displayName);
    assert.notEqual(a.run.runId, b.run.runId);
  });

  const bad: Array<[string, Record<string, unknown>, Record<string, string>, string]> = [
    [
      'project with a slash',
      { project: 'a/b' },
      {},
      'WandBExporterOptions.project: must be at most 128 characters, none of / \\ # ? % : (got "a/b")',
    ],
    [
      'WANDB_PROJECT with a colon',
      {},
      { WANDB_PROJECT: 'a:b' },
      'WANDB_PROJECT: must be at most 128 characters, none of / \\ # ? % : (got "a:b")',
    ],
    [
      'run ID with a slash',
      { runId: 'a/b' },
      {},
      'WandBExporterOptions.runId: must be at most 128 characters, none of : ; , # ? / \' or spaces (got "a/b")',
    ],
    ['host not a URL', { host: 'wandb' }, {}, 'WandBExporterOptions.host: must be an http:// or https:// URL (got "wandb")'],
    ['WANDB_BASE_URL ftp', {}, { WANDB_BASE_URL: 'ftp://x' }, 'WANDB_BASE_URL: must be an http:// or https:// URL (got "ftp://x")'],
    [
      'WANDB_MODE',
      {},
      { WANDB_MODE: 'fast' },
      'WANDB_MODE: must be "online", "offline" or "disabled" (also "dryrun" = offline, "run" = online) (got "fast")',
    ],
    ['resume', { resume: 'auto' }, {}, 'WandBExporterOptions.resume: must be one of "allow", "must", "never" (got "auto")'],
    ['tags', { tags: 'a' }, {}, 'WandBExporterOptions.tags: must be a list of non-empty strings of at most 64 characters (got "a")'],
    ['queue bound', { maxQueueSize: 0 }, {}, 'WandBExporterOptions.maxQueueSize: must be a positive integer (got 0)'],
  ];
  it('rejects an unknown option, listing the options', () => {
    assert.throws(
      () => resolveOptions({ apiKy: 'x' } as never, {}),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.startsWith('WandBExporterOptions.apiKy: is not an option; the options are entity, project, host, apiKey,'),
    );
  });
  it('rejects a naming that is neither a name nor a strategy object', () => {
    assert.throws(
      () => resolveOptions({ metricNaming: 'dotted' as never }, {}),
      (e: unknown) =>
        e instanceof ConfigError && e.message.startsWith('WandBExporterOptions.metricNaming: must be "hierarchical", "flat" or an object'),
    );
  });
  for (const [what, options, envVars, message] of bad) {
    it(`rejects ${what} with a message naming field, value and rule`, () => {
      assert.throws(
        () => resolveOptions(options, envVars),
        (e: unknown) => e instanceof ConfigError && e.message === message,
      );
    });
  }

  it('a malformed API key is refused without showing it, from the option or from WANDB_API_KEY; so is a key in the URL', () => {
    const secret = 'short-secret-value';
    for (const [options, envVars, field] of [
      [{ apiKey: secret }, {}, 'WandBExporterOptions.apiKey'],
      [{}, { WANDB_API_KEY: secret }, 'WANDB_API_KEY'],
    ] as const) {
      assert.throws(
        () => resolveOptions(options, envVars),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.message.startsWith(`${field}: must be a W&B API key`) &&
          e.message.endsWith('(got 18 characters) (got "<redacted>")') &&
          !e.message.includes(secret),
      );
    }
    assert.throws(
      () => resolveOptions({ host: `https://api:${API_KEY}@w.example` }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes(API_KEY) && /must not contain credentials/.test(e.message),
    );
  });
});
