// Test helpers: read JSONL written by exporters and validate every record against the shipped JSON Schema.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';

const schemaUrl = new URL('../../schema/records.schema.json', import.meta.url);
const schema = JSON.parse(readFileSync(schemaUrl, 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
const validate = ajv.compile(schema);

/** A parsed record (plain JSON; tests index into it freely). */
// biome-ignore lint/suspicious/noExplicitAny: records are untyped JSON in tests.
export type Rec = Record<string, any>;

/** Throws with every violation if `record` does not match the record schema. */
export function assertValidRecord(record: unknown, where = 'record'): void {
  if (!validate(record)) {
    throw new Error(`${where} does not match records.schema.json: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(record)}`);
  }
}

/** Parses JSONL text; every line must be JSON and valid against the schema. */
export function parseRecords(text: string, source = 'jsonl'): Rec[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, i) => {
    const rec = JSON.parse(line) as Rec;
    assertValidRecord(rec, `${source}:${i + 1}`);
    return rec;
  });
}

/** Reads a JSONL file written by a FileExporter and validates every record. */
export function readRecords(path: string): Rec[] {
  return parseRecords(readFileSync(path, 'utf8'), path);
}
