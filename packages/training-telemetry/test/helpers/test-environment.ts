// The per-file test environment as node:test hooks: a temporary directory, the fake clock, sequential span ids,
// an unset RANK, and a fresh TrainingTelemetryProvider after every test. Call once at the top level of a test file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach } from 'node:test';
import { setIdGenerator } from '@nv-one-logger/core';
import { TrainingTelemetryProvider } from '../../src/index.js';
import type { FakeClock } from './fake-clock.js';

export interface TestEnvironmentOptions {
  /** Installed (at T0) before each test and removed after it. */
  clock: FakeClock;
  /** Prefix of the temporary directory's name, e.g. 'tt-callbacks-'. */
  tmpPrefix: string;
  /** 'file' (default): one directory for the whole file, removed after it; 'test': a fresh one per test, removed after it. */
  tmpDirPer?: 'file' | 'test';
  /** Prefix of the files `newFile()` names. Default 'run'. */
  filePrefix?: string;
  /** Span ids `id1`, `id2`, … restarting with every test. Default true. */
  sequentialIds?: boolean;
  /** Unset RANK before each test; the original is restored after the file. Default false. */
  isolateRank?: boolean;
  /** Close the provider's recorder after each test if the provider was configured. Default true. */
  closeRecorder?: boolean;
}

export interface TestEnvironment {
  /** The current temporary directory. */
  readonly dir: string;
  /** A new file name `<filePrefix>-<n>.jsonl` in the temporary directory. */
  newFile(): string;
}

export function useTestEnvironment(options: TestEnvironmentOptions): TestEnvironment {
  const {
    clock,
    tmpPrefix,
    tmpDirPer = 'file',
    filePrefix = 'run',
    sequentialIds = true,
    isolateRank = false,
    closeRecorder = true,
  } = options;
  let dir = '';
  let fileNo = 0;
  const savedRank = process.env.RANK;
  const makeDir = (): void => {
    dir = mkdtempSync(join(tmpdir(), tmpPrefix));
  };
  const removeDir = (): void => {
    rmSync(dir, { recursive: true, force: true });
  };

  if (tmpDirPer === 'file') {
    before(makeDir);
    after(removeDir);
  }
  if (isolateRank) {
    after(() => {
      if (savedRank === undefined) delete process.env.RANK;
      else process.env.RANK = savedRank;
    });
  }
  beforeEach(() => {
    clock.install();
    if (sequentialIds) {
      let n = 0;
      setIdGenerator(() => `id${++n}`);
    }
    if (isolateRank) delete process.env.RANK;
    if (tmpDirPer === 'test') makeDir();
  });
  afterEach(async () => {
    if (closeRecorder) {
      const provider = TrainingTelemetryProvider.instance();
      if (provider.isReady) await provider.recorder.close();
    }
    TrainingTelemetryProvider.resetForTests();
    clock.uninstall();
    if (sequentialIds) setIdGenerator(undefined);
    if (tmpDirPer === 'test') removeDir();
  });

  return {
    get dir() {
      return dir;
    },
    newFile: () => join(dir, `${filePrefix}-${++fileNo}.jsonl`),
  };
}
