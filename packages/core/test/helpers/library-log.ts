// Captures the library's own diagnostics (the internal logger's `nv_one_logger - LEVEL - …` lines) for the tests
// of a file, instead of letting them reach the test runner's output: tests that provoke errors and warnings on
// purpose can assert on them, and a passing run prints only test results.
import { after, before, beforeEach } from 'node:test';

export type LibraryLogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

export interface LibraryLog {
  /** `[level, message]` of every line logged since the current test began. */
  readonly lines: Array<[LibraryLogLevel, string]>;
  /** The messages since the current test began, of one level (WARNING and above when not given). */
  messages(level?: LibraryLogLevel): string[];
}

/** The internal logger of the library instance a test uses: core's tests use its sources, other packages its dist. */
export interface CapturingLogger {
  capture: ((level: LibraryLogLevel, message: string) => void) | undefined;
}

const AT_LEAST_WARNING = new Set<LibraryLogLevel>(['WARNING', 'ERROR', 'CRITICAL']);

/**
 * Installs the capture for the tests of the calling file or suite (call it at the top level or in a describe):
 * set before the first test, emptied before each test, removed after the last. Child processes are not
 * affected: a test that spawns one collects its stderr itself.
 */
export function captureLibraryLog(logger: CapturingLogger): LibraryLog {
  const lines: Array<[LibraryLogLevel, string]> = [];
  let previous: CapturingLogger['capture'];
  before(() => {
    previous = logger.capture;
    logger.capture = (level, message) => lines.push([level, message]);
  });
  beforeEach(() => {
    lines.length = 0;
  });
  after(() => {
    logger.capture = previous;
  });
  return {
    lines,
    messages: (level) => lines.filter(([l]) => (level === undefined ? AT_LEAST_WARNING.has(l) : l === level)).map(([, m]) => m),
  };
}
