#!/usr/bin/env node
// Runs the TypeScript sources through tsx whenever they are there (a clone), so an edit to src/ always takes
// effect, unless `npm run build` compiled dist/ from exactly these sources (its stamp, bin/dist-stamp.js): then the
// compiled CLI runs, without tsx compiling every module at start. A dist/ of other sources (or without a stamp) is
// never run next to them. The container image ships dist/ without src/ (see the Dockerfile): there the compiled CLI
// runs as it is.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
const builtFromTheseSources = async () => existsSync(compiled) && (await import('./dist-stamp.js')).distIsCurrent(fileURLToPath(new URL('..', import.meta.url)));
if (existsSync(sources)) {
  if (await builtFromTheseSources()) {
    await import(compiled.href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(sources.href);
  }
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write('tidewatch: neither src/cli/main.ts nor dist/cli/main.js is installed next to bin/\n');
  process.exit(2);
}
