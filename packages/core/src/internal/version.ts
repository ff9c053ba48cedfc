import { readFileSync } from 'node:fs';

/** The package whose version this module reports. */
export const CORE_PACKAGE_NAME = '@nv-one-logger/core';

/**
 * Reads `version` from the package.json at `url` when its `name` is `expectedName`; otherwise, or on any
 * error, returns `'unknown'`. Never prints: the version is informational and must not disturb the job.
 * The name check keeps an unrelated package.json (e.g. after bundling) from being reported (§9 B23).
 */
export function readPackageVersion(url: URL, expectedName: string = CORE_PACKAGE_NAME): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(url, 'utf8'));
    if (typeof pkg !== 'object' || pkg === null) return 'unknown';
    const { name, version } = pkg as { name?: unknown; version?: unknown };
    return name === expectedName && typeof version === 'string' && version.length > 0 ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

// src/internal/ and dist/internal/ are both two levels below the package root.
/** The version of `@nv-one-logger/core`, or `'unknown'` when its package.json cannot be read. */
export const VERSION: string = readPackageVersion(new URL('../../package.json', import.meta.url));

export function getVersion(): string {
  return VERSION;
}
