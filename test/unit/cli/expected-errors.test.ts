import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The real CLI (`node bin/tidewatch.js`), spawned: an expected failure is one line on stderr and exit 2, never a
 * stack trace, never exit 0 with an output missing; passwords in URLs are not shown; a reader that stops early ends
 * the run quietly.
 */

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const bin = join(repoRoot, 'bin/tidewatch.js');
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
/**
 * A spawn costs ~2 s of CPU (tsx and the CLI's modules), and took up to 25 s on a 2-core machine shared with four
 * other jobs; a dependency that does not answer adds kafkajs's retries (~20 s).
 */
const SPAWN_MS = 90_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without any of the service's variables unless given: each command must ask only for what it uses. */
function cli(args: readonly string[], env: Record<string, string> = {}, cwd = repoRoot): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: SPAWN_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

/** Exit 2 and exactly one line on stderr, no stack frame. */
function expectOneLine(run: Run, pattern: RegExp): void {
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tidewatch: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.code, run.stderr).toBe(2);
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}

const MISSING_DIR = '/nonexistent-tidewatch-dir';

// one at a time: concurrent spawns only compete for the same two cores
describe('tidewatch CLI: expected errors are one line and exit 2', { timeout: SPAWN_MS * 2 }, () => {
  let work: string;
  let bank: string;
  let alerts: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tw-cli-'));
    bank = join(work, 'bank');
    const generated = await cli(['generate', '--customers', '40', '--months', '1', '--start', '2024-01-01', '--out', bank, '--quiet']);
    expect(generated.code, generated.stderr).toBe(0);
    alerts = join(work, 'alerts.jsonl');
    const replayed = await cli(['replay', '--input', bank, '--quiet', '--out', alerts]);
    expect(replayed.code, replayed.stderr).toBe(0);
  }, SPAWN_MS * 2);

  it('prints the version', async () => {
    const run = await cli(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  for (const option of ['--out', '--dead-letters', '--summary-json']) {
    it(`replay ${option} into a missing folder fails naming the path, and writes nothing`, async () => {
      const path = `${MISSING_DIR}/a.jsonl`;
      expectOneLine(await cli(['replay', '--input', bank, '--quiet', option, path]), new RegExp(`cannot write ${path}: no such folder`));
      expect(existsSync(MISSING_DIR)).toBe(false);
    });
  }

  it('replay --out to a folder fails (the path is a folder), before replaying', async () => {
    expectOneLine(await cli(['replay', '--input', bank, '--quiet', '--out', work]), /cannot write .*: is a folder/);
  });

  it('report --out into a missing folder fails naming the path', async () => {
    expectOneLine(await cli(['report', '--alerts', alerts, '--out', `${MISSING_DIR}/r.html`]), /cannot write \/nonexistent-tidewatch-dir\/r\.html: no such folder/);
  });

  it('backtest --json into a missing folder fails naming the path, before running', async () => {
    expectOneLine(await cli(['backtest', '--input', bank, '--quiet', '--json', `${MISSING_DIR}/b.json`]), /cannot write \/nonexistent-tidewatch-dir\/b\.json: no such folder/);
  });

  it('generate --out onto an existing file fails without touching it', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'keep me');
    expectOneLine(await cli(['generate', '--customers', '5', '--months', '1', '--out', file, '--quiet']), /cannot write .*a-file: exists and is not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('a missing input names it', async () => {
    expectOneLine(await cli(['replay', '--input', join(work, 'nope.jsonl')]), /nope\.jsonl: no such file or folder/);
  });

  it('a missing or unreadable --rules names it', async () => {
    expectOneLine(await cli(['replay', '--input', bank, '--rules', join(work, 'nope.yaml')]), /--rules .*nope\.yaml: no such file/);
    // a folder cannot be read as a file (a permission problem cannot be shown as root, which reads anything)
    expectOneLine(await cli(['replay', '--input', bank, '--rules', work]), /: is a folder/);
  });

  it('invalid rules are refused with the key path (one line per problem, no stack)', async () => {
    const rules = join(work, 'bad-rules.yaml');
    writeFileSync(rules, 'version: 1\ntimeZone: Nowhere/City\n');
    const run = await cli(['replay', '--input', bank, '--rules', rules]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tidewatch: replay: .*bad-rules\.yaml/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('an empty input succeeds with a warning', async () => {
    const empty = join(work, 'empty.jsonl');
    writeFileSync(empty, '');
    const run = await cli(['replay', '--input', empty, '--quiet']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^tidewatch: warning: .*empty\.jsonl holds no transactions/);
  });

  it('replay --out - into a reader that stops after one line ends quietly (EPIPE)', async () => {
    // one thread: with worker threads this small bank's whole output can fit the pipe before the reader stops, and
    // then no EPIPE ever comes (the run ends normally, summary and all); what is tested is the CLI's EPIPE handling
    const child = spawn(process.execPath, [bin, 'replay', '--input', bank, '--out', '-', '--workers', '1'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], timeout: SPAWN_MS });
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const firstLine = await new Promise<string>((resolveLine) => {
      let seen = '';
      child.stdout.on('data', (data: Buffer) => {
        seen += data.toString();
        if (seen.includes('\n')) {
          child.stdout.destroy();
          resolveLine(seen.split('\n')[0]!);
        }
      });
    });
    const code = await new Promise<number | null>((exited) => child.on('close', exited));
    expect(JSON.parse(firstLine)).toHaveProperty('feed');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('replay --redis that does not answer names the address with the password replaced', async () => {
    const port = await closedPort();
    const run = await cli(['replay', '--input', bank, '--quiet', '--redis', `redis://:hunter2secret@127.0.0.1:${port}`]);
    expectOneLine(run, new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}`));
    expect(run.stderr).not.toContain('hunter2secret');
  });

  it('schemas register asks for the registry only (no REDIS_URL, no KAFKA_BROKERS) and names it when it does not answer', async () => {
    const port = await closedPort();
    const run = await cli(['schemas', 'register'], { SCHEMA_REGISTRY_URL: `http://127.0.0.1:${port}` });
    expectOneLine(run, new RegExp(`cannot (reach|connect to) (the )?schema registry at http://127\\.0\\.0\\.1:${port}/?: .*ECONNREFUSED`));
  });

  it('run with Redis down names Redis, password replaced', async () => {
    const [kafka, registry, redis] = [await closedPort(), await closedPort(), await closedPort()];
    const run = await cli(['run'], {
      KAFKA_BROKERS: `127.0.0.1:${kafka}`,
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${registry}`,
      REDIS_URL: `redis://:hunter2secret@127.0.0.1:${redis}`,
      TIDEWATCH_HTTP_PORT: '0',
    });
    // the address without its credentials (src/config/security.ts takes them out of the URL)
    expectOneLine(run, new RegExp(`cannot (reach|connect to) Redis at redis://(:\\*\\*\\*@)?127\\.0\\.0\\.1:${redis}`));
    expect(run.stderr).not.toContain('hunter2secret');
  });

  it('run with Kafka down names the brokers', async () => {
    const [kafka, registry] = [await closedPort(), await closedPort()];
    const run = await cli(['run'], {
      KAFKA_BROKERS: `127.0.0.1:${kafka}`,
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${registry}`,
      REDIS_URL: process.env['TIDEWATCH_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      TIDEWATCH_HTTP_PORT: '0',
    });
    if (/cannot (reach|connect to) Redis/.test(run.stderr)) return expectOneLine(run, /cannot (reach|connect to) Redis/);
    // the start-up connection check names the endpoint and how it connects (src/adapters/connection-error.ts)
    expectOneLine(run, new RegExp(`cannot (reach|connect to) Kafka at 127\\.0\\.0\\.1:${kafka}`));
  });
});

describe('tidewatch CLI: a folder the CLI cannot create', { timeout: SPAWN_MS }, () => {
  it('generate --out under a file names the path', async () => {
    const work = mkdtempSync(join(tmpdir(), 'tw-cli-'));
    writeFileSync(join(work, 'file'), '');
    mkdirSync(join(work, 'ok'));
    expectOneLine(await cli(['generate', '--customers', '5', '--months', '1', '--out', join(work, 'file', 'sub'), '--quiet']), /cannot write .*file\/sub: exists and is not a folder/);
  });
});
