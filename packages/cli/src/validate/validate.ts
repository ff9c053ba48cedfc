// The typed validate API: streams each file, reports reading problems, schema violations and semantic rule
// violations as findings in file order, and tallies them. Findings are handed out as they are found (nothing is
// collected unless asked), so the output of a huge file starts at once and memory stays bounded.
import type { Finding } from '../model/types.js';
import { type ReadProgress, readRecordBatches } from '../records/read.js';
import { SemanticChecker } from './rules.js';
import { loadSchemaCheck, type RecordSchemaCheck } from './schema.js';

export interface ValidateOptions {
  /** Called for every finding, in file order; a returned promise is awaited (e.g. output backpressure). */
  onFinding?: (finding: Finding) => void | Promise<void>;
  onProgress?: (progress: ReadProgress & { fileIndex: number; fileCount: number }) => void;
  /** Check records against records.schema.json (default true). */
  schema?: boolean;
  /** "Now" for the future-timestamp rule (default Date.now()). */
  nowMs?: number;
}

export interface FileValidation {
  file: string;
  records: number;
  errors: number;
  warnings: number;
}

export interface ValidationResult {
  files: FileValidation[];
  records: number;
  errors: number;
  warnings: number;
  /** Why schema checks did not run (ajv missing); undefined when they ran or were not asked for. */
  schemaUnavailable: string | undefined;
}

export async function validateFiles(files: readonly string[], options: ValidateOptions = {}): Promise<ValidationResult> {
  let schemaCheck: RecordSchemaCheck | undefined;
  let schemaUnavailable: string | undefined;
  if (options.schema !== false) {
    try {
      schemaCheck = await loadSchemaCheck();
    } catch (e) {
      schemaUnavailable = (e as Error).message;
    }
  }
  const result: ValidationResult = { files: [], records: 0, errors: 0, warnings: 0, schemaUnavailable };
  for (let i = 0; i < files.length; i++) {
    const file = files[i] as string;
    const onProgress = options.onProgress;
    const fileOptions: FileOptions = { schemaCheck };
    if (options.onFinding !== undefined) fileOptions.onFinding = options.onFinding;
    if (options.nowMs !== undefined) fileOptions.nowMs = options.nowMs;
    if (onProgress !== undefined) fileOptions.onProgress = (p) => onProgress({ ...p, fileIndex: i, fileCount: files.length });
    const fv = await validateFile(file, fileOptions);
    result.files.push(fv);
    result.records += fv.records;
    result.errors += fv.errors;
    result.warnings += fv.warnings;
  }
  return result;
}

interface FileOptions {
  onFinding?: ValidateOptions['onFinding'];
  onProgress?: (progress: ReadProgress) => void;
  nowMs?: number;
  schemaCheck: RecordSchemaCheck | undefined;
}

async function validateFile(file: string, options: FileOptions): Promise<FileValidation> {
  const tally: FileValidation = { file, records: 0, errors: 0, warnings: 0 };
  const rules = new SemanticChecker(file, options.nowMs);
  const emit = async (f: Finding) => {
    if (f.severity === 'error') tally.errors++;
    else tally.warnings++;
    const pending = options.onFinding?.(f);
    if (pending !== undefined) await pending;
  };
  const readOptions = options.onProgress === undefined ? {} : { onProgress: options.onProgress };
  for await (const batch of readRecordBatches(file, readOptions)) {
    for (const item of batch) {
      if (item.kind === 'finding') {
        await emit(item.finding);
        continue;
      }
      if (item.kind !== 'record') continue; // light items are never requested here
      tally.records++;
      const { record, line } = item;
      if (options.schemaCheck !== undefined) {
        for (const problem of options.schemaCheck(record, item.nonStandardTokens !== undefined)) {
          await emit({ file, line, severity: 'error', message: `schema: ${problem}` });
        }
      }
      for (const f of rules.check(record, line)) await emit(f);
    }
  }
  for (const f of rules.finish()) await emit(f);
  return tally;
}
