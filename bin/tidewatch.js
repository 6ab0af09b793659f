#!/usr/bin/env node
// Runs the TypeScript sources through tsx whenever they are there (a clone), so an edit to src/ always takes
// effect, even where an earlier `npm run build` left a dist/ behind that would be stale. The container image ships
// dist/ without src/ (see the Dockerfile): only there does the compiled CLI run.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write('tidewatch: neither src/cli/main.ts nor dist/cli/main.js is installed next to bin/\n');
  process.exit(2);
}
