// The `one-logger summarize --json` document: stable keys (absent values are `null`, never missing), versioned
// by SUMMARY_SCHEMA_VERSION, documented field by field in the package README.
import { readFileSync } from 'node:fs';
import { type JobSummary, SUMMARY_SCHEMA_VERSION } from '../model/types.js';
import type { SummarizeResult } from './summarize.js';

export interface SummaryDocument {
  schemaVersion: string;
  generator: { name: 'one-logger'; version: string };
  /** One summary per input file, in argument order. */
  files: JobSummary[];
  /** One combined summary per session tag, in order of first appearance. */
  sessions: JobSummary[];
}

export function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function toSummaryDocument(result: Pick<SummarizeResult, 'perFile' | 'perSession'>): SummaryDocument {
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    generator: { name: 'one-logger', version: cliVersion() },
    files: result.perFile,
    sessions: result.perSession,
  };
}

/**
 * Pretty JSON with `undefined` written as `null`, so every documented key is always present. JSON escapes C0
 * control characters itself; DEL and C1 are escaped too (`\u009b` is a one-character CSI on some terminals).
 */
export function stringifyDocument(doc: unknown): string {
  const json = JSON.stringify(doc, (_key, value: unknown) => (value === undefined ? null : value), 2);
  return `${json.replace(DEL_AND_C1, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)}\n`;
}

const DEL_AND_C1 = /[\u007f-\u009f]/g;
