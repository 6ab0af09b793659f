import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * bin/tidewatch.js never runs a stale dist/: with the sources present (a clone) it runs them through tsx, however
 * new a dist/ is; only without sources (the container image) does it run dist/. Checked on a copy of bin/ next to a
 * fake src/ and dist/ that say which one ran.
 */

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function layout(withSources: boolean, withDist: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'tw-bin-'));
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(repoRoot, 'bin/tidewatch.js'), join(root, 'bin/tidewatch.js'));
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

  it('runs dist/ where there are no sources (the image)', () => {
    expect(run(layout(false, true)).stdout).toBe('dist');
  });

  it('says what is missing when there is neither', () => {
    const result = run(layout(false, false));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/neither src\/cli\/main\.ts nor dist\/cli\/main\.js/);
  });
});
