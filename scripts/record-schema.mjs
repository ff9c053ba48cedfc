// The record JSON Schema (packages/core/schema/records.schema.json, draft 2020-12) compiled with ajv, for the
// test-run record check (scripts/test-record-check.mjs, scripts/run-tests.mjs).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const schemaPath = fileURLToPath(new URL('../packages/core/schema/records.schema.json', import.meta.url));

/** Compiles the schema with the options of packages/core/test/helpers/records.ts. */
export function compileRecordSchema(extraOptions = {}) {
  const { Ajv2020 } = require('ajv/dist/2020.js');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, ...extraOptions });
  return { ajv, schema, validate: ajv.compile(schema) };
}

/**
 * Standalone CommonJS code of the compiled validator: run-tests.mjs writes it once per run, so test processes
 * neither load ajv nor compile (~130 ms each). Its `require("ajv/...")` calls are made absolute, so it loads
 * from any directory.
 */
export function recordValidatorSource() {
  const { ajv, validate } = compileRecordSchema({ code: { source: true } });
  const standaloneCode = require('ajv/dist/standalone').default;
  const ajvDir = dirname(require.resolve('ajv/package.json'));
  return standaloneCode(ajv, validate).replaceAll('require("ajv/', `require(${JSON.stringify(ajvDir).slice(0, -1)}/`);
}
