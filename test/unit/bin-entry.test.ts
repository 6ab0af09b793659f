import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourcesDigest } from '../../bin/dist-stamp.js';

/**
 * bin/tidewatch.js never runs a stale dist/: with the sources present (a clone) it runs them through tsx, however
 * new a dist/ is, unless dist/ carries the stamp of exactly these sources (`npm run build`, bin/dist-stamp.js); without
 * sources (the container image) it runs dist/. Checked on a copy of bin/ next to a fake src/ and dist/ that say which
 * one ran.
 */

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function layout(withSources: boolean, withDist: boolean, stamp?: (root: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), 'tw-bin-'));
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(repoRoot, 'bin/tidewatch.js'), join(root, 'bin/tidewatch.js'));
  copyFileSync(join(repoRoot, 'bin/dist-stamp.js'), join(root, 'bin/dist-stamp.js'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}');
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  if (withSources) {
    mkdirSync(join(root, 'src/cli'), { recursive: true });
    // TypeScript-only syntax: only tsx can run it
    writeFileSync(join(root, 'src/cli/main.ts'), "const ran: string = 'src';\nprocess.stdout.write(ran);\n");
  }
  if (withDist) {
    mkdirSync(join(root, 'dist/cli'), { recursive: true });
    writeFileSync(join(root, 'dist/cli/main.js'), "process.stdout.write('dist');\n");
    // built after the last edit of the sources, as a stale build would look by its date
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'dist/cli/main.js'), later, later);
    if (stamp !== undefined) writeFileSync(join(root, 'dist/.sources-sha256'), `${stamp(root)}\n`);
  }
  return root;
}

function run(root: string) {
  const result = spawnSync(process.execPath, [join(root, 'bin/tidewatch.js')], { encoding: 'utf8', timeout: 60_000 });
  rmSync(root, { recursive: true, force: true });
  return result;
}

describe('bin/tidewatch.js', { timeout: 90_000 }, () => {
  it('runs the sources through tsx when they are there, even with a newer dist/', () => {
    expect(run(layout(true, true)).stdout).toBe('src');
  });

  it('runs dist/ when its stamp is the digest of the sources next to it (built from them)', () => {
    expect(run(layout(true, true, (root) => sourcesDigest(root))).stdout).toBe('dist');
  });

  it('runs the sources when dist/ was stamped for other sources (one edited since the build)', () => {
    const stampOfOtherSources = (root: string) => {
      const digest = sourcesDigest(root);
      appendFileSync(join(root, 'src/cli/main.ts'), '// edited after the build\n');
      return digest;
    };
    expect(run(layout(true, true, stampOfOtherSources)).stdout).toBe('src');
  });

  it('runs the sources when a source file was added since the build', () => {
    const stampWithoutTheNewFile = (root: string) => {
      const digest = sourcesDigest(root);
      writeFileSync(join(root, 'src/cli/added.ts'), 'export const added = 1;\n');
      return digest;
    };
    expect(run(layout(true, true, stampWithoutTheNewFile)).stdout).toBe('src');
  });

  it('runs dist/ where there are no sources (the image)', () => {
    expect(run(layout(false, true)).stdout).toBe('dist');
  });

  it('says what is missing when there is neither', () => {
    const result = run(layout(false, false));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/neither src\/cli\/main\.ts nor dist\/cli\/main\.js/);
  });
});
