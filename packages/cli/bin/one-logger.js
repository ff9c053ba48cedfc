#!/usr/bin/env node
// The `one-logger` command. This launcher is committed (dist/ is not) so that `npm ci` links the bin on a fresh
// clone: npm skips bins whose file does not exist at install time, and dist/cli.js only exists after a build.
import('../dist/cli.js').catch((e) => {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli.js')) {
    process.stderr.write('one-logger: the package is not built yet; run `npm run build` first\n');
    process.exit(2);
  }
  throw e;
});
