// Record checks against the JSON Schema shipped with @nv-one-logger/core. Ajv is loaded lazily (only
// `validate` needs it) and each record is checked against the definition of its own `type`, which gives one
// precise message per problem instead of the six branches of the top-level `oneOf`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RawRecord, RecordType } from '../records/raw-record.js';

/** Problems of one record (empty when valid). `ignoreNulls` skips nulls that stand for NaN/Infinity tokens. */
export type RecordSchemaCheck = (record: RawRecord, ignoreNulls: boolean) => string[];

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}
type ValidateFn = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const DEFS: Record<RecordType, string> = {
  start: 'startRecord',
  stop: 'stopRecord',
  complete: 'completeRecord',
  event: 'eventRecord',
  application_error: 'applicationErrorRecord',
  telemetry_data_error: 'telemetryDataErrorRecord',
};

/** The schema's path and version-bearing `$id`. */
export function recordSchemaLocation(): string {
  return createRequire(import.meta.url).resolve('@nv-one-logger/core/schema/records.schema.json');
}

/** Loads Ajv and compiles the record schema; throws a one-line error when either is unavailable. */
export async function loadSchemaCheck(): Promise<RecordSchemaCheck> {
  const require = createRequire(import.meta.url);
  let Ajv2020: new (opts: object) => { addSchema(s: object): void; getSchema(ref: string): ValidateFn | undefined };
  try {
    ({ Ajv2020 } = await import(require.resolve('ajv/dist/2020.js')));
  } catch (e) {
    throw new Error(`the JSON Schema validator (ajv) is not installed: ${(e as Error).message.split('\n')[0]}`);
  }
  const schema = JSON.parse(readFileSync(recordSchemaLocation(), 'utf8')) as { $id: string };
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  ajv.addSchema(schema);
  const validators = new Map<RecordType, ValidateFn>();
  for (const [type, def] of Object.entries(DEFS) as [RecordType, string][]) {
    const fn = ajv.getSchema(`${schema.$id}#/$defs/${def}`);
    if (fn === undefined) throw new Error(`records.schema.json has no definition ${def}`);
    validators.set(type, fn);
  }
  return (record, ignoreNulls) => {
    const fn = validators.get(record.type) as ValidateFn;
    if (fn(record)) return [];
    return describeErrors(fn.errors ?? [], record, ignoreNulls);
  };
}

/** One message per offending location; the branches of an `anyOf` collapse into one message. */
function describeErrors(errors: AjvError[], record: unknown, ignoreNulls: boolean): string[] {
  const collapsed = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath);
  const under = (path: string, root: string) => path === root || path.startsWith(`${root}/`);
  const out = new Set<string>();
  for (const e of errors) {
    if (ignoreNulls && valueAt(record, e.instancePath) === null) continue;
    const root = collapsed.find((c) => under(e.instancePath, c));
    if (root !== undefined && !(e.keyword === 'anyOf' && e.instancePath === root)) continue;
    out.add(`${where(e.instancePath)} ${describe(e)}`);
  }
  return [...out];
}

function describe(e: AjvError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'anyOf':
      return 'must be a string, a finite number, a boolean or an array of one of those types';
    case 'additionalProperties':
      return `has unexpected key ${JSON.stringify(p.additionalProperty)}`;
    case 'required':
      return `is missing required key ${JSON.stringify(p.missingProperty)}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `must be ${String(p.type).replaceAll(',', ' or ')}`;
    default:
      return e.message ?? e.keyword;
  }
}

function where(path: string): string {
  return path === '' ? 'record' : `"${path.slice(1).replaceAll('/', '.')}"`;
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let v: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}
