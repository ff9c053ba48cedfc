// Our own exporter packages, which a config may name without the program importing them (as in Python, where
// the config alone turns an exporter on). This fixed table is the only code a config can cause to be loaded:
// a name found here loads that package, which registers its factories; any other name stays unknown.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { messageOf, OneLoggerError } from '../core/errors.js';

export interface FirstPartyExporterPackage {
  /** The npm package that registers these exporters when it is imported. */
  readonly packageName: string;
  /** The exporter names and aliases it registers. */
  readonly names: readonly string[];
}

/** One line per package: its npm name and every exporter name (and alias) it registers. */
export const FIRST_PARTY_EXPORTERS: readonly FirstPartyExporterPackage[] = [
  { packageName: '@nv-one-logger/otel', names: ['otel', 'OTelExporter', 'nv_one_logger.otel.exporter.otel_exporter.OTelExporter'] },
  {
    packageName: '@nv-one-logger/wandb',
    names: [
      'wandb',
      'wandb_async',
      'WandBExporterSync',
      'WandBExporterAsync',
      'nv_one_logger.wandb.exporter.wandb_exporter.WandBExporterSync',
      'nv_one_logger.wandb.exporter.wandb_exporter.WandBExporterAsync',
    ],
  },
  {
    packageName: '@nv-one-logger/v1-adapter',
    names: ['v1_wandb', 'nv_one_logger.training_telemetry.v1_adapter.v1_compatible_wandb_exporter.V1CompatibleExporter'],
  },
  { packageName: '@nv-one-logger/prometheus', names: ['prometheus', 'PrometheusExporter'] },
];

/** The first-party package providing exporter `className`, if any. */
export function firstPartyPackageOf(className: string): string | undefined {
  return FIRST_PARTY_EXPORTERS.find((p) => p.names.includes(className))?.packageName;
}

const loaded = new Set<string>();

/**
 * Loads `packageName` synchronously (so `configure()` stays synchronous): the specifier is resolved the way
 * `import` resolves it from this package (`import.meta.resolve`, so the very module an `import` would give, with
 * one shared copy of core), then evaluated with `require()` of an ES module, which Node supports without a
 * flag from 20.19 and 22.12. Throws `OneLoggerError` saying what to do when the package is not installed or
 * this Node cannot load ES modules synchronously.
 */
export function loadFirstPartyPackage(packageName: string, exporterName: string): void {
  if (loaded.has(packageName)) return;
  const wanted = `exporter ${JSON.stringify(exporterName)} is provided by ${packageName}`;
  const importHint = `add \`import '${packageName}';\` to the program (before configure())`;
  if (typeof import.meta.resolve !== 'function') {
    throw new OneLoggerError(`${wanted}, which Node ${process.version} cannot load by name; ${importHint}`);
  }
  let url: string;
  try {
    url = import.meta.resolve(packageName);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new OneLoggerError(`${wanted}, which is not installed; install it: npm install ${packageName}`);
    }
    throw new OneLoggerError(`${wanted}, which could not be found: ${messageOf(e)}`);
  }
  try {
    createRequire(import.meta.url)(fileURLToPath(url));
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') {
      throw new OneLoggerError(
        `${wanted}, which cannot be loaded synchronously here: require() of ES modules is off (Node ${process.version}; it is on by default from 20.19 and 22.12); ${importHint}`,
      );
    }
    throw new OneLoggerError(`${wanted}, which failed to load: ${messageOf(e)}`);
  }
  loaded.add(packageName);
}
