#!/usr/bin/env node
// Runs before `npm pack` / `npm publish` in a package folder (its "prepack" script): builds the package and the
// packages it references, so a tarball never lacks dist/, and copies the repository's LICENSE into the package,
// so every tarball carries the license text.
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packageDir = process.cwd();
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-b'], { cwd: packageDir, stdio: 'inherit' });
copyFileSync(join(root, 'LICENSE'), join(packageDir, 'LICENSE'));
