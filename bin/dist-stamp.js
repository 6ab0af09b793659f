#!/usr/bin/env node
// `npm run build`: compiles src/ to dist/ and stamps dist/ with the digest of the sources it was compiled from, so that
// bin/tidewatch.js can run dist/ (without tsx compiling every module at start and wrapping every closure it makes)
// exactly when it was compiled from the sources next to it, and the sources through tsx otherwise.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where the build writes the digest, relative to the project root. */
export const STAMP = 'dist/.sources-sha256';
/** What tsc reads besides the sources. */
const COMPILER_INPUTS = ['tsconfig.json', 'tsconfig.build.json'];

/** SHA-256 over the paths and bytes of src/**\/*.ts and the tsconfig files under `root`, in a fixed order. */
export function sourcesDigest(root) {
  const sources = readdirSync(join(root, 'src'), { recursive: true })
    .filter((path) => path.endsWith('.ts'))
    .map((path) => `src/${path.split('\\').join('/')}`);
  const files = [...COMPILER_INPUTS.filter((file) => existsSync(join(root, file))), ...sources].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const bytes = readFileSync(join(root, file));
    hash.update(`${file}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/** Whether dist/ under `root` was built from exactly the sources there now. */
export function distIsCurrent(root) {
  try {
    return readFileSync(join(root, STAMP), 'utf8').trim() === sourcesDigest(root);
  } catch {
    return false; // no stamp (an older build, a copied dist/) or no sources: not known to be current
  }
}

function build() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  // the digest of the sources before tsc reads them: one edited during the build leaves a stamp no source matches
  const digest = sourcesDigest(root);
  rmSync(join(root, STAMP), { force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  // a failed build (type errors still emit) is not stamped: bin/tidewatch.js keeps running the sources
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(join(root, STAMP), `${digest}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) build();
