// Module loader hook of the test-run record check (registered by scripts/test-record-check.mjs; runs on
// Node's loader thread). When a `FileExporter` module is loaded, the TypeScript source through tsx or the
// built `dist` file, one statement is appended that hands the class to the check on the main thread. Nothing
// else is loaded early and no other module changes, so test import order and timing stay as they were.

const FILE_EXPORTER = /\/exporter\/file-exporter\.(?:[cm]?ts|[cm]?js)$/;
const HOOK = "globalThis[Symbol.for('nv-one-logger.test-record-check')]";

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!url.startsWith('file:') || !FILE_EXPORTER.test(new URL(url).pathname) || result.source == null) return result;
  const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source).toString('utf8');
  if (!/\bclass FileExporter\b/.test(source)) return result;
  // Appended after everything (the inline source map, if any, keeps mapping every original line).
  return { ...result, source: `${source}\n;${HOOK}?.(FileExporter, import.meta.url);\n` };
}
